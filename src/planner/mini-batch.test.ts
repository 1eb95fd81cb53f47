import { describe, expect, it } from 'vitest';
import type { ConnectorDescriptor } from '../common/connector.js';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { JobGraph } from '../common/jobgraph.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

/** A sink that takes upserts but not retractions, like upsert-kafka or JDBC. */
const upserts: ConnectorDescriptor = {
  identifier: 'upserts',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only', 'upsert'] },
};

const SETUP = `CREATE TABLE source_table (order_id STRING, user_id STRING, price BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE counts (user_id STRING, cnt BIGINT) WITH ('connector' = 'print');`;

const MINI_BATCH = `SET 'table.exec.mini-batch.enabled' = 'true';
SET 'table.exec.mini-batch.allow-latency' = '10s';
SET 'table.exec.mini-batch.size' = '5';`;

function run(sql: string): StatementResult {
  const s = new SqlSession({ connectors: [...TEST_CONNECTORS, upserts] });
  const results = s.executeScript(`${SETUP}\n${sql}`, 'job.sql');
  return results[results.length - 1];
}

/** The optimized execution plan of an EXPLAIN. */
function plan(sql: string, section: 'Physical' | 'Execution' = 'Execution'): string {
  const r = run(sql);
  if (r.kind !== 'explain') throw new Error(r.kind);
  const text = r.text.split(`== Optimized ${section} Plan ==\n`)[1];
  return text.split('\n\n')[0].trimEnd();
}

function job(sql: string): JobGraph {
  const r = run(sql);
  if (r.kind !== 'job') throw new Error(r.kind);
  return r.jobGraph;
}

function failure(sql: string): WeirError {
  try {
    run(sql);
  } catch (err) {
    if (isWeirError(err)) return err;
    throw err;
  }
  throw new Error('no error');
}

const COUNT_BY_USER = 'SELECT user_id, COUNT(order_id) AS cnt FROM source_table GROUP BY user_id';

describe("mini-batch aggregation ('table.exec.mini-batch.*')", () => {
  it("with the default phase strategy, plans Flink's documented two-phase plan", () => {
    // The plan Flink's documentation prints for this query and these options.
    expect(plan(`${MINI_BATCH}\nEXPLAIN ${COUNT_BY_USER}`)).toBe(
      [
        'GlobalGroupAggregate(groupBy=[user_id], select=[user_id, COUNT(count$0) AS cnt])',
        '+- Exchange(distribution=[hash[user_id]])',
        '   +- LocalGroupAggregate(groupBy=[user_id], select=[user_id, COUNT(order_id) AS count$0])',
        '      +- Calc(select=[user_id, order_id])',
        '         +- MiniBatchAssigner(interval=[10000ms], mode=[ProcTime])',
        '            +- TableSourceScan(table=[[default_catalog, default_database, source_table]], fields=[order_id, user_id, price])',
      ].join('\n'),
    );
  });

  it('shows the changelog of each phase: the local one is insert-only', () => {
    const r = run(`${MINI_BATCH}\nEXPLAIN CHANGELOG_MODE ${COUNT_BY_USER}`);
    if (r.kind !== 'explain') throw new Error(r.kind);
    expect(r.text).toContain(
      'GlobalGroupAggregate(groupBy=[user_id], select=[user_id, COUNT(count$0) AS cnt], changelogMode=[I,UB,UA])',
    );
    expect(r.text).toContain(
      'LocalGroupAggregate(groupBy=[user_id], select=[user_id, COUNT(order_id) AS count$0], changelogMode=[I])',
    );
    expect(r.text).toContain('MiniBatchAssigner(interval=[10000ms], mode=[ProcTime], changelogMode=[I])');
  });

  it('with ONE_PHASE, a GroupAggregate over a MiniBatchAssigner', () => {
    expect(
      plan(
        `${MINI_BATCH}\nSET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';\nEXPLAIN ${COUNT_BY_USER}`,
      ),
    ).toBe(
      [
        'GroupAggregate(groupBy=[user_id], select=[user_id, COUNT(order_id) AS cnt])',
        '+- Exchange(distribution=[hash[user_id]])',
        '   +- Calc(select=[user_id, order_id])',
        '      +- MiniBatchAssigner(interval=[10000ms], mode=[ProcTime])',
        '         +- TableSourceScan(table=[[default_catalog, default_database, source_table]], fields=[order_id, user_id, price])',
      ].join('\n'),
    );
  });

  it('names partial results as Flink does: count1 for COUNT(*), (sum, count) for AVG, numbered across calls', () => {
    expect(
      plan(
        `${MINI_BATCH}\nEXPLAIN SELECT user_id, COUNT(*) AS c, SUM(price) AS s, AVG(price) AS a, MAX(price) AS m FROM source_table GROUP BY user_id`,
      ),
    ).toContain(
      'GlobalGroupAggregate(groupBy=[user_id], select=[user_id, COUNT(count1$0) AS c, SUM(sum$1) AS s, AVG((sum$2, count$3)) AS a, MAX(max$4) AS m])\n' +
        '+- Exchange(distribution=[hash[user_id]])\n' +
        '   +- LocalGroupAggregate(groupBy=[user_id], select=[user_id, COUNT(*) AS count1$0, SUM(price) AS sum$1, AVG(price) AS (sum$2, count$3), MAX(price) AS max$4])',
    );
  });

  it('over a changelog, the local phase counts rows for the global one (indexOfCountStar)', () => {
    const text = plan(
      `${MINI_BATCH}\nEXPLAIN SELECT cnt, SUM(cnt) AS total FROM (${COUNT_BY_USER}) GROUP BY cnt`,
    );
    expect(text).toContain(
      'GlobalGroupAggregate(groupBy=[cnt], select=[cnt, SUM(sum$0) AS total], indexOfCountStar=[1])',
    );
    expect(text).toContain(
      'LocalGroupAggregate(groupBy=[cnt], select=[cnt, SUM(cnt) AS sum$0, COUNT_RETRACT(*) AS count1$1])',
    );
    // One assigner, above the source: the inner aggregation is below the outer one's exchange.
    expect(text.match(/MiniBatchAssigner/g)).toHaveLength(1);
  });

  it('keeps one phase for calls without a merge of partial results (DISTINCT, FIRST_VALUE, MIN over a changelog)', () => {
    for (const select of ['COUNT(DISTINCT order_id)', 'FIRST_VALUE(order_id)', 'LISTAGG(order_id)']) {
      const text = plan(
        `${MINI_BATCH}\nSET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE';\nEXPLAIN SELECT user_id, ${select} FROM source_table GROUP BY user_id`,
      );
      expect(text, select).toMatch(/^GroupAggregate\(/);
      expect(text, select).toContain('MiniBatchAssigner(interval=[10000ms], mode=[ProcTime])');
    }
    const overChangelog = plan(
      `${MINI_BATCH}\nEXPLAIN SELECT cnt, MIN(user_id) FROM (${COUNT_BY_USER}) GROUP BY cnt`,
    );
    expect(overChangelog).toMatch(/^GroupAggregate\(groupBy=\[cnt\]/);
  });

  it('without mini-batch, TWO_PHASE plans one GroupAggregate, as in Flink', () => {
    const text = plan(`SET 'table.optimizer.agg-phase-strategy' = 'TWO_PHASE';\nEXPLAIN ${COUNT_BY_USER}`);
    expect(text).toMatch(/^GroupAggregate\(/);
    expect(text).not.toContain('MiniBatchAssigner');
  });

  it('a plan without a group aggregation gets no MiniBatchAssigner', () => {
    expect(plan(`${MINI_BATCH}\nEXPLAIN SELECT user_id FROM source_table WHERE price > 10`)).not.toContain(
      'MiniBatchAssigner',
    );
  });

  it('hands the runtime the batch options, and a global aggregate its local phase at the input parallelism', () => {
    const g = job(
      `${MINI_BATCH}\nSET 'parallelism.default' = '4';\nINSERT INTO counts SELECT 'all', COUNT(*) FROM source_table`,
    );
    const local = g.vertices.find((v) => v.operator.kind === 'local-group-aggregate')!;
    const global = g.vertices.find((v) => v.operator.kind === 'global-group-aggregate')!;
    expect(local.parallelism).toBeUndefined();
    expect(local.keyed).toBeUndefined();
    expect(global.parallelism).toBe(1);
    expect(global.operator).toMatchObject({ miniBatch: { allowLatency: 10_000, size: 5 }, keyCount: 0 });
    expect(g.edges.find((e) => e.target === global.id)?.partitioner).toBe('global');
    expect(
      g.vertices.some(
        (v) =>
          v.operator.kind === 'mini-batch-assigner' &&
          v.name === 'MiniBatchAssigner(interval=[10000ms], mode=[ProcTime])',
      ),
    ).toBe(true);
    const oneWithKeys = job(
      `${MINI_BATCH}\nSET 'table.optimizer.agg-phase-strategy' = 'ONE_PHASE';\nINSERT INTO counts ${COUNT_BY_USER}`,
    );
    expect(oneWithKeys.vertices.find((v) => v.operator.kind === 'group-aggregate')?.operator).toMatchObject({
      miniBatch: { allowLatency: 10_000, size: 5 },
    });
  });

  it("rejects mini-batch without a latency or a size, with Flink's messages", () => {
    const noLatency = failure(
      `SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.size' = '5';\nEXPLAIN ${COUNT_BY_USER}`,
    );
    expect(noLatency.message).toBe('MiniBatch Latency must be greater than 0 ms.');
    expect(noLatency.hint).toContain("'table.exec.mini-batch.allow-latency'");
    const noSize = failure(
      `SET 'table.exec.mini-batch.enabled' = 'true';\nSET 'table.exec.mini-batch.allow-latency' = '1 s';\nEXPLAIN ${COUNT_BY_USER}`,
    );
    expect(noSize.message).toBe('MiniBatch Size must be greater than 0.');
  });

  it('validates the phase strategy', () => {
    expect(failure(`SET 'table.optimizer.agg-phase-strategy' = 'THREE_PHASE';`).message).toContain(
      'THREE_PHASE',
    );
  });
});

describe("the distinct split ('table.optimizer.distinct-agg.split.enabled')", () => {
  const SPLIT = "SET 'table.optimizer.distinct-agg.split.enabled' = 'true';";
  const QUERY =
    'SELECT user_id, COUNT(DISTINCT order_id) AS d, SUM(price) AS s, COUNT(*) AS c FROM source_table GROUP BY user_id';

  it('plans a PARTIAL aggregation by key and bucket of the distinct value, then a FINAL one by key', () => {
    expect(plan(`${SPLIT}\nEXPLAIN ${QUERY}`)).toBe(
      [
        'GroupAggregate(groupBy=[user_id], partialFinalType=[FINAL], select=[user_id, $SUM0($f3_0) AS d, SUM($f3_1) AS s, $SUM0($f3_2) AS c])',
        '+- Exchange(distribution=[hash[user_id]])',
        '   +- GroupAggregate(groupBy=[user_id, $f3], partialFinalType=[PARTIAL], select=[user_id, $f3, COUNT(DISTINCT order_id) AS $f3_0, SUM(price) AS $f3_1, COUNT(*) AS $f3_2])',
        '      +- Exchange(distribution=[hash[user_id, $f3]])',
        '         +- Calc(select=[user_id, order_id, price, MOD(HASH_CODE(order_id), 1024) AS $f3])',
        '            +- TableSourceScan(table=[[default_catalog, default_database, source_table]], fields=[order_id, user_id, price])',
      ].join('\n'),
    );
  });

  it("takes the bucket count from 'table.optimizer.distinct-agg.split.bucket-num', and combines with mini-batch", () => {
    const text = plan(
      `${SPLIT}\nSET 'table.optimizer.distinct-agg.split.bucket-num' = '16';\n${MINI_BATCH}\nEXPLAIN SELECT COUNT(DISTINCT order_id) FROM source_table`,
    );
    expect(text).toContain('MOD(HASH_CODE(order_id), 16)');
    // The final level sums over a changelog: two phases; the partial one has a DISTINCT: one.
    expect(text).toContain('GlobalGroupAggregate(select=[$SUM0(sum$0) AS EXPR$0], indexOfCountStar=[1])');
    expect(text).toContain('GroupAggregate(groupBy=[$f1], partialFinalType=[PARTIAL]');
  });

  it('leaves aggregations it cannot split as one GroupAggregate', () => {
    for (const select of [
      'COUNT(DISTINCT order_id), AVG(price)',
      'COUNT(DISTINCT order_id), COUNT(DISTINCT price)',
      'COUNT(DISTINCT order_id) FILTER (WHERE price > 1)',
      'COUNT(order_id)',
    ]) {
      const text = plan(`${SPLIT}\nEXPLAIN SELECT user_id, ${select} FROM source_table GROUP BY user_id`);
      expect(text, select).not.toContain('partialFinalType');
    }
    expect(failure(`SET 'table.optimizer.distinct-agg.split.bucket-num' = '0';`).message).toContain('0');
  });
});

describe("the sink upsert materializer ('table.exec.sink.upsert-materialize')", () => {
  const SINKS = `CREATE TABLE by_owner (owner STRING, item STRING, PRIMARY KEY (owner) NOT ENFORCED) WITH ('connector' = 'upserts');
CREATE TABLE by_user (user_id STRING, cnt BIGINT, PRIMARY KEY (user_id) NOT ENFORCED) WITH ('connector' = 'upserts');`;
  // The latest owner of each item (upsert key: item), written by owner.
  const OWNERS = `INSERT INTO by_owner SELECT owner, item FROM (SELECT order_id AS item, LAST_VALUE(user_id) AS owner FROM source_table GROUP BY order_id)`;

  it("is added when the query's upsert key is not the sink's primary key: Sink(…, upsertMaterialize=[true])", () => {
    const text = plan(`${SINKS}\nEXPLAIN CHANGELOG_MODE ${OWNERS}`, 'Physical');
    expect(text).toBe(
      [
        'Sink(table=[default_catalog.default_database.by_owner], fields=[owner, item], upsertMaterialize=[true], changelogMode=[NONE])',
        '+- Calc(select=[owner, order_id AS item], changelogMode=[I,UB,UA])',
        '   +- GroupAggregate(groupBy=[order_id], select=[order_id, LAST_VALUE(user_id) AS owner], changelogMode=[I,UB,UA])',
        '      +- Exchange(distribution=[hash[order_id]], changelogMode=[I])',
        '         +- Calc(select=[order_id, user_id], changelogMode=[I])',
        '            +- TableSourceScan(table=[[default_catalog, default_database, source_table]], fields=[order_id, user_id, price], changelogMode=[I])',
      ].join('\n'),
    );
  });

  it('runs as a vertex keyed by the primary key, behind a hash edge on it, chained to the sink', () => {
    const g = job(`${SINKS}\n${OWNERS}`);
    const m = g.vertices.find((v) => v.operator.kind === 'sink-upsert-materializer')!;
    expect(m.name).toBe('SinkMaterializer(pk=[owner])');
    expect(m.keyed).toEqual({ fields: [0] });
    expect(g.edges.find((e) => e.target === m.id)).toMatchObject({ partitioner: 'hash', keys: [0] });
    const sink = g.vertices.find((v) => v.operator.kind === 'sink')!;
    expect(g.edges.find((e) => e.target === sink.id)).toMatchObject({ source: m.id, partitioner: 'forward' });
    expect(sink.operator).toMatchObject({ inputChangelogMode: 'upsert' });
  });

  it('is not needed when the upsert key is the primary key, nor for an insert-only input', () => {
    expect(plan(`${SINKS}\nEXPLAIN INSERT INTO by_user ${COUNT_BY_USER}`)).not.toContain('upsertMaterialize');
    expect(
      plan(`${SINKS}\nEXPLAIN INSERT INTO by_owner SELECT user_id, order_id FROM source_table`),
    ).not.toContain('upsertMaterialize');
  });

  it('FORCE adds it for any changelog into a sink with a primary key; NONE never', () => {
    expect(
      plan(
        `${SINKS}\nSET 'table.exec.sink.upsert-materialize' = 'FORCE';\nEXPLAIN INSERT INTO by_user ${COUNT_BY_USER}`,
      ),
    ).toContain('upsertMaterialize=[true]');
    const none = plan(
      `${SINKS}\nSET 'table.exec.sink.upsert-materialize' = 'NONE';\nEXPLAIN CHANGELOG_MODE ${OWNERS}`,
      'Physical',
    );
    expect(none).not.toContain('upsertMaterialize');
    // Without it the upsert sink gets no -U: the aggregate sends +U only.
    expect(none).toContain('changelogMode=[I,UA]');
  });
});
