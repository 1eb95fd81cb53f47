import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { JobGraph } from '../common/jobgraph.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

const SETUP = `CREATE TABLE bids (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE plain (a BIGINT, ts TIMESTAMP(3)) WITH ('connector' = 'datagen');
CREATE TABLE out4 (a BIGINT, b BIGINT, s TIMESTAMP(3), e TIMESTAMP(3)) WITH ('connector' = 'print');`;

function one(sql: string): StatementResult {
  const s = new SqlSession({ connectors: TEST_CONNECTORS });
  s.executeScript(SETUP);
  const results = s.executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

/** The optimized physical plan of EXPLAIN, one line per node. */
function physical(sql: string): string[] {
  const r = one(`EXPLAIN ${sql}`);
  if (r.kind !== 'explain') throw new Error(r.kind);
  const text = r.text;
  const start = text.indexOf('== Optimized Physical Plan ==');
  const end = text.indexOf('== Optimized Execution Plan ==');
  return text
    .slice(start, end)
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
    .map((l) => l.replace(/^[\s:+|-]*/, ''));
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

describe('window TVFs and window aggregation', () => {
  it('GROUP BY window_start, window_end over TUMBLE is a WindowAggregate that assigns windows itself', () => {
    expect(
      physical(`SELECT auction, window_start, window_end, COUNT(*) AS cnt, SUM(price) AS total
        FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
        GROUP BY auction, window_start, window_end`),
    ).toEqual([
      'Calc(select=[auction, window_start, window_end, cnt, total])',
      "WindowAggregate(groupBy=[auction], window=[TUMBLE(time_col=[ts], size=[10 s])], select=[auction, COUNT(*) AS cnt, SUM(price) AS total, start('w$) AS window_start, end('w$) AS window_end])",
      'Exchange(distribution=[hash[auction]])',
      // The projection moves below the watermark assigner (watermark-project-prune).
      'WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 1000:INTERVAL DAY TO SECOND)])',
      'Calc(select=[auction, price, ts])',
      'TableSourceScan(table=[[default_catalog, default_database, bids]], fields=[auction, bidder, price, ts])',
    ]);
  });

  it('named arguments in any order plan as the positional ones; HOP, CUMULATE and offsets print as Flink does', () => {
    const hop = (args: string) =>
      physical(
        `SELECT COUNT(*) AS c, window_start FROM TABLE(HOP(${args})) GROUP BY window_start, window_end`,
      )[1];
    const positional = hop(`TABLE bids, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND`);
    expect(positional).toBe(
      "WindowAggregate(window=[HOP(time_col=[ts], size=[10 s], slide=[2 s])], select=[COUNT(*) AS c, start('w$) AS window_start, end('w$) AS window_end])",
    );
    expect(
      hop(
        `DATA => TABLE bids, SIZE => INTERVAL '10' SECOND, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '2' SECOND`,
      ),
    ).toBe(positional);
    expect(
      physical(
        `SELECT window_end, MAX(price) AS m FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' MINUTE, INTERVAL '1' HOUR, INTERVAL '5' MINUTE)) GROUP BY window_start, window_end`,
      )[1],
    ).toBe(
      "WindowAggregate(window=[CUMULATE(time_col=[ts], max_size=[1 h], step=[1 min], offset=[5 min])], select=[MAX(price) AS m, start('w$) AS window_start, end('w$) AS window_end])",
    );
  });

  it('a window aggregation is keyed by its GROUP BY keys, or global at parallelism 1', () => {
    const keyed = job(`INSERT INTO out4 SELECT bidder, COUNT(*), window_start, window_end
      FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY bidder, window_start, window_end`);
    const v = keyed.vertices.find((x) => x.operator.kind === 'window-aggregate')!;
    expect(v.keyed).toEqual({ fields: [0] });
    expect(v.operator).toMatchObject({
      window: { kind: 'tumble', size: 10_000, offset: 0 },
      timeDomain: 'event-time',
      grouping: [0],
      properties: ['start', 'end'],
    });
    const global = job(`INSERT INTO out4 SELECT COUNT(*), SUM(price), window_start, window_end
      FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end`);
    const g = global.vertices.find((x) => x.operator.kind === 'window-aggregate')!;
    expect(g.parallelism).toBe(1);
    expect(g.keyed).toEqual({ fields: [] });
  });

  it('aligned windows of mergeable calls are sliced (spec.slicing, part of the state signature); DISTINCT and uneven HOPs are not', () => {
    const windowAggregate = (select: string, tvf: string) =>
      job(`INSERT INTO out4 SELECT bidder, ${select}, window_start, window_end
        FROM TABLE(${tvf}) GROUP BY bidder, window_start, window_end`).vertices.find(
        (x) => x.operator.kind === 'window-aggregate',
      )!;
    const hop = "HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)";
    const sliced = windowAggregate('COUNT(*)', hop);
    expect(sliced.operator).toMatchObject({ slicing: true });
    expect(windowAggregate('COUNT(DISTINCT price)', hop).operator).not.toHaveProperty('slicing');
    expect(
      windowAggregate(
        'COUNT(*)',
        "HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '3' SECOND, INTERVAL '10' SECOND)",
      ).operator,
    ).not.toHaveProperty('slicing');
    expect(
      windowAggregate(
        'MAX(price)',
        "CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)",
      ).operator,
    ).toMatchObject({ slicing: true });
  });

  it('a processing-time TVF over a PROCTIME() column', () => {
    const plan = physical(
      `SELECT bidder, COUNT(*) AS c, window_start FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(pt), INTERVAL '10' SECOND)) GROUP BY bidder, window_start, window_end`,
    );
    expect(plan[1]).toBe(
      "WindowAggregate(groupBy=[bidder], window=[TUMBLE(time_col=[pt], size=[10 s])], select=[bidder, COUNT(*) AS c, start('w$) AS window_start, end('w$) AS window_end])",
    );
    const v = job(
      `INSERT INTO out4 SELECT bidder, COUNT(*), window_start, window_end FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(pt), INTERVAL '10' SECOND)) GROUP BY bidder, window_start, window_end`,
    ).vertices.find((x) => x.operator.kind === 'window-aggregate')!;
    expect(v.operator).toMatchObject({ timeDomain: 'processing-time' });
  });

  it('window_time stays a rowtime after a window aggregation, so its result can be windowed again', () => {
    const r = one(`CREATE VIEW per_second AS
        SELECT window_time AS rt, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '1' SECOND))
        GROUP BY bidder, window_start, window_end, window_time;
      EXPLAIN SELECT window_start, SUM(c) AS total
        FROM TABLE(TUMBLE(TABLE per_second, DESCRIPTOR(rt), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end`);
    if (r.kind !== 'explain') throw new Error(r.kind);
    expect(r.text).toContain(
      "WindowAggregate(window=[TUMBLE(time_col=[rt], size=[1 min])], select=[SUM(c) AS total, start('w$) AS window_start, end('w$) AS window_end])",
    );
    expect(r.text).toContain(
      "WindowAggregate(groupBy=[bidder], window=[TUMBLE(time_col=[ts], size=[1 s])], select=[bidder, COUNT(*) AS c, start('w$) AS window_start, end('w$) AS window_end, rowtime('w$) AS window_time])",
    );
    // A plain GROUP BY of a rowtime makes it a plain timestamp, as in Flink.
    expect(
      failure(`CREATE VIEW grouped AS SELECT ts, COUNT(*) AS c FROM bids GROUP BY ts;
        EXPLAIN SELECT * FROM TABLE(TUMBLE(TABLE grouped, DESCRIPTOR(ts), INTERVAL '1' MINUTE))`).message,
    ).toContain('requires the timecol to be a time attribute type');
  });

  it('grouping by the window_start and window_end of a window aggregation is a window aggregation (Nexmark q5)', () => {
    const plan = physical(`SELECT MAX(num) AS maxn, s, e FROM (
        SELECT auction, COUNT(*) AS num, window_start AS s, window_end AS e
        FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND))
        GROUP BY auction, window_start, window_end) GROUP BY s, e`);
    expect(plan[0]).toBe(
      "WindowAggregate(window=[HOP(win_start=[s], win_end=[e], size=[10 s], slide=[2 s])], select=[MAX(num) AS maxn, start('w$) AS window_start, end('w$) AS window_end])",
    );
    expect(plan[1]).toBe('Exchange(distribution=[single])');
    expect(plan[3]).toBe(
      "WindowAggregate(groupBy=[auction], window=[HOP(time_col=[ts], size=[10 s], slide=[2 s])], select=[auction, COUNT(*) AS num, start('w$) AS window_start, end('w$) AS window_end])",
    );
  });

  it('a TVF on its own is a WindowTableFunction adding window_start, window_end and window_time', () => {
    const r = one(
      `EXPLAIN SELECT auction, window_start, window_end, window_time FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) WHERE price > 10`,
    );
    if (r.kind !== 'explain') throw new Error(r.kind);
    expect(r.text).toContain(
      'TIMESTAMP(3) ts, TIMESTAMP_LTZ(3) NOT NULL *PROCTIME* pt, TIMESTAMP(3) NOT NULL window_start, TIMESTAMP(3) NOT NULL window_end, TIMESTAMP(3) NOT NULL *ROWTIME* window_time)',
    );
    expect(r.text).toContain('WindowTableFunction(window=[TUMBLE(time_col=[ts], size=[10 s])])');
  });

  it('grouping by window_start alone is a regular aggregation over the WindowTableFunction, as in Flink', () => {
    const plan = physical(
      `SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start`,
    );
    expect(plan[0]).toBe('GroupAggregate(groupBy=[window_start], select=[window_start, COUNT(*) AS c])');
    expect(
      plan.some((l) => l.startsWith('WindowTableFunction(window=[TUMBLE(time_col=[ts], size=[10 s])])')),
    ).toBe(true);
  });
});

describe('legacy group windows', () => {
  it('GROUP BY TUMBLE(…) with TUMBLE_START, TUMBLE_END and TUMBLE_ROWTIME is a GroupWindowAggregate', () => {
    const plan =
      physical(`SELECT bidder, TUMBLE_START(ts, INTERVAL '10' SECOND) AS s, TUMBLE_END(ts, INTERVAL '10' SECOND), TUMBLE_ROWTIME(ts, INTERVAL '10' SECOND) AS rt, COUNT(*) AS c
      FROM bids GROUP BY bidder, TUMBLE(ts, INTERVAL '10' SECOND)`);
    expect(plan[0]).toBe('Calc(select=[bidder, w$start AS s, w$end AS EXPR$2, w$rowtime AS rt, c])');
    expect(plan[1]).toBe(
      "GroupWindowAggregate(groupBy=[bidder], window=[TumblingGroupWindow('w$, ts, 10000)], properties=[w$start, w$end, w$rowtime], select=[bidder, COUNT(*) AS c, start('w$) AS w$start, end('w$) AS w$end, rowtime('w$) AS w$rowtime])",
    );
  });

  it('HOP(ts, slide, size) and SESSION(ts, gap)', () => {
    expect(
      physical(
        `SELECT HOP_END(ts, INTERVAL '2' SECOND, INTERVAL '10' SECOND) AS e, SUM(price) AS p FROM bids GROUP BY HOP(ts, INTERVAL '2' SECOND, INTERVAL '10' SECOND)`,
      )[1],
    ).toBe(
      "GroupWindowAggregate(window=[SlidingGroupWindow('w$, ts, 10000, 2000)], properties=[w$start, w$end], select=[SUM(price) AS p, start('w$) AS w$start, end('w$) AS w$end])",
    );
    expect(
      physical(
        `SELECT bidder, SESSION_START(ts, INTERVAL '5' SECOND) AS s, COUNT(*) AS c FROM bids GROUP BY bidder, SESSION(ts, INTERVAL '5' SECOND)`,
      )[1],
    ).toBe(
      "GroupWindowAggregate(groupBy=[bidder], window=[SessionGroupWindow('w$, ts, 5000)], properties=[w$start, w$end], select=[bidder, COUNT(*) AS c, start('w$) AS w$start, end('w$) AS w$end])",
    );
  });
});

describe('window errors', () => {
  it('a DESCRIPTOR column that is not a time attribute, at its line:column', () => {
    const err = failure(`SELECT * FROM TABLE(
  TUMBLE(TABLE plain, DESCRIPTOR(ts), INTERVAL '10' SECOND))`);
    expect(err.code).toBe('SQL_VALIDATION');
    expect(err.message).toContain('requires the timecol to be a time attribute type, but is TIMESTAMP(3)');
    expect(err.position).toMatchObject({ line: 2, column: 34 });
  });

  it('a group window over a column that is not a time attribute', () => {
    const err = failure(`SELECT COUNT(*) FROM plain GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE)`);
    expect(err.code).toBe('SQL_VALIDATION');
    expect(err.message).toContain('Window can only be defined over a time attribute column');
    expect(err.position).toMatchObject({ line: 1, column: 44 });
  });

  it('the SESSION TVF aggregates per PARTITION BY key; alone, or grouped by other keys, it is not supported yet', () => {
    expect(
      physical(`SELECT bidder, window_start, window_end, COUNT(*) AS c
        FROM TABLE(SESSION(TABLE bids PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '10' SECOND))
        GROUP BY bidder, window_start, window_end`)[1],
    ).toBe(
      "WindowAggregate(groupBy=[bidder], window=[SESSION(time_col=[ts], gap=[10 s], partition keys=[bidder])], select=[bidder, COUNT(*) AS c, start('w$) AS window_start, end('w$) AS window_end])",
    );
    expect(
      physical(
        `SELECT window_end, COUNT(*) AS c FROM TABLE(SESSION(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), GAP => INTERVAL '1' MINUTE)) GROUP BY window_start, window_end`,
      )[1],
    ).toBe(
      "WindowAggregate(window=[SESSION(time_col=[ts], gap=[1 min])], select=[COUNT(*) AS c, start('w$) AS window_start, end('w$) AS window_end])",
    );
    const alone = failure(
      `EXPLAIN SELECT * FROM TABLE(SESSION(TABLE bids PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '10' SECOND))`,
    );
    expect(alone.code).toBe('SQL_UNSUPPORTED');
    expect(alone.message).toBe(
      'The SESSION window table function without a window aggregation is not supported yet',
    );
    expect(alone.position).toMatchObject({ line: 1, column: 29 });
    const otherKeys = failure(
      `EXPLAIN SELECT auction, COUNT(*) FROM TABLE(SESSION(TABLE bids PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY auction, window_start, window_end`,
    );
    expect(otherKeys.code).toBe('SQL_UNSUPPORTED');
    expect(otherKeys.message).toContain('are not its PARTITION BY keys');
    expect(
      failure(
        `SELECT * FROM TABLE(TUMBLE(TABLE bids PARTITION BY bidder, DESCRIPTOR(ts), INTERVAL '10' SECOND))`,
      ).message,
    ).toBe('Only the SESSION window function takes PARTITION BY, not TUMBLE');
  });

  it('bad arguments: a missing DESCRIPTOR, a CUMULATE size not a multiple of its step, a non-interval size, an unknown parameter, a mismatched auxiliary function', () => {
    expect(failure(`SELECT * FROM TABLE(TUMBLE(TABLE bids, ts, INTERVAL '10' SECOND))`).message).toContain(
      'must be given as DESCRIPTOR(column)',
    );
    expect(
      failure(
        `SELECT * FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '7' SECOND, INTERVAL '1' MINUTE))`,
      ).message,
    ).toContain('integral multiple of the step');
    expect(failure(`SELECT * FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), 10))`).message).toContain(
      'must be an interval literal of DAY TO SECOND',
    );
    const unknown = failure(
      `SELECT * FROM TABLE(TUMBLE(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), WIDTH => INTERVAL '1' SECOND))`,
    );
    expect(unknown.message).toContain('has no parameter WIDTH');
    expect(unknown.position).toMatchObject({ line: 1, column: 75 });
    expect(
      failure(
        `SELECT HOP_START(ts, INTERVAL '1' SECOND, INTERVAL '2' SECOND) FROM bids GROUP BY TUMBLE(ts, INTERVAL '1' SECOND)`,
      ).message,
    ).toContain('HOP_START does not match the group window TUMBLE');
    const aligned = failure(
      `SELECT COUNT(*) FROM bids GROUP BY TUMBLE(ts, INTERVAL '1' MINUTE, TIME '00:00:30')`,
    );
    expect(aligned.code).toBe('SQL_UNSUPPORTED');
    expect(aligned.position).toMatchObject({ line: 1, column: 68 });
  });
});
