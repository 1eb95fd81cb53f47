import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { JobGraph, WindowRankSpec } from '../common/jobgraph.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

/**
 * Window Top-N and window deduplication in the planner (Flink's StreamPhysicalWindowRankRule and
 * StreamPhysicalWindowDeduplicateRule): which ROW_NUMBER patterns over a window TVF or a window
 * aggregation become a WindowRank or a WindowDeduplicate, EXPLAIN in Flink's words (compare the
 * plans printed on Flink's window-topn and window-deduplication pages), insert-only output.
 */
const SETUP = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT) WITH ('connector' = 'print');
CREATE TABLE ranked (auction BIGINT, price BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3), rn BIGINT) WITH ('connector' = 'print');
CREATE TABLE totals (window_start TIMESTAMP(3), window_end TIMESTAMP(3), bidder BIGINT, total BIGINT, rn BIGINT) WITH ('connector' = 'print');`;

function one(sql: string): StatementResult {
  const s = new SqlSession({ connectors: TEST_CONNECTORS });
  s.executeScript(SETUP);
  const results = s.executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

/** The optimized physical plan with changelog modes, one node a line without the tree marks. */
function plan(sql: string): string[] {
  const r = one(`EXPLAIN CHANGELOG_MODE ${sql}`);
  if (r.kind !== 'explain') throw new Error(r.kind);
  const section = '== Optimized Physical Plan ==';
  const text = r.text.slice(r.text.indexOf(section) + section.length).trim();
  const lines = text.split('\n').map((l) => l.replace(/^[\s:|+-]*/, ''));
  return lines.slice(0, lines.indexOf(''));
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

const TUMBLE = "TABLE(TUMBLE(TABLE bid, DESCRIPTOR(ts), INTERVAL '10' SECOND))";

describe('window Top-N', () => {
  it('plans ROW_NUMBER partitioned by window_start, window_end over a window TVF as a WindowRank', () => {
    expect(
      plan(
        `INSERT INTO ranked SELECT auction, price, window_start, window_end, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, auction ORDER BY price DESC) AS rn FROM ${TUMBLE}) WHERE rn <= 3`,
      ).slice(0, 5),
    ).toEqual([
      'Sink(table=[default_catalog.default_database.ranked], fields=[auction, price, window_start, window_end, rn], changelogMode=[NONE])',
      'Calc(select=[auction, price, window_start, window_end, w0$o0 AS rn], changelogMode=[I])',
      'WindowRank(window=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[10 s])], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[auction], orderBy=[price DESC], select=[auction, bidder, price, ts, pt, window_start, window_end, window_time, w0$o0], changelogMode=[I])',
      'Exchange(distribution=[hash[auction]], changelogMode=[I])',
      'WindowTableFunction(window=[TUMBLE(time_col=[ts], size=[10 s])], changelogMode=[I])',
    ]);
  });

  it('plans a Top-N over a window aggregation as a WindowRank on its window columns (Flink docs example)', () => {
    const lines = plan(
      `INSERT INTO totals SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC) AS rn FROM (SELECT window_start, window_end, bidder, SUM(price) AS total FROM ${TUMBLE} GROUP BY window_start, window_end, bidder)) WHERE rn <= 3`,
    );
    expect(lines[1]).toBe(
      'WindowRank(window=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[10 s])], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[], orderBy=[total DESC], select=[window_start, window_end, bidder, total, w0$o0], changelogMode=[I])',
    );
    expect(lines[2]).toBe('Exchange(distribution=[single], changelogMode=[I])');
    expect(lines.some((l) => l.startsWith('WindowAggregate('))).toBe(true);
  });

  it('plans a Top-N over a SESSION window aggregation; directly over the SESSION TVF it is rejected', () => {
    const lines = plan(
      `INSERT INTO totals SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC) AS rn FROM (SELECT window_start, window_end, bidder, SUM(price) AS total FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, bidder)) WHERE rn <= 3`,
    );
    expect(lines[1]).toMatch(
      /^WindowRank\(window=\[SESSION\(win_start=\[window_start\], win_end=\[window_end\], gap=\[10 s\]/,
    );
    const err = failure(
      `INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rn FROM TABLE(SESSION(TABLE bid PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '10' SECOND))) WHERE rn <= 3`,
    );
    expect(err.message).toBe(
      'The SESSION window table function without a window aggregation is not supported yet',
    );
  });

  it('hands the runtime the window columns, the partition keys without them and the rank range', () => {
    const g = job(
      `INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, auction ORDER BY price DESC) AS rn FROM ${TUMBLE}) WHERE rn BETWEEN 2 AND 3`,
    );
    const spec = g.vertices.map((v) => v.operator).find((o) => o.kind === 'window-rank') as WindowRankSpec;
    expect(spec).toEqual({
      kind: 'window-rank',
      partitionKeys: [0],
      orderKeys: [{ index: 2, descending: true, nullsFirst: false }],
      rankStart: 2,
      rankEnd: 3,
      outputRankNumber: false,
      windowStartIndex: 5,
      windowEndIndex: 6,
      timeDomain: 'event-time',
      keepLastRow: false,
    });
  });

  it('refuses a window Top-N over window columns a regular aggregation computed with', () => {
    const err = failure(
      `INSERT INTO totals SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC) AS rn FROM (SELECT window_start, window_end, bidder, COUNT(window_time) AS total FROM ${TUMBLE} GROUP BY window_start, window_end, bidder)) WHERE rn <= 3`,
    );
    expect(err.code).toBe('SQL_UNSUPPORTED');
    expect(err.message).toMatch(/^Window Top-N and window deduplication over window_start and window_end/);
  });
});

describe('window deduplication', () => {
  const dedup = (order: string, filter = 'rn <= 1') =>
    `INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, auction ORDER BY ${order}) AS rn FROM ${TUMBLE}) WHERE ${filter}`;

  it('plans rank 1 ordered by the rowtime descending as WindowDeduplicate keep=[LastRow]', () => {
    expect(plan(dedup('ts DESC'))[2]).toBe(
      'WindowDeduplicate(window=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[10 s])], keep=[LastRow], partitionKeys=[auction], orderKey=[ts], order=[ROWTIME], changelogMode=[I])',
    );
  });

  it('plans rank 1 ordered by the rowtime ascending as keep=[FirstRow]', () => {
    expect(plan(dedup('ts', 'rn = 1'))[2]).toContain('WindowDeduplicate(');
    expect(plan(dedup('ts', 'rn = 1'))[2]).toContain('keep=[FirstRow]');
  });

  it('stays a WindowRank when ordered by something other than a rowtime attribute', () => {
    expect(plan(dedup('price DESC'))[2]).toMatch(/^WindowRank\(/);
    expect(plan(dedup('pt DESC'))[2]).toMatch(/^WindowRank\(/);
  });

  it('hands the runtime keepLastRow for keep=[LastRow]', () => {
    const g = job(dedup('ts DESC'));
    const spec = g.vertices.map((v) => v.operator).find((o) => o.kind === 'window-rank') as WindowRankSpec;
    expect(spec.keepLastRow).toBe(true);
    expect(spec.rankEnd).toBe(1);
  });
});
