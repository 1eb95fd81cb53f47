import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { JobGraph } from '../common/jobgraph.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

/**
 * Top-N and deduplication in the planner: which ROW_NUMBER patterns become a Rank or a
 * Deduplicate (Flink's FlinkLogicalRankRule and StreamPhysicalDeduplicateRule), with what rank
 * range, strategy and rank-number output, EXPLAIN in Flink's words, and Flink's errors for what a
 * streaming query cannot compute.
 */
const SETUP = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE top_bids (auction BIGINT, bidder BIGINT, price BIGINT, rn BIGINT) WITH ('connector' = 'print');
CREATE TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT) WITH ('connector' = 'print');
CREATE TABLE counts (bidder BIGINT, cnt BIGINT) WITH ('connector' = 'print');`;

function session(): SqlSession {
  const s = new SqlSession({ connectors: TEST_CONNECTORS });
  s.executeScript(SETUP);
  return s;
}

function one(sql: string): StatementResult {
  const results = session().executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

/** The optimized execution plan of an EXPLAIN, one node a line without the tree marks. */
function plan(sql: string, changelog = false): string[] {
  const r = one(`EXPLAIN ${changelog ? 'CHANGELOG_MODE ' : ''}${sql}`);
  if (r.kind !== 'explain') throw new Error(r.kind);
  const section = changelog ? '== Optimized Physical Plan ==' : '== Optimized Execution Plan ==';
  const text = r.text.slice(r.text.indexOf(section) + section.length).trim();
  const lines = text.split('\n').map((l) => l.replace(/^[\s:|+-]*/, ''));
  return lines
    .slice(0, lines.indexOf('') >= 0 ? lines.indexOf('') : undefined)
    .slice(0, changelog ? undefined : 4);
}

function job(sql: string): JobGraph {
  const r = one(sql);
  if (r.kind !== 'job') throw new Error(r.kind);
  return r.jobGraph;
}

function failure(sql: string): WeirError {
  try {
    session().executeScript(sql, 'job.sql');
  } catch (err) {
    if (isWeirError(err)) return err;
    throw err;
  }
  throw new Error(`no error for: ${sql}`);
}

const topN = (filter: string, select = 'auction, bidder, price, rn') =>
  `INSERT INTO ${select.includes('rn') ? 'top_bids' : 'bids'} SELECT ${select} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE ${filter}`;

describe('Top-N', () => {
  it("plans ROW_NUMBER with rn <= N as Flink's Rank (AppendFastStrategy) behind a hash exchange", () => {
    expect(plan(topN('rn <= 10'))).toEqual([
      'Sink(table=[default_catalog.default_database.top_bids], fields=[auction, bidder, price, rn])',
      'Calc(select=[auction, bidder, price, w0$o0 AS rn])',
      'Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=10], partitionBy=[auction], orderBy=[price DESC], select=[auction, bidder, price, ts, pt, w0$o0])',
      'Exchange(distribution=[hash[auction]])',
    ]);
  });

  it('leaves the rank number out when nothing above reads it (outputRankNumber)', () => {
    expect(plan(topN('rn <= 3', 'auction, bidder, price'))[2]).toBe(
      'Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[auction], orderBy=[price DESC], select=[auction, bidder, price, ts, pt])',
    );
  });

  it.each([
    ['rn < 5', 1, 4],
    ['rn = 3', 3, 3],
    ['rn BETWEEN 2 AND 5', 2, 5],
    ['5 >= rn AND rn > 1', 2, 5],
    ['rn <= 10 AND rn <= 4', 1, 4],
  ])('reads the rank range from %s', (filter, start, end) => {
    expect(plan(topN(filter))[2]).toContain(`rankRange=[rankStart=${start}, rankEnd=${end}]`);
  });

  it('keeps other conjuncts in a Calc above the Rank (they filter ranked rows, not the input)', () => {
    expect(plan(topN('rn <= 3 AND price > 100'))[1]).toBe(
      'Calc(select=[auction, bidder, price, w0$o0 AS rn], where=[(price > 100)])',
    );
  });

  it('computed columns beside the ROW_NUMBER are computed above the Rank', () => {
    expect(
      plan(
        'INSERT INTO top_bids SELECT auction, bidder, p2, rn FROM (SELECT auction, bidder, price * 2 AS p2, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 2 AND p2 > 10',
      ).slice(1, 3),
    ).toEqual([
      'Calc(select=[auction, bidder, (price * 2) AS p2, w0$o0 AS rn], where=[((price * 2) > 10)])',
      'Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=2], partitionBy=[auction], orderBy=[price DESC], select=[auction, bidder, price, ts, pt, w0$o0])',
    ]);
  });

  it('ROW_NUMBER = 1 ordered by a non-time column is a Top-1 Rank, not a Deduplicate', () => {
    expect(plan(topN('rn = 1', 'auction, bidder, price'))[2]).toMatch(/^Rank\(.*rankEnd=1\]/);
  });

  it('over an updating input uses RetractStrategy, which takes -U and emits a retract changelog', () => {
    expect(
      plan(
        'INSERT INTO counts SELECT bidder, cnt FROM (SELECT bidder, cnt, ROW_NUMBER() OVER (ORDER BY cnt DESC) AS rn FROM (SELECT bidder, COUNT(*) AS cnt FROM bid GROUP BY bidder)) WHERE rn <= 3',
        true,
      ),
    ).toEqual([
      'Sink(table=[default_catalog.default_database.counts], fields=[bidder, cnt], changelogMode=[NONE])',
      'Rank(strategy=[RetractStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=3], partitionBy=[], orderBy=[cnt DESC], select=[bidder, cnt], changelogMode=[I,UB,UA,D])',
      'Exchange(distribution=[single], changelogMode=[I,UB,UA])',
      'GroupAggregate(groupBy=[bidder], select=[bidder, COUNT(*) AS cnt], changelogMode=[I,UB,UA])',
      'Exchange(distribution=[hash[bidder]], changelogMode=[I])',
      'Calc(select=[bidder], changelogMode=[I])',
      'WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 1000:INTERVAL DAY TO SECOND)], changelogMode=[I])',
      'Calc(select=[bidder, ts], changelogMode=[I])',
      'TableSourceScan(table=[[default_catalog, default_database, bid]], fields=[auction, bidder, price, ts], changelogMode=[I])',
    ]);
  });

  it("accepts Flink's 'table.exec.topn.cache-size'", () => {
    const r = one(`SET 'table.exec.topn.cache-size' = '500';\n${topN('rn <= 10')}`);
    expect(r.kind).toBe('job');
  });

  it('a Rank is a keyed vertex; without PARTITION BY it runs at parallelism 1', () => {
    const g = job(topN('rn <= 10'));
    const rank = g.vertices.find((v) => v.operator.kind === 'rank')!;
    expect(rank.keyed).toEqual({ fields: [0] });
    expect(rank.operator).toMatchObject({
      kind: 'rank',
      partitionKeys: [0],
      orderKeys: [{ index: 2, descending: true, nullsFirst: false }],
      rankStart: 1,
      rankEnd: 10,
      outputRankNumber: true,
      inputInsertOnly: true,
      generateUpdateBefore: true,
    });
    const global = job(
      'INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (ORDER BY price) AS rn FROM bid) WHERE rn <= 2',
    );
    const v = global.vertices.find((x) => x.operator.kind === 'rank')!;
    expect(v.parallelism).toBe(1);
    expect(v.operator).toMatchObject({ orderKeys: [{ index: 2, descending: false, nullsFirst: true }] });
  });
});

describe('Deduplication', () => {
  const dedup = (order: string, select = 'auction, bidder, price') =>
    `INSERT INTO bids SELECT ${select} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY ${order}) AS rn FROM bid) WHERE rn = 1`;

  it.each([
    ['ts DESC', 'Deduplicate(keep=[LastRow], key=[bidder, auction], order=[ROWTIME])', 'I,UB,UA'],
    ['ts', 'Deduplicate(keep=[FirstRow], key=[bidder, auction], order=[ROWTIME])', 'I,UB,UA'],
    ['pt DESC', 'Deduplicate(keep=[LastRow], key=[bidder, auction], order=[PROCTIME])', 'I,UB,UA'],
    ['pt ASC', 'Deduplicate(keep=[FirstRow], key=[bidder, auction], order=[PROCTIME])', 'I'],
  ])('ORDER BY %s', (order, label, changelog) => {
    const lines = plan(dedup(order), true);
    expect(lines[2]).toBe(`${label.slice(0, -1)}, changelogMode=[${changelog}])`);
    expect(lines[3]).toBe('Exchange(distribution=[hash[bidder, auction]], changelogMode=[I])');
  });

  it('a consumer that takes upserts gets no -U (keep last row)', () => {
    const s = new SqlSession({
      connectors: [
        ...TEST_CONNECTORS,
        {
          identifier: 'upserts',
          requiredOptions: [],
          optionalOptions: [],
          sink: { acceptedChangelogModes: ['insert-only', 'upsert'] },
        },
      ],
    });
    s.executeScript(SETUP);
    const r = s.executeScript(
      "CREATE TABLE latest (auction BIGINT, bidder BIGINT, price BIGINT) WITH ('connector' = 'upserts');\n" +
        'EXPLAIN CHANGELOG_MODE INSERT INTO latest SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder, auction ORDER BY ts DESC) AS rn FROM bid) WHERE rn = 1',
    );
    const text = (r[r.length - 1] as { text: string }).text;
    expect(text).toContain(
      'Deduplicate(keep=[LastRow], key=[bidder, auction], order=[ROWTIME], changelogMode=[I,UA])',
    );
  });

  it('selecting the rank number, or rn <= 2, keeps it a Rank', () => {
    expect(
      plan(
        dedup('ts DESC').replace(
          'INTO bids SELECT auction, bidder, price',
          'INTO top_bids SELECT auction, bidder, price, rn',
        ),
      )[2],
    ).toMatch(/^Rank\(/);
    expect(plan(dedup('ts DESC').replace('rn = 1', 'rn <= 2'))[2]).toMatch(/^Rank\(/);
  });

  it('the JobGraph vertex', () => {
    const v = job(dedup('ts DESC')).vertices.find((x) => x.operator.kind === 'deduplicate')!;
    expect(v.keyed).toEqual({ fields: [1, 0] });
    expect(v.operator).toEqual({
      kind: 'deduplicate',
      keys: [1, 0],
      keepLastRow: true,
      rowtimeIndex: 3,
      generateUpdateBefore: true,
    });
  });
});

describe('errors', () => {
  it.each([
    [
      'INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, RANK() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 3',
      'RANK() on streaming table is not supported currently',
      '1:64',
    ],
    [
      'INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, DENSE_RANK() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 3',
      'DENSE_RANK() on streaming table is not supported currently',
      '1:64',
    ],
    [
      'INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid) WHERE rn >= 3',
      'Rank end is not specified. Currently rank only support TopN, which means the rank end must be specified.',
      '1:64',
    ],
    [
      'INSERT INTO top_bids SELECT auction, bidder, price, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) FROM bid',
      'ROW_NUMBER() without a filter on its result is an unbounded OVER window, which a streaming query cannot compute',
      '1:53',
    ],
    [
      'INSERT INTO counts SELECT bidder, ROW_NUMBER() OVER (ORDER BY bidder) FROM bid GROUP BY bidder',
      'An OVER window in an aggregating SELECT (with GROUP BY) is not supported yet',
      '1:35',
    ],
    [
      "INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rn FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(pt), INTERVAL '10' SECOND)) WHERE window_start > window_end) WHERE rn <= 3",
      'Window Top-N and window deduplication over window_start and window_end that do not come unchanged from a window TVF or window aggregation are not supported yet',
      '1:64',
    ],
    [
      'INSERT INTO bids SELECT auction, bidder, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction) AS rn FROM bid) WHERE rn <= 3',
      'ROW_NUMBER requires an ORDER BY clause in its window specification',
      '1:64',
    ],
  ])('%s', (sql, message, at) => {
    const err = failure(sql);
    expect(err.message).toBe(message);
    expect(`${err.position?.line}:${err.position?.column}`).toBe(at);
    expect(err.kind).toBe('user');
  });
});
