import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { splitStatements } from '../../src/cli/statement-splitter.js';
import { runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

describe('weir sql', () => {
  it('runs statements typed at the prompt, reports mistakes with their position and goes on', async () => {
    const client = startWeir(['sql']);
    const type = (text: string) => client.child.stdin.write(text);
    type("CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '3',\n");
    type("  'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '3');\n");
    type("CREATE TABLE out1 (a INT, b STRING) WITH ('connector' = 'print');\n");
    type('SHOW TABLES;\n');
    type('SELECT nope FROM t;\n');
    type('INSERT INTO out1 SELECT a, b FROM t;\n');
    const jobId = await waitFor(() => /Job ID: ([0-9a-f]{32})/.exec(client.stdout)?.[1], {
      what: 'a job id',
    });
    await waitFor(() => client.stdout.match(/^\+I\[\d, /gm)?.length === 3, { what: 'three printed rows' });
    type('SHOW JOBS;\n');
    await waitFor(() => client.stdout.includes(`| ${jobId} |`), { what: 'the job in SHOW JOBS' });
    type('QUIT;\n');
    expect(await client.exit).toBe(0);
    expect(client.stdout).toContain('[INFO] Execute statement succeeded.');
    expect(client.stdout).toMatch(/\|\s+out1 \|\n\|\s+t \|\n\+-+\+\n2 rows in set/);
    expect(client.stdout).toMatch(/\[ERROR\] error\[SQL_VALIDATION\] at 1:8: Column 'nope' not found/);
    expect(client.stdout).toContain('Shutting down the session...');
  });

  it("shows a SELECT's changelog as Flink's tableau mode does, holding the prompt until the query ends", async () => {
    const client = startWeir(['sql']);
    client.child.stdin.write(
      "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '3');\n" +
        'SELECT a, a * 10 AS ten FROM t WHERE a > 1;\nSELECT COUNT(*) AS n FROM t;\nQUIT;\n',
    );
    expect(await client.exit).toBe(0);
    expect(client.stdout).toContain(
      [
        '+----+--------------+--------------+',
        '| op |            a |          ten |',
        '+----+--------------+--------------+',
        '| +I |            2 |           20 |',
        '| +I |            3 |           30 |',
        '+----+--------------+--------------+',
        'Received a total of 2 rows',
      ].join('\n'),
    );
    expect(client.stdout).toMatch(
      /\| \+I \|\s+1 \|\n\| -U \|\s+1 \|\n\| \+U \|\s+2 \|\n\| -U \|\s+2 \|\n\| \+U \|\s+3 \|/,
    );
  });

  it("shows a SELECT's result as a table in the 'table' result mode, with retractions applied", async () => {
    const client = startWeir(['sql', '-D', 'sql-client.execution.max-table-result.rows=2']);
    client.child.stdin.write(
      "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '4');\n" +
        "SET 'sql-client.execution.result-mode' = 'TABLE';\n" +
        'SELECT MOD(a, 2) AS parity, COUNT(*) AS n FROM t GROUP BY MOD(a, 2);\n' +
        'SELECT a FROM t;\nQUIT;\n',
    );
    expect(await client.exit).toBe(0);
    expect(client.stdout).toContain(
      [
        '+--------------+--------------+',
        '|       parity |            n |',
        '+--------------+--------------+',
        '|            1 |            2 |',
        '|            0 |            2 |',
        '+--------------+--------------+',
        '2 rows in result',
        'Query finished.',
      ].join('\n'),
    );
    // The row limit keeps the newest rows.
    expect(client.stdout).toMatch(
      /\|\s+3 \|\n\|\s+4 \|\n\+-+\+\n2 rows in result \(2 older rows dropped by the row limit\)/,
    );
    expect(client.stdout).not.toMatch(/\| [+-][IUD] \|/);
  });

  it('runs a script with -f, and stops at the first error with its file position and exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-sql-f-'));
    try {
      const good = join(dir, 'good.sql');
      writeFileSync(
        good,
        "CREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3',\n" +
          "  'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '3');\n" +
          "CREATE TABLE o (a INT) WITH ('connector' = 'print');\nSELECT a * 2 AS b FROM t;\n" +
          'INSERT INTO o SELECT a FROM t;\nSHOW JOBS;',
      );
      const ok = await runWeir(['sql', '-f', good]);
      expect(ok.code).toBe(0);
      expect(ok.stdout).toMatch(
        /\| \+I \|\s+2 \|\n\| \+I \|\s+4 \|\n\| \+I \|\s+6 \|\n\+[-+]+\nReceived a total of 3 rows/,
      );
      expect(ok.stdout.match(/^\+I\[\d\]$/gm)).toEqual(['+I[1]', '+I[2]', '+I[3]']);
      expect(ok.stdout).toMatch(/insert-into_default_catalog\.default_database\.o \|/);

      const bad = join(dir, 'bad.sql');
      writeFileSync(
        bad,
        "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\n\nSELECT nope\n  FROM t;\nSHOW TABLES;\n",
      );
      const failed = await runWeir(['sql', '-f', bad]);
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain(
        `[ERROR] error[SQL_VALIDATION] at ${bad}:3:8: Column 'nope' not found in any table`,
      );
      expect(failed.stdout).not.toContain('table name');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops a job with a savepoint: STOP JOB ... WITH SAVEPOINT', async () => {
    const client = startWeir(['sql', '-D', 'state.savepoints.dir=/tmp/weir-sql-savepoints']);
    client.child.stdin.write(
      "CREATE TABLE t (a BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10');\nCREATE TABLE o (a BIGINT) WITH ('connector' = 'blackhole');\nINSERT INTO o SELECT a FROM t;\n",
    );
    const jobId = await waitFor(() => /Job ID: ([0-9a-f]{32})/.exec(client.stdout)?.[1], {
      what: 'a job id',
    });
    client.child.stdin.write(`STOP JOB '${jobId}' WITH SAVEPOINT;\n`);
    await waitFor(
      () => /file:\/tmp\/weir-sql-savepoints\/savepoint-[0-9a-f]{6}-[0-9a-f]{12}/.test(client.stdout),
      {
        what: 'the savepoint path',
      },
    );
    client.child.stdin.end();
    expect(await client.exit).toBe(0);
  });
});

describe('statement splitting', () => {
  it('ends statements only at semicolons outside strings, quoted names and comments', () => {
    const text = "SET 'a;b' = 'c''d;';\n-- comment ; here\nSELECT `x;y` /* ; */ FROM t;\nINSERT INTO";
    expect(splitStatements(text)).toEqual({
      statements: ["SET 'a;b' = 'c''d;';", '\n-- comment ; here\nSELECT `x;y` /* ; */ FROM t;'],
      offsets: [0, 20],
      rest: '\nINSERT INTO',
    });
  });
});
