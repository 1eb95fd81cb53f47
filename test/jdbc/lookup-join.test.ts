import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ChangelogRow, createEnvironment, isWeirError } from '../../src/api/index.js';
import type { LookupJoinSpec } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { jdbcLookupFactory } from '../../src/connectors/jdbc/lookup.js';
import { LookupJoinOperator } from '../../src/runtime/operators/join/lookup-join.js';
import { runStreaming } from '../differential/streaming.js';
import { useTestDatabase } from '../infra/context.js';
import { batch, jdbcUrl, operatorContext, sinkSpec, tableName, useResources } from './helpers.js';

const db = useTestDatabase(import.meta.url);

const TABLE_FIELDS: [string, ReturnType<typeof Types.INT>][] = [
  ['id', Types.INT(false)],
  ['name', Types.STRING()],
  ['country', Types.STRING()],
];

async function customers(admin: { query: (sql: string) => Promise<unknown> }): Promise<string> {
  const table = tableName('customers');
  await admin.query(`CREATE TABLE ${table} (id int PRIMARY KEY, name text, country text)`);
  await admin.query(`INSERT INTO ${table} VALUES (1, 'alice', 'NL'), (2, 'bob', 'DE'), (3, 'carol', 'NL')`);
  return table;
}

/** A LookupJoinOperator over the real JDBC lookup, input rows [order id, customer id], with a clock the test moves. */
async function lookupJoin(
  table: string,
  options: Record<string, string>,
  joinType: 'INNER' | 'LEFT' = 'LEFT',
) {
  const spec: LookupJoinSpec = {
    kind: 'lookup-join',
    joinType,
    table: sinkSpec(db().url, table, TABLE_FIELDS, options, ['id']),
    keys: [{ kind: 'field', tableField: 0, inputField: 1 }],
    inputType: {
      fields: [
        { name: 'oid', type: Types.INT() },
        { name: 'cid', type: Types.INT() },
      ],
    },
    outputType: { fields: [] },
  };
  const provider = jdbcLookupFactory.createLookup(spec.table, [0]);
  const op = new LookupJoinOperator(spec, () => provider);
  const clock = { now: 0 };
  const emitted: unknown[][] = [];
  await op.open(
    operatorContext({
      processingTimeService: { now: () => clock.now, registerTimer: () => () => {} },
    }),
    { emit: (b) => void emitted.push(...b.rows), emitWatermark: () => {} },
  );
  const lookupFunction = provider.function as unknown as { queries: number };
  return {
    op,
    clock,
    /** Joins one batch; returns what it emitted. */
    async join(...rows: unknown[][]): Promise<unknown[][]> {
      emitted.length = 0;
      await op.processBatch(batch(rows));
      return [...emitted];
    },
    queries: () => lookupFunction.queries,
  };
}

async function materialize(result: { collect(): AsyncIterableIterator<ChangelogRow> }): Promise<string[]> {
  const rows: string[] = [];
  for await (const row of result.collect()) {
    expect(row.kind).toBe('+I');
    rows.push(JSON.stringify(row.values));
  }
  return rows.sort();
}

describe('lookup join against PostgreSQL', () => {
  const res = useResources();

  it('looks up a batch in one query, keeps input order, pads a missing key in a LEFT join', async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const j = await lookupJoin(table, {});
    res.track(j.op);
    const out = await j.join([10, 3], [11, 9], [12, 1], [13, null], [14, 3]);
    expect(out).toEqual([
      [10, 3, 3, 'carol', 'NL'],
      [11, 9, null, null, null],
      [12, 1, 1, 'alice', 'NL'],
      [13, null, null, null, null],
      [14, 3, 3, 'carol', 'NL'],
    ]);
    // Keys 3, 9 and 1 in one round trip; no cache, so the next batch asks again.
    expect(j.queries()).toBe(1);
    await j.join([15, 1]);
    expect(j.queries()).toBe(2);
  });

  it('composite keys (one OR-ed condition per key) and DECIMAL / TIMESTAMP key columns', async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const composite = jdbcLookupFactory.createLookup(
      sinkSpec(db().url, table, TABLE_FIELDS),
      [0, 2],
    ).function;
    await composite.open(operatorContext());
    try {
      expect(
        await composite.lookup([
          [1, 'NL'],
          [2, 'NL'],
          [3, 'NL'],
        ]),
      ).toEqual([[[1, 'alice', 'NL']], [], [[3, 'carol', 'NL']]]);
    } finally {
      await composite.close();
    }
    const prices = tableName('prices');
    await admin.query(`CREATE TABLE ${prices} (amount numeric(10, 2), at timestamp(3), label text)`);
    await admin.query(
      `INSERT INTO ${prices} VALUES (1.50, '2024-01-01 10:00:00', 'a'), (2.25, '2024-01-01 10:00:00.5', 'b')`,
    );
    const fields: [string, ReturnType<typeof Types.STRING>][] = [
      ['amount', Types.DECIMAL(10, 2)],
      ['at', Types.TIMESTAMP(3)],
      ['label', Types.STRING()],
    ];
    const at = Date.UTC(2024, 0, 1, 10, 0, 0);
    const byAmount = jdbcLookupFactory.createLookup(sinkSpec(db().url, prices, fields), [0]).function;
    const byTime = jdbcLookupFactory.createLookup(sinkSpec(db().url, prices, fields), [1]).function;
    await byAmount.open(operatorContext());
    await byTime.open(operatorContext());
    try {
      expect(await byAmount.lookup([[225n], [999n]])).toEqual([[[225n, at + 500, 'b']], []]);
      expect(await byTime.lookup([[at + 500], [at]])).toEqual([[[225n, at + 500, 'b']], [[150n, at, 'a']]]);
    } finally {
      await byAmount.close();
      await byTime.close();
    }
  });

  it('INNER drops rows without a match', async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const j = await lookupJoin(table, {}, 'INNER');
    res.track(j.op);
    expect(await j.join([10, 9], [11, 2])).toEqual([[11, 2, 2, 'bob', 'DE']]);
  });

  it("'lookup.cache' = 'PARTIAL': hits skip the database until the row expires after write", async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const j = await lookupJoin(table, {
      'lookup.cache': 'PARTIAL',
      'lookup.partial-cache.max-rows': '100',
      'lookup.partial-cache.expire-after-write': '10s',
    });
    res.track(j.op);
    expect(await j.join([1, 1], [2, 7])).toEqual([
      [1, 1, 1, 'alice', 'NL'],
      [2, 7, null, null, null],
    ]);
    expect(j.queries()).toBe(1);
    await admin.query(`UPDATE ${table} SET name = 'alicia' WHERE id = 1`);
    await admin.query(`INSERT INTO ${table} VALUES (7, 'gus', 'BE')`);
    // Both keys are cached (a missing key too, by default): the old answers, no query.
    j.clock.now = 9_999;
    expect(await j.join([3, 1], [4, 7])).toEqual([
      [3, 1, 1, 'alice', 'NL'],
      [4, 7, null, null, null],
    ]);
    expect(j.queries()).toBe(1);
    expect(j.op.lookupCache?.hits).toBe(2);
    // 10 s after they were written the entries expire: looked up again, the new rows found.
    j.clock.now = 10_000;
    expect(await j.join([5, 1], [6, 7])).toEqual([
      [5, 1, 1, 'alicia', 'NL'],
      [6, 7, 7, 'gus', 'BE'],
    ]);
    expect(j.queries()).toBe(2);
  });

  it('expire-after-access, max-rows (least recently used first) and cache-missing-key = false', async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const j = await lookupJoin(table, {
      'lookup.cache': 'PARTIAL',
      'lookup.partial-cache.max-rows': '2',
      'lookup.partial-cache.expire-after-access': '5s',
      'lookup.partial-cache.cache-missing-key': 'false',
    });
    res.track(j.op);
    await j.join([1, 1], [2, 2], [3, 42]);
    expect(j.queries()).toBe(1);
    expect(j.op.lookupCache?.size).toBe(2);
    // A missing key is not cached: asked again.
    await j.join([4, 42]);
    expect(j.queries()).toBe(2);
    // Reading key 1 every 4 s keeps it; key 2, not read, expires.
    j.clock.now = 4_000;
    await j.join([5, 1]);
    j.clock.now = 8_000;
    await j.join([6, 1]);
    expect(j.queries()).toBe(2);
    await j.join([7, 2]);
    expect(j.queries()).toBe(3);
    // Keys 1 and 2 cached; looking up 3 evicts the least recently used, 1.
    await j.join([8, 3]);
    expect(j.queries()).toBe(4);
    await j.join([9, 2]);
    expect(j.queries()).toBe(4);
    await j.join([10, 1]);
    expect(j.queries()).toBe(5);
  });

  it('the legacy lookup.cache.max-rows + lookup.cache.ttl make a partial cache, as in Flink', async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const j = await lookupJoin(table, { 'lookup.cache.max-rows': '10', 'lookup.cache.ttl': '1 min' });
    res.track(j.op);
    await j.join([1, 1]);
    await j.join([2, 1]);
    expect(j.queries()).toBe(1);
    j.clock.now = 60_000;
    await j.join([3, 1]);
    expect(j.queries()).toBe(2);
  });

  it('a dropped connection is retried on a new one (lookup.max-retries); a missing table is not', async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const j = await lookupJoin(table, { 'lookup.max-retries': '2' });
    res.track(j.op);
    await j.join([1, 1]);
    const { rows } = await admin.query<{ n: number }>(
      "SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'weir-lookup' AND datname = current_database()",
    );
    expect(rows[0].n).toBe(1);
    expect(await j.join([2, 2])).toEqual([[2, 2, 2, 'bob', 'DE']]);
    // The failed query and the retry.
    expect(j.queries()).toBe(3);

    const missing = await lookupJoin('no_such_table', { 'lookup.max-retries': '5' });
    res.track(missing.op);
    const error = await missing.join([1, 1]).catch((e: unknown) => e);
    expect(isWeirError(error) && error.code).toBe('JDBC_TABLE_NOT_FOUND');
    expect(missing.queries()).toBe(1);
  });

  it('end to end: LEFT and INNER lookup joins with a constant key and a post-filter, at parallelism 2', async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const env = createEnvironment({ config: { 'parallelism.default': '2' } });
    await env.executeSql(
      `CREATE TABLE customers (id INT, name STRING, country STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'jdbc', 'url' = '${jdbcUrl(db().url)}', 'table-name' = '${table}', 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '10')`,
    );
    await env.executeSql(
      `CREATE VIEW orders AS SELECT o.*, PROCTIME() AS pt FROM (VALUES (100, 1, 30), (101, 2, 15), (102, 1, 5), (103, 9, 40), (104, 3, 70)) AS o(oid, cid, amount)`,
    );
    const run = async (sql: string) => {
      const result = await env.executeSql(sql);
      const rows = await materialize(result);
      await result.await();
      return rows;
    };
    expect(
      await run(
        'SELECT o.oid, c.name FROM orders AS o LEFT JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id',
      ),
    ).toEqual(['[100,"alice"]', '[101,"bob"]', '[102,"alice"]', '[103,null]', '[104,"carol"]']);
    // A constant key and a condition over both sides.
    expect(
      await run(
        "SELECT o.oid, c.name FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id AND c.country = 'NL' AND o.amount > 10",
      ),
    ).toEqual(['[100,"alice"]', '[104,"carol"]']);
    // A condition over the looked-up row alone (a `where` on the table): LEFT pads rows it rejects.
    expect(
      await run(
        "SELECT o.oid, c.name FROM orders AS o LEFT JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id AND c.name LIKE 'a%'",
      ),
    ).toEqual(['[100,"alice"]', '[101,null]', '[102,"alice"]', '[103,null]', '[104,null]']);
    // A key computed from the input row (as Nexmark q13's MOD(auction, 10000) = key).
    expect(
      await run(
        'SELECT o.oid, c.name FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON MOD(o.oid, 3) + 1 = c.id',
      ),
    ).toEqual(['[100,"bob"]', '[101,"carol"]', '[102,"alice"]', '[103,"bob"]', '[104,"carol"]']);
    await env.close();
  }, 60_000);

  it('on a table that does not change, a lookup join equals the regular join — at parallelism 1 and 4, and through a restore mid-run', async () => {
    const admin = await res.client(db().url);
    const table = await customers(admin);
    const dir = mkdtempSync(join(tmpdir(), 'weir-lookup-'));
    try {
      const orders = Array.from(
        { length: 40 },
        (_, i) => `${100 + i},${i % 6 === 5 ? '' : (i % 5) + 1},${i}`,
      );
      writeFileSync(join(dir, 'orders.csv'), orders.join('\n'));
      const script = (joinClause: string) => `
        CREATE TABLE orders (oid INT, cid INT, amount INT, pt AS PROCTIME())
          WITH ('connector' = 'filesystem', 'path' = '${dir}/orders.csv', 'format' = 'csv');
        CREATE TABLE customers (id INT, name STRING, country STRING)
          WITH ('connector' = 'jdbc', 'url' = '${jdbcUrl(db().url)}', 'table-name' = '${table}',
                'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '2');
        SELECT o.oid, o.cid, c.name FROM orders AS o ${joinClause}
          ON o.cid = c.id AND c.country = 'NL'`;
      const regular = await runStreaming(script('LEFT JOIN customers AS c'), { parallelism: 1 });
      // Customers 1 and 3 are in NL (13 orders); 2, 4, 5 and the NULL ones are padded.
      expect(regular.rows).toHaveLength(40);
      expect(regular.rows.filter((r) => !r.endsWith('NULL'))).toHaveLength(13);
      const lookup = script('LEFT JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c');
      for (const parallelism of [1, 4]) {
        expect((await runStreaming(lookup, { parallelism })).rows, `parallelism ${parallelism}`).toEqual(
          regular.rows,
        );
      }
      const restored = await runStreaming(lookup, { parallelism: 2, restore: true });
      expect(restored.restarts).toBe(1);
      expect(restored.rows).toEqual(regular.rows);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a job whose lookup cannot work fails with a classified error: a missing table, a cache without size or expiry', async () => {
    const env = createEnvironment({
      config: { 'parallelism.default': '1', 'restart-strategy.type': 'none' },
    });
    await env.executeSql(
      `CREATE VIEW orders AS SELECT o.*, PROCTIME() AS pt FROM (VALUES (100, 1), (101, 2)) AS o(oid, cid)`,
    );
    const failureOf = async (table: string, extra: string) => {
      await env.executeSql(`DROP TABLE IF EXISTS dim`);
      await env.executeSql(
        `CREATE TABLE dim (id INT, name STRING) WITH ('connector' = 'jdbc', 'url' = '${jdbcUrl(db().url)}', 'table-name' = '${table}'${extra})`,
      );
      const result = await env.executeSql(
        'SELECT o.oid, d.name FROM orders AS o JOIN dim FOR SYSTEM_TIME AS OF o.pt AS d ON o.cid = d.id',
      );
      const error = await (async () => {
        for await (const _ of result.collect()) {
          // drain
        }
        await result.await();
      })().catch((e: unknown) => e);
      return isWeirError(error) ? error.code : error;
    };
    expect(await failureOf('no_such_table', ", 'lookup.max-retries' = '0'")).toBe('JDBC_TABLE_NOT_FOUND');
    expect(await failureOf('no_such_table', ", 'lookup.cache' = 'PARTIAL'")).toBe('JDBC_INVALID_OPTIONS');
    await env.close();
  }, 60_000);
});
