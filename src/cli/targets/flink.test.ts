import { describe, expect, it } from 'vitest';
import { parseTarget } from './flink.js';
import { checkForFlink } from './flink-compat.js';
import { gatewayErrorMessage } from './sql-gateway.js';

describe('--target', () => {
  it('takes flink=<url> and drops a trailing slash', () => {
    expect(parseTarget('flink=http://127.0.0.1:8083/')).toEqual({
      kind: 'flink',
      url: 'http://127.0.0.1:8083',
    });
  });

  it('rejects other engines and missing URLs with a usage error', () => {
    expect(() => parseTarget('spark=http://x')).toThrow("invalid --target 'spark=http://x'");
    expect(() => parseTarget('flink=localhost:8083')).toThrow(
      expect.objectContaining({ code: 'CLI_USAGE', hint: expect.stringMatching(/^expected flink=<url>/) }),
    );
  });
});

describe('gatewayErrorMessage', () => {
  const trace = [
    'Internal server error.',
    `<Exception on server side:
org.apache.flink.table.gateway.api.utils.SqlGatewayException: org.apache.flink.table.gateway.api.utils.SqlGatewayException: Failed to fetchResults.
\tat org.apache.flink.table.gateway.rest.handler.statement.FetchResultsHandler.handleRequest(FetchResultsHandler.java:91)
Caused by: org.apache.flink.table.gateway.service.utils.SqlExecutionException: Failed to execute the operation 85f6.
\t... 1 more
Caused by: org.apache.flink.table.api.ValidationException: SQL validation failed. From line 1, column 8 to line 1, column 10: Column 'foo' not found in any table
\t... 7 more
Caused by: org.apache.calcite.sql.validate.SqlValidatorException: Column 'foo' not found in any table
\t... 36 more

End of exception on server side>`,
  ];

  it("keeps the first cause that is not the gateway's wrapper, and the deepest one", () => {
    expect(gatewayErrorMessage(trace)).toBe(
      "ValidationException: SQL validation failed. From line 1, column 8 to line 1, column 10: Column 'foo' not found in any table\n  caused by SqlValidatorException: Column 'foo' not found in any table",
    );
  });

  it('falls back to the first line that is not the generic one', () => {
    expect(gatewayErrorMessage(['Internal server error.', 'Session abc does not exist'])).toBe(
      'Session abc does not exist',
    );
  });
});

describe('checkForFlink', () => {
  const at = (text: string, line = 1) => ({ text, line });

  it("refuses weir's own connectors and names the line", () => {
    const report = checkForFlink(
      [at("CREATE TABLE datagen (event_type INT) WITH ('connector' = 'nexmark')", 4)],
      [],
      'job.sql',
    );
    expect(report.errors).toEqual([
      expect.stringMatching(/^job\.sql:4: connector 'nexmark' is not on a Flink cluster/),
    ]);
  });

  it('refuses a JavaScript function and accepts a JVM class', () => {
    const report = checkForFlink(
      [
        at("CREATE FUNCTION shout AS './udfs.mjs#shout'", 2),
        at("CREATE TEMPORARY FUNCTION f AS 'lib/f' LANGUAGE JAVASCRIPT", 3),
        at("CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'", 4),
      ],
      [],
      'job.sql',
    );
    expect(report.errors).toEqual([
      expect.stringMatching(/^job\.sql:2: a JavaScript function .* cannot run on a Flink cluster/),
      expect.stringMatching(/^job\.sql:3: a JavaScript function/),
    ]);
  });

  it('warns about options only one side applies', () => {
    const report = checkForFlink(
      [at("SET 'pipeline.operator-chaining.enabled' = 'false'", 2)],
      [
        ['sql-client.execution.result-mode', 'tableau'],
        ['rest.port', '9000'],
      ],
      'job.sql',
    );
    expect(report.errors).toEqual([]);
    expect(report.warnings).toEqual([
      "-D: 'sql-client.execution.result-mode' shapes the SQL client's output; the Flink SQL Gateway ignores it",
      "-D: 'rest.port' configures weir's own REST API; the Flink cluster's is already running",
      "job.sql:2: weir does not know option 'pipeline.operator-chaining.enabled'; Flink will apply it, weir would ignore it",
    ]);
  });

  it('warns about a statement weir cannot plan, with weir’s reason', () => {
    const report = checkForFlink([at('SELECT * FROM missing', 3)], [], 'job.sql');
    expect(report.warnings).toEqual([
      expect.stringMatching(/^job\.sql:3: weir could not run this statement itself \(Flink may\): .*missing/),
    ]);
  });

  it('has nothing to say about a script both engines run', () => {
    const report = checkForFlink(
      [
        at("SET 'execution.checkpointing.interval' = '10s'"),
        at("CREATE TABLE s (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3')", 2),
        at("CREATE TABLE b (x INT) WITH ('connector' = 'blackhole')", 3),
        at('INSERT INTO b SELECT x FROM s', 4),
      ],
      [['parallelism.default', '2']],
      'job.sql',
    );
    expect(report).toEqual({ errors: [], warnings: [] });
  });
});
