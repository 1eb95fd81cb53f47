import { describe, expect, it } from 'vitest';
import { type ChangelogRow, createEnvironment, isWeirError } from '../../src/api/index.js';

const NUMBERS = (rows: number, rate = '') => `CREATE TABLE numbers (n BIGINT, word STRING) WITH (
  'connector' = 'datagen', ${rate ? `'rows-per-second' = '${rate}',` : `'number-of-rows' = '${rows}',`}
  'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '${rows}',
  'fields.word.length' = '1')`;

async function all(result: { collect(): AsyncIterableIterator<ChangelogRow> }): Promise<ChangelogRow[]> {
  const rows: ChangelogRow[] = [];
  for await (const row of result.collect()) rows.push(row);
  return rows;
}

describe('the library API: createEnvironment().executeSql()', () => {
  it("runs DDL, SHOW and a SELECT whose changelog a program iterates, with values in weir's runtime types", async () => {
    const env = createEnvironment({ config: { 'parallelism.default': '1' } });
    const created = await env.executeSql(NUMBERS(4));
    expect(created.resultKind).toBe('SUCCESS');
    const tables = await env.executeSql('SHOW TABLES');
    expect(tables.columns).toEqual(['table name']);
    expect(await all(tables)).toEqual([{ kind: '+I', values: ['numbers'] }]);

    const query = await env.executeSql(
      'SELECT MOD(n, 2) AS parity, SUM(n) AS total FROM numbers GROUP BY MOD(n, 2)',
    );
    expect(query.columns).toEqual(['parity', 'total']);
    expect(query.jobClient?.jobId).toMatch(/^[0-9a-f]{32}$/);
    expect(await all(query)).toEqual([
      { kind: '+I', values: [1, 1] },
      { kind: '+I', values: [0, 2] },
      { kind: '-U', values: [1, 1] },
      { kind: '+U', values: [1, 4] },
      { kind: '-U', values: [0, 2] },
      { kind: '+U', values: [0, 6] },
    ]);
    await query.await();
    expect(query.jobClient?.status).toBe('FINISHED');
    await env.close();
  });

  it('an INSERT returns its job client; await() waits for the job to end', async () => {
    const printed: string[] = [];
    const out = { write: (t: string) => printed.push(t) > 0, once: () => out } as never;
    const env = createEnvironment({ stdout: out });
    await env.executeSql(NUMBERS(3));
    await env.executeSql("CREATE TABLE sink (n BIGINT) WITH ('connector' = 'print')");
    const insert = await env.executeSql('INSERT INTO sink SELECT n * 10 FROM numbers');
    expect(await all(insert)).toEqual([{ kind: '+I', values: [insert.jobClient?.jobId] }]);
    await insert.await();
    expect(printed.join('')).toBe('+I[10]\n+I[20]\n+I[30]\n');
  });

  it('breaking out of an unbounded query cancels its job', async () => {
    const env = createEnvironment();
    await env.executeSql(NUMBERS(1_000_000, '1000'));
    const query = await env.executeSql('SELECT n FROM numbers');
    const seen: unknown[] = [];
    for await (const row of query.collect()) {
      seen.push(row.values[0]);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
    await query.await();
    expect(query.jobClient?.status).toBe('CANCELED');
  });

  it('mistakes reject with a WeirError carrying code and position; one statement per executeSql', async () => {
    const env = createEnvironment();
    await env.executeSql(NUMBERS(1));
    const error = await env.executeSql('SELECT\n  nope FROM numbers').catch((e: unknown) => e);
    expect(isWeirError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'SQL_VALIDATION', position: { line: 2, column: 3 } });
    const two = await env.executeSql('SHOW TABLES; SHOW TABLES').catch((e: unknown) => e);
    expect(two).toMatchObject({
      code: 'SQL_PARSE',
      message: 'executeSql runs one statement; this text has 2',
    });
    const results = await env.executeScript("SET 'parallelism.default' = '2';\nSHOW TABLES;");
    expect(results.map((r) => r.resultKind)).toEqual(['SUCCESS', 'SUCCESS_WITH_CONTENT']);
  });

  it("a failing query's iterator throws the job's error", async () => {
    const env = createEnvironment({ config: { 'restart-strategy.type': 'none' } });
    await env.executeSql(NUMBERS(5));
    const query = await env.executeSql('SELECT 10 / (n - 3) AS x FROM numbers');
    const error = await all(query).catch((e: unknown) => e);
    expect(isWeirError(error)).toBe(true);
    await expect(query.await()).rejects.toBe(error);
  });
});
