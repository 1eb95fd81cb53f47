import { describe, expect, it } from 'vitest';
import type { ConnectorDescriptor } from '../common/connector.js';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { GroupAggregateSpec, JobGraph } from '../common/jobgraph.js';
import { formatType } from '../common/types.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

/** A sink that takes upserts but not retractions, like upsert-kafka. */
const upsertOnly: ConnectorDescriptor = {
  identifier: 'upserts',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only', 'upsert'] },
};

const SETUP = `CREATE TABLE orders (order_id BIGINT, buyer STRING, price DECIMAL(10, 2), qty INT NOT NULL, rate DOUBLE, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE totals (buyer STRING, cnt BIGINT, total DECIMAL(38, 2), max_price DECIMAL(10, 2)) WITH ('connector' = 'print');
CREATE TABLE latest (buyer STRING, cnt BIGINT) WITH ('connector' = 'upserts');
CREATE TABLE appends (buyer STRING, cnt BIGINT) WITH ('connector' = 'vault', 'url' = 'x');`;

function session(): SqlSession {
  const s = new SqlSession({ connectors: [...TEST_CONNECTORS, upsertOnly] });
  s.executeScript(SETUP);
  return s;
}

function one(sql: string, s = session()): StatementResult {
  const results = s.executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

function explain(sql: string): string {
  const r = one(sql);
  if (r.kind !== 'explain') throw new Error(r.kind);
  return r.text;
}

function job(sql: string): JobGraph {
  const r = one(sql);
  if (r.kind !== 'job') throw new Error(r.kind);
  return r.jobGraph;
}

function aggregateOf(g: JobGraph): GroupAggregateSpec {
  const v = g.vertices.find((x) => x.operator.kind === 'group-aggregate');
  if (v?.operator.kind !== 'group-aggregate') throw new Error('no aggregate');
  return v.operator;
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

describe('GROUP BY: result types as in Flink', () => {
  const typesOf = (select: string) => {
    const spec = aggregateOf(
      job(`CREATE TABLE o (${select
        .split(',')
        .map((_, i) => `c${i} STRING`)
        .join(', ')}) WITH ('connector' = 'print');
INSERT INTO o SELECT ${select
        .split(',')
        .map((e) => `CAST(${e} AS STRING)`)
        .join(', ')} FROM orders GROUP BY buyer`),
    );
    return spec.aggCalls.map((c) => formatType(c.type));
  };

  it('COUNT, SUM, AVG, MIN, MAX, FIRST_VALUE, LAST_VALUE and LISTAGG', () => {
    expect(
      typesOf(
        'COUNT(*), COUNT(price), COUNT(DISTINCT buyer), SUM(price), SUM(qty), SUM(rate), AVG(qty), AVG(price), AVG(rate), MIN(price), MAX(qty), MIN(ts), FIRST_VALUE(qty), LAST_VALUE(buyer), LISTAGG(buyer)',
      ),
    ).toEqual([
      'BIGINT NOT NULL',
      'BIGINT NOT NULL',
      'BIGINT NOT NULL',
      'DECIMAL(38, 2)',
      'INT NOT NULL',
      'DOUBLE',
      'INT NOT NULL',
      'DECIMAL(38, 6)',
      'DOUBLE',
      'DECIMAL(10, 2)',
      'INT NOT NULL',
      // A rowtime attribute loses its marker once aggregated.
      'TIMESTAMP(3)',
      'INT',
      'STRING',
      'STRING',
    ]);
  });

  it('SUM, AVG, MIN and MAX become nullable without GROUP BY or with FILTER', () => {
    const global = aggregateOf(
      job(`CREATE TABLE o (a INT, b INT) WITH ('connector' = 'print');
INSERT INTO o SELECT SUM(qty), MAX(qty) FROM orders`),
    );
    expect(global.aggCalls.map((c) => formatType(c.type))).toEqual(['INT', 'INT']);
    const filtered = aggregateOf(
      job(`CREATE TABLE o (a STRING, b INT) WITH ('connector' = 'print');
INSERT INTO o SELECT buyer, SUM(qty) FILTER (WHERE qty > 2) FROM orders GROUP BY buyer`),
    );
    expect(filtered.aggCalls[0]).toMatchObject({ fn: 'SUM', args: [1], filterArg: 2 });
    expect(formatType(filtered.aggCalls[0].type)).toBe('INT');
  });
});

describe('GROUP BY: plans', () => {
  it('EXPLAIN shows Calc → Exchange(hash) → GroupAggregate → Sink, and the changelog each node emits', () => {
    expect(
      explain(
        'EXPLAIN CHANGELOG_MODE INSERT INTO totals SELECT buyer, COUNT(*) AS cnt, SUM(price) AS total, MAX(price) AS max_price FROM orders GROUP BY buyer',
      ),
    ).toBe(`== Abstract Syntax Tree ==
LogicalSink(table=[default_catalog.default_database.totals], fields=[buyer, cnt, total, max_price])
+- LogicalProject(buyer=[$0], cnt=[$1], total=[$2], max_price=[$3])
   +- LogicalAggregate(group=[{0}], cnt=[COUNT()], total=[SUM($1)], max_price=[MAX($1)])
      +- LogicalProject(buyer=[$1], price=[$2])
         +- LogicalWatermarkAssigner(rowtime=[ts], watermark=[-($5, 1000:INTERVAL DAY TO SECOND)])
            +- LogicalTableScan(table=[[default_catalog, default_database, orders]])

== Optimized Physical Plan ==
Sink(table=[default_catalog.default_database.totals], fields=[buyer, cnt, total, max_price], changelogMode=[NONE])
+- GroupAggregate(groupBy=[buyer], select=[buyer, COUNT(*) AS cnt, SUM(price) AS total, MAX(price) AS max_price], changelogMode=[I,UB,UA])
   +- Exchange(distribution=[hash[buyer]], changelogMode=[I])
      +- Calc(select=[buyer, price], changelogMode=[I])
         +- WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 1000:INTERVAL DAY TO SECOND)], changelogMode=[I])
            +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, buyer, price, qty, rate, ts], changelogMode=[I])

== Optimized Execution Plan ==
Sink(table=[default_catalog.default_database.totals], fields=[buyer, cnt, total, max_price])
+- GroupAggregate(groupBy=[buyer], select=[buyer, COUNT(*) AS cnt, SUM(price) AS total, MAX(price) AS max_price])
   +- Exchange(distribution=[hash[buyer]])
      +- Calc(select=[buyer, price])
         +- WatermarkAssigner(rowtime=[ts], watermark=[(ts - 1000:INTERVAL DAY TO SECOND)])
            +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, buyer, price, qty, rate, ts])
`);
  });

  it('HAVING, DISTINCT and FILTER: arguments computed before the exchange, HAVING in a Calc after', () => {
    const text = explain(
      'EXPLAIN INSERT INTO latest SELECT buyer, COUNT(DISTINCT order_id) FILTER (WHERE price > 10) AS cnt FROM orders WHERE qty > 0 GROUP BY buyer HAVING MAX(price) > 5',
    );
    expect(text).toContain(`== Optimized Execution Plan ==
Sink(table=[default_catalog.default_database.latest], fields=[buyer, cnt])
+- Calc(select=[buyer, cnt], where=[($f2 > 5.00)])
   +- GroupAggregate(groupBy=[buyer], select=[buyer, COUNT(DISTINCT order_id) FILTER $f2 AS cnt, MAX(price) AS $f2])
      +- Exchange(distribution=[hash[buyer]])
         +- Calc(select=[buyer, order_id, (price > 10.00) AS $f2, price], where=[(qty > 0)])
`);
  });

  it('JobGraph: a hash edge on the grouping keys into a keyed GroupAggregate vertex', () => {
    const g = job(
      'INSERT INTO totals SELECT buyer, COUNT(*) AS cnt, SUM(price) AS total, MAX(price) AS max_price FROM orders GROUP BY buyer',
    );
    // The table's WATERMARK clause plans a watermark assigner right after the scan.
    expect(g.vertices.map((v) => v.operator.kind)).toEqual([
      'source',
      'watermark-assigner',
      'calc',
      'group-aggregate',
      'sink',
    ]);
    const [source, watermarks, calc, agg, sink] = g.vertices;
    expect(g.edges).toEqual([
      { source: source.id, target: watermarks.id, partitioner: 'forward' },
      { source: watermarks.id, target: calc.id, partitioner: 'forward' },
      { source: calc.id, target: agg.id, partitioner: 'hash', keys: [0] },
      { source: agg.id, target: sink.id, partitioner: 'forward' },
    ]);
    expect(agg.keyed).toEqual({ fields: [0] });
    expect(agg.parallelism).toBeUndefined();
    expect(agg.operator).toMatchObject({
      kind: 'group-aggregate',
      grouping: [0],
      inputInsertOnly: true,
      generateUpdateBefore: true,
      aggCalls: [
        { fn: 'COUNT', args: [], distinct: false, name: 'cnt' },
        { fn: 'SUM', args: [1], distinct: false, name: 'total' },
        { fn: 'MAX', args: [1], distinct: false, name: 'max_price' },
      ],
    });
    expect(sink.operator).toMatchObject({ kind: 'sink', inputChangelogMode: 'retract' });
    // The same SQL gives the same vertex ids, so state in a savepoint finds its operator again.
    expect(
      job(
        'INSERT INTO totals SELECT buyer, COUNT(*) AS cnt, SUM(price) AS total, MAX(price) AS max_price FROM orders GROUP BY buyer',
      ).vertices.map((v) => v.id),
    ).toEqual(g.vertices.map((v) => v.id));
  });

  it('a global aggregation: a global edge, parallelism 1 for the aggregate and what follows it', () => {
    const g = job(`CREATE TABLE n (cnt BIGINT, total DECIMAL(38, 2)) WITH ('connector' = 'print');
INSERT INTO n SELECT COUNT(*), SUM(price) FROM orders`);
    const [, , calc, agg, sink] = g.vertices;
    expect(g.edges[2]).toEqual({ source: calc.id, target: agg.id, partitioner: 'global' });
    expect(agg.keyed).toEqual({ fields: [] });
    expect([agg.parallelism, sink.parallelism]).toEqual([1, 1]);
    expect(calc.parallelism).toBeUndefined();
  });

  it('an upsert sink gets no -U: the aggregate runs without generateUpdateBefore', () => {
    const g = job('INSERT INTO latest SELECT buyer, COUNT(*) FROM orders GROUP BY buyer');
    expect(aggregateOf(g).generateUpdateBefore).toBe(false);
    expect(g.vertices.at(-1)!.operator).toMatchObject({ inputChangelogMode: 'upsert' });
    expect(
      explain('EXPLAIN CHANGELOG_MODE INSERT INTO latest SELECT buyer, COUNT(*) FROM orders GROUP BY buyer'),
    ).toContain('GroupAggregate(groupBy=[buyer], select=[buyer, COUNT(*) AS EXPR$1], changelogMode=[I,UA])');
  });

  it('an aggregate over an aggregate retracts: -U is generated below, and deletes come out on top', () => {
    const g = job(`CREATE TABLE hist (cnt BIGINT, buyers BIGINT) WITH ('connector' = 'print');
INSERT INTO hist SELECT cnt, COUNT(*) FROM (SELECT buyer, COUNT(*) AS cnt FROM orders GROUP BY buyer) GROUP BY cnt`);
    const aggs = g.vertices.filter((v) => v.operator.kind === 'group-aggregate');
    expect(aggs.map((v) => v.operator)).toMatchObject([
      { inputInsertOnly: true, generateUpdateBefore: true },
      { inputInsertOnly: false, generateUpdateBefore: true },
    ]);
    const text = explain(
      `EXPLAIN CHANGELOG_MODE SELECT cnt, COUNT(*) FROM (SELECT buyer, COUNT(*) AS cnt FROM orders GROUP BY buyer) GROUP BY cnt`,
    );
    expect(text).toContain(
      'GroupAggregate(groupBy=[cnt], select=[cnt, COUNT(*) AS EXPR$1], changelogMode=[I,UB,UA,D])',
    );
  });

  it('expressions over grouping keys and aggregates, and constants, in SELECT', () => {
    const g = job(`CREATE TABLE o (b STRING, avg_price DECIMAL(38, 6), k INT) WITH ('connector' = 'print');
INSERT INTO o SELECT UPPER(buyer), SUM(price) / COUNT(*), 1 FROM orders GROUP BY buyer`);
    expect(g.vertices.map((v) => v.name)).toEqual([
      'TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, buyer, price, qty, rate, ts])',
      'WatermarkAssigner(rowtime=[ts], watermark=[(ts - 1000:INTERVAL DAY TO SECOND)])',
      'Calc(select=[buyer, price])',
      'GroupAggregate(groupBy=[buyer], select=[buyer, SUM(price) AS $f1, COUNT(*) AS $f2])',
      'Calc(select=[UPPER(buyer) AS EXPR$0, ($f1 / CAST($f2 AS DECIMAL(19, 0))) AS EXPR$1, 1 AS EXPR$2])',
      'Sink(table=[default_catalog.default_database.o], fields=[EXPR$0, EXPR$1, EXPR$2])',
    ]);
  });
});

describe('GROUP BY: sink check', () => {
  it("rejects an append-only sink with Flink's message, at the sink's name", () => {
    const err = failure('\nINSERT INTO appends\nSELECT buyer, COUNT(*) FROM orders GROUP BY buyer');
    expect(err.code).toBe('SQL_VALIDATION');
    expect(err.message).toBe(
      "Table sink 'default_catalog.default_database.appends' doesn't support consuming update changes which is produced by node GroupAggregate(groupBy=[buyer], select=[buyer, COUNT(*) AS EXPR$1])",
    );
    expect(`${err.position?.line}:${err.position?.column}`).toBe('2:13');
    expect(err.file).toBe('job.sql');
  });
});
