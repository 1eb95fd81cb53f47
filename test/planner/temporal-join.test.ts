import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../../src/common/errors.js';
import type { JobGraph, LookupJoinSpec, TemporalJoinSpec } from '../../src/common/jobgraph.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { SqlSession, type StatementResult } from '../../src/planner/session.js';

/**
 * Lookup joins and event-time temporal joins in the planner: EXPLAIN goldens
 * (test/planner/golden/joins/, rewritten with WEIR_UPDATE_GOLDEN=1 and reviewed like code), the
 * JobGraph specs, and Flink's errors at the line and column of the offending text.
 */
const GOLDEN = fileURLToPath(new URL('./golden/joins/', import.meta.url));
const quiet = { write: () => true, once: () => quiet };
const connectors = builtinConnectors({ stdout: quiet, stderr: quiet } as never).map((c) => c.descriptor);

const SETUP = `CREATE TABLE orders (order_id BIGINT, customer_id INT, currency STRING, amount DECIMAL(10, 2), order_time TIMESTAMP(3), proc_time AS PROCTIME(), WATERMARK FOR order_time AS order_time - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE customers (id INT, name STRING, country STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql://localhost:5432/shop', 'table-name' = 'customers', 'password' = 'secret');
CREATE TABLE rates (currency STRING, rate DECIMAL(10, 4), update_time TIMESTAMP(3), WATERMARK FOR update_time AS update_time, PRIMARY KEY (currency) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'rates', 'properties.bootstrap.servers' = 'localhost:9092', 'key.format' = 'json', 'value.format' = 'json');
CREATE TABLE rates_log (currency STRING, rate DECIMAL(10, 4), update_time TIMESTAMP(3), WATERMARK FOR update_time AS update_time) WITH ('connector' = 'datagen');
CREATE VIEW versioned_rates AS SELECT currency, rate, update_time FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY currency ORDER BY update_time DESC) AS rownum FROM rates_log) WHERE rownum = 1;
CREATE TABLE enriched (order_id BIGINT, name STRING) WITH ('connector' = 'print');`;

function session(): SqlSession {
  const s = new SqlSession({ connectors });
  s.executeScript(SETUP);
  return s;
}

function one(sql: string): StatementResult {
  const results = session().executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

function golden(name: string, sql: string): void {
  const r = one(sql);
  if (r.kind !== 'explain') throw new Error(r.kind);
  const file = `${GOLDEN}${name}.explain`;
  if (process.env.WEIR_UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, r.text);
  expect(r.text).toBe(readFileSync(file, 'utf8'));
}

function job(sql: string): JobGraph {
  const r = one(sql);
  if (r.kind !== 'job') throw new Error(r.kind);
  return r.jobGraph;
}

function failure(sql: string): WeirError {
  try {
    one(sql);
  } catch (err) {
    if (isWeirError(err)) return err;
    throw err;
  }
  throw new Error(`no error for ${sql}`);
}

describe('lookup joins: plans', () => {
  it('EXPLAIN: LogicalCorrelate over a LogicalSnapshot, then a LookupJoin with a constant key and the rest of ON', () => {
    golden(
      'lookup-join',
      `EXPLAIN CHANGELOG_MODE INSERT INTO enriched
SELECT o.order_id, c.name FROM orders AS o
LEFT JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c
  ON o.customer_id = c.id AND c.country = 'NL' AND o.amount > c.id
WHERE o.amount > 10`,
    );
  });

  it('the JobGraph: a lookup-join vertex chained after its input, keys and the table (password only in options)', () => {
    const g = job(
      'INSERT INTO enriched SELECT o.order_id, c.name FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON c.id = o.customer_id',
    );
    const v = g.vertices.find((x) => x.operator.kind === 'lookup-join')!;
    const spec = v.operator as LookupJoinSpec;
    expect(spec.joinType).toBe('INNER');
    expect(spec.keys).toEqual([{ kind: 'field', tableField: 0, inputField: 1 }]);
    expect(spec.table.options['table-name']).toBe('customers');
    expect(v.keyed).toBeUndefined();
    expect(g.edges.filter((e) => e.target === v.id).map((e) => e.partitioner)).toEqual(['forward']);
    expect(v.name).not.toContain('secret');
  });

  it('Processing-time temporal join on a table that cannot be looked up is rejected as in Flink, at the period', () => {
    const e = failure(
      'SELECT * FROM orders AS o\nJOIN rates_log FOR SYSTEM_TIME AS OF o.proc_time AS r ON o.currency = r.currency',
    );
    expect(e.code).toBe('SQL_UNSUPPORTED');
    expect(e.message).toBe('Processing-time temporal join is not supported yet.');
    expect(e.position).toMatchObject({ line: 2, column: 38 });
  });

  it('a lookup join needs an equality with a column of the lookup table', () => {
    const e = failure(
      'SELECT * FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c\n  ON o.amount > c.id',
    );
    expect(e.code).toBe('SQL_VALIDATION');
    expect(e.message).toBe(
      'Temporal table join requires an equality condition on fields of table [default_catalog.default_database.customers].',
    );
    expect(e.position).toMatchObject({ line: 1, column: 32 });
  });

  it('a lookup join on a view of the lookup table is rejected, naming the table', () => {
    const s = session();
    s.executeScript('CREATE VIEW nl_customers AS SELECT id, name FROM customers');
    let error: unknown;
    try {
      s.executeScript(
        'SELECT * FROM orders AS o JOIN nl_customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.customer_id = c.id',
      );
    } catch (err) {
      error = err;
    }
    expect(isWeirError(error) && error.code).toBe('SQL_UNSUPPORTED');
    expect((error as WeirError).message).toContain("table 'default_catalog.default_database.customers'");
    expect((error as WeirError).position).toMatchObject({ line: 1, column: 67 });
  });

  it('the period must be a time attribute of the left table; RIGHT and FULL joins cannot be temporal', () => {
    const period = failure(
      'SELECT * FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.amount AS c ON o.customer_id = c.id',
    );
    expect(period.message).toBe(
      "Temporal table join currently only supports 'FOR SYSTEM_TIME AS OF' left table's time attribute field",
    );
    expect(period.position).toMatchObject({ line: 1, column: 64 });
    const right = failure(
      'SELECT * FROM orders AS o RIGHT JOIN customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.customer_id = c.id',
    );
    expect(right.code).toBe('SQL_UNSUPPORTED');
    expect(right.position).toMatchObject({ line: 1, column: 38 });
    const outside = failure("SELECT * FROM customers FOR SYSTEM_TIME AS OF TIMESTAMP '2024-01-01 00:00:00'");
    expect(outside.code).toBe('SQL_UNSUPPORTED');
    expect(outside.position).toMatchObject({ line: 1, column: 47 });
  });
});

describe('temporal joins: plans', () => {
  it('EXPLAIN: a TemporalJoin over an upsert-kafka versioned table (ChangelogNormalize without -U)', () => {
    golden(
      'temporal-join-upsert-kafka',
      `EXPLAIN CHANGELOG_MODE SELECT o.order_id, o.amount * r.rate AS converted
FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency`,
    );
  });

  it('EXPLAIN: a LEFT TemporalJoin over a deduplicating view (its key is the versioned key)', () => {
    golden(
      'temporal-join-versioned-view',
      `EXPLAIN SELECT o.order_id, r.rate
FROM orders AS o LEFT JOIN versioned_rates FOR SYSTEM_TIME AS OF o.order_time AS r ON r.currency = o.currency`,
    );
  });

  it('the JobGraph: a temporal-join vertex keyed by each side’s join key, the right side its second input', () => {
    const g = job(
      'INSERT INTO enriched SELECT o.order_id, r.currency FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency',
    );
    const v = g.vertices.find((x) => x.operator.kind === 'temporal-join')!;
    const spec = v.operator as TemporalJoinSpec;
    expect(v.keyed?.fields).toEqual(spec.leftKeys);
    expect(v.keyed?.secondInputFields).toEqual(spec.rightKeys);
    const inputs = g.edges.filter((e) => e.target === v.id);
    expect(inputs.map((e) => [e.partitioner, e.inputIndex ?? 0])).toEqual([
      ['hash', 0],
      ['hash', 1],
    ]);
    expect(spec.leftType.fields[spec.leftTimeIndex].name).toBe('order_time');
    expect(spec.rightType.fields[spec.rightTimeIndex].name).toBe('update_time');
  });

  it("a versioned table needs a primary key, a rowtime, and its key in the ON equalities (Flink's messages)", () => {
    const noKey = failure(
      'SELECT * FROM orders AS o JOIN rates_log FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency',
    );
    expect(noKey.message).toBe(
      'Temporal Table Join requires primary key in versioned table, but no primary key can be found.',
    );
    expect(noKey.position).toMatchObject({ line: 1, column: 64 });
    const noTime = failure(
      'SELECT * FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.order_time AS c ON o.customer_id = c.id',
    );
    expect(noTime.message).toBe(
      'Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no row time attribute can be found.',
    );
    const keyNotJoined = failure(
      'SELECT * FROM orders AS o JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.amount = r.rate',
    );
    expect(keyNotJoined.message).toContain(
      "Temporal table's primary key [currency] must be included in the equivalence condition of temporal join",
    );
    expect(keyNotJoined.position).toMatchObject({ line: 1, column: 32 });
  });
});

describe('the legacy filesystem form (Nexmark q13)', () => {
  it("plans 'connector.type' = 'filesystem' as a lookup table; other legacy types and the internal name stay unknown", () => {
    const s = session();
    s.executeScript(
      "CREATE TABLE side_input (key BIGINT, `value` VARCHAR) WITH ('connector.type' = 'filesystem', 'connector.path' = 'file:///tmp/side_input.txt', 'format.type' = 'csv')",
    );
    const results = s.executeScript(
      'INSERT INTO enriched SELECT o.order_id, si.`value` FROM orders AS o JOIN side_input FOR SYSTEM_TIME AS OF o.proc_time AS si ON MOD(o.order_id, 10) = si.key',
    );
    const r = results[results.length - 1];
    if (r.kind !== 'job') throw new Error(r.kind);
    const v = r.jobGraph.vertices.find((x) => x.operator.kind === 'lookup-join')!;
    expect(v.operator.kind === 'lookup-join' && v.operator.table.connector).toBe('legacy-filesystem');
    const kafka = failure(
      "CREATE TABLE k (a INT) WITH ('connector.type' = 'kafka', 'connector.topic' = 't')",
    );
    expect(kafka.message).toBe("Legacy connector options ('connector.type' = 'kafka') are not supported yet");
    const internal = failure("CREATE TABLE k (a INT) WITH ('connector' = 'legacy-filesystem')");
    expect(internal.message).toBe("Could not find any factory for identifier 'legacy-filesystem'");
  });
});
