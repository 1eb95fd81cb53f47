import { describe, expect, it } from 'vitest';
import { type ChangelogRow, createEnvironment } from '../../src/api/index.js';

/** The changelog applied: the rows that remain, sorted as text. */
async function materialize(result: { collect(): AsyncIterableIterator<ChangelogRow> }): Promise<string[]> {
  const rows: string[] = [];
  for await (const row of result.collect()) {
    const text = JSON.stringify(row.values);
    if (row.kind === '+I' || row.kind === '+U') rows.push(text);
    else {
      const i = rows.indexOf(text);
      if (i < 0) throw new Error(`retraction of a row never emitted: ${row.kind}${text}`);
      rows.splice(i, 1);
    }
  }
  return rows.sort();
}

const VIEWS = [
  `CREATE VIEW customers AS SELECT * FROM (VALUES (1, 'alice'), (2, 'bob'), (3, 'carol'), (CAST(NULL AS INT), 'nobody')) AS c(cid, cname)`,
  `CREATE VIEW orders AS SELECT * FROM (VALUES (100, 1, 30), (101, 2, 15), (102, 1, 5), (103, 9, 40)) AS o(oid, cid, amount)`,
];

describe('semi and anti joins, end to end through the library API', () => {
  for (const parallelism of ['1', '3']) {
    it(`IN, NOT IN, EXISTS and NOT EXISTS subqueries at parallelism ${parallelism}`, async () => {
      const env = createEnvironment({ config: { 'parallelism.default': parallelism } });
      for (const v of VIEWS) await env.executeSql(v);
      const run = async (sql: string) => {
        const result = await env.executeSql(sql);
        const rows = await materialize(result);
        await result.await();
        return rows;
      };
      expect(await run('SELECT cname FROM customers WHERE cid IN (SELECT cid FROM orders)')).toEqual([
        '["alice"]',
        '["bob"]',
      ]);
      // NOT IN: the NULL cid is UNKNOWN, so dropped; carol has no order.
      expect(await run('SELECT cname FROM customers WHERE cid NOT IN (SELECT cid FROM orders)')).toEqual([
        '["carol"]',
      ]);
      // A NULL in the subquery makes every NOT IN UNKNOWN.
      expect(await run('SELECT oid FROM orders WHERE cid NOT IN (SELECT cid FROM customers)')).toEqual([]);
      expect(
        await run(
          'SELECT c.cname FROM customers AS c WHERE EXISTS (SELECT 1 FROM orders AS o WHERE o.cid = c.cid AND o.amount > 20)',
        ),
      ).toEqual(['["alice"]']);
      expect(
        await run(
          'SELECT c.cname FROM customers AS c WHERE NOT EXISTS (SELECT 1 FROM orders AS o WHERE o.cid = c.cid)',
        ),
      ).toEqual(['["carol"]', '["nobody"]']);
      // The subquery an aggregate: its -U/+U retract and re-add matches.
      expect(
        await run(
          'SELECT cname FROM customers WHERE cid IN (SELECT cid FROM orders GROUP BY cid HAVING SUM(amount) > 20)',
        ),
      ).toEqual(['["alice"]']);
      await env.close();
    }, 30_000);
  }
});
