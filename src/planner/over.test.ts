import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { JobGraph } from '../common/jobgraph.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

/**
 * OVER aggregations in the planner: the OverAggregate node as Flink prints it, named windows, the
 * JobGraph vertex, and Flink's restrictions as errors with their line:column.
 */
const SETUP = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE out2 (auction BIGINT, x BIGINT) WITH ('connector' = 'print');
CREATE TABLE out3 (auction BIGINT, x BIGINT, y BIGINT) WITH ('connector' = 'print');`;

function one(sql: string): StatementResult {
  const s = new SqlSession({ connectors: TEST_CONNECTORS });
  s.executeScript(SETUP);
  const results = s.executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

function explained(sql: string): string {
  const r = one(`EXPLAIN ${sql}`);
  if (r.kind !== 'explain') throw new Error(r.kind);
  return r.text;
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
  throw new Error(`no error for: ${sql}`);
}

describe('OVER aggregation', () => {
  it("plans Flink's OverAggregate behind a hash exchange on the partition keys", () => {
    const text = explained(
      'INSERT INTO out2 SELECT auction, AVG(price) OVER (PARTITION BY auction ORDER BY ts ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) FROM bid',
    );
    expect(text).toContain(
      'LogicalOverWindow(window#0=[window(partition {0} order by [3] rows between 10 PRECEDING and CURRENT ROW aggs [AVG($2)])])',
    );
    expect(text.slice(text.indexOf('== Optimized Execution Plan =='))).toContain(
      [
        '+- Calc(select=[auction, w0$o0 AS EXPR$1])',
        '   +- OverAggregate(partitionBy=[auction], orderBy=[ts ASC], window=[ ROWS BETWEEN 10 PRECEDING AND CURRENT ROW], select=[auction, bidder, price, ts, pt, AVG(price) AS w0$o0])',
        '      +- Exchange(distribution=[hash[auction]])',
      ].join('\n'),
    );
  });

  it('RANGE frames: unbounded by default, an interval in milliseconds; calls sharing a named window', () => {
    expect(
      explained('INSERT INTO out2 SELECT auction, COUNT(*) OVER (PARTITION BY auction ORDER BY ts) FROM bid'),
    ).toContain(
      'window=[ RANG BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW], select=[auction, bidder, price, ts, pt, COUNT(*) AS w0$o0])',
    );
    const text = explained(
      "INSERT INTO out3 SELECT auction, SUM(price) OVER w, MAX(price) OVER w FROM bid WINDOW w AS (ORDER BY ts RANGE BETWEEN INTERVAL '1' MINUTE PRECEDING AND CURRENT ROW)",
    );
    expect(text).toContain(
      'OverAggregate(orderBy=[ts ASC], window=[ RANG BETWEEN 60000 PRECEDING AND CURRENT ROW], select=[auction, bidder, price, ts, pt, SUM(price) AS w0$o0, MAX(price) AS w0$o1])',
    );
    expect(text).toContain('Exchange(distribution=[single])');
  });

  it('the JobGraph vertex: keyed by the partition keys, event time, the frame', () => {
    const g = job(
      'INSERT INTO out2 SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM bid',
    );
    const v = g.vertices.find((x) => x.operator.kind === 'over-aggregate')!;
    expect(v.keyed).toEqual({ fields: [0] });
    expect(v.operator).toMatchObject({
      partitionKeys: [0],
      orderIndex: 3,
      rowtime: true,
      unit: 'ROWS',
      preceding: 3,
      aggCalls: [{ fn: 'SUM', args: [2], name: 'w0$o0' }],
    });
    const proc = job('INSERT INTO out2 SELECT auction, COUNT(*) OVER (ORDER BY pt) FROM bid');
    const p = proc.vertices.find((x) => x.operator.kind === 'over-aggregate')!;
    expect(p.parallelism).toBe(1);
    expect(p.operator).toMatchObject({ rowtime: false, unit: 'RANGE' });
    expect(p.operator).not.toHaveProperty('preceding');
    const range = job(
      "INSERT INTO out2 SELECT auction, SUM(price) OVER (ORDER BY pt RANGE BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW) FROM bid",
    );
    expect(range.vertices.find((x) => x.operator.kind === 'over-aggregate')!.operator).toMatchObject({
      rowtime: false,
      unit: 'RANGE',
      preceding: 1000,
    });
  });

  it.each([
    [
      'INSERT INTO out2 SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY price) FROM bid',
      "OVER windows' ordering in stream mode must be defined on a time attribute.",
      '1:34',
    ],
    [
      'INSERT INTO out2 SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY ts DESC) FROM bid',
      'OVER windows in stream mode must be ordered ascending by their time attribute.',
      '1:34',
    ],
    [
      'INSERT INTO out2 SELECT auction, SUM(price) OVER (ORDER BY ts ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING) FROM bid',
      'OVER ROWS FOLLOWING windows are not supported: the frame must end at CURRENT ROW',
      '1:34',
    ],
    [
      'INSERT INTO out2 SELECT auction, SUM(cnt) OVER (ORDER BY auction) FROM (SELECT auction, COUNT(*) AS cnt FROM bid GROUP BY auction)',
      "OVER windows' ordering in stream mode must be defined on a time attribute.",
      '1:34',
    ],
    [
      'INSERT INTO out3 SELECT auction, SUM(price) OVER (ORDER BY ts), MAX(price) OVER (PARTITION BY auction ORDER BY ts) FROM bid',
      'OVER windows that differ in one SELECT (all aggregates must be computed on the same window) is not supported yet',
      '1:95',
    ],
    ['INSERT INTO out2 SELECT auction, SUM(price) OVER v FROM bid', "Window 'v' not found", '1:50'],
    [
      'INSERT INTO out2 SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY ts) FROM (SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 3)',
      "OverAggregate doesn't support consuming update and delete changes which is produced by node Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[auction], orderBy=[price DESC], select=[auction, bidder, price, ts, pt, w0$o0])",
      '1:34',
    ],
    [
      'INSERT INTO out2 SELECT auction, COUNT(DISTINCT price) OVER (ORDER BY ts) FROM bid',
      'DISTINCT in an OVER aggregate is not supported yet',
      '1:34',
    ],
    [
      'INSERT INTO out2 SELECT auction, STDDEV_POP(price) OVER (ORDER BY ts) FROM bid',
      'STDDEV_POP as an OVER window function is not supported yet',
      '1:34',
    ],
    [
      "INSERT INTO out2 SELECT auction, SUM(price) OVER (ORDER BY ts ROWS BETWEEN INTERVAL '1' SECOND PRECEDING AND CURRENT ROW) FROM bid",
      'ROWS window bound must be a non-negative integer literal',
      '1:76',
    ],
  ])('%s', (sql, message, at) => {
    const err = failure(sql);
    expect(err.message).toBe(message);
    expect(`${err.position?.line}:${err.position?.column}`).toBe(at);
    expect(err.kind).toBe('user');
  });
});
