import { describe, expect, it } from 'vitest';
import type { WindowJoinSpec } from '../common/jobgraph.js';
import { plannerProbe } from './__fixtures__/planner-session.js';

/**
 * Window joins in the planner (Flink's StreamPhysicalWindowJoinRule): which joins of window TVF
 * relations become a WindowJoin, EXPLAIN in Flink's words (compare the plans of Flink's
 * WindowJoinTest), insert-only output, and the errors for what Flink rejects too.
 */
const SETUP = `CREATE TABLE LeftTable (row_time TIMESTAMP(3), num INT, id STRING, pt AS PROCTIME(), WATERMARK FOR row_time AS row_time - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE RightTable (row_time TIMESTAMP(3), num INT, id STRING, pt AS PROCTIME(), WATERMARK FOR row_time AS row_time - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE joined (l_num INT, l_id STRING, r_num INT, r_id STRING, window_start TIMESTAMP(3), window_end TIMESTAMP(3)) WITH ('connector' = 'print');`;

const { physicalPlan: plan, job, failure } = plannerProbe(SETUP);

const tvf = (table: string, size = "INTERVAL '5' MINUTES", fn = 'TUMBLE') =>
  `(SELECT * FROM TABLE(${fn}(TABLE ${table}, DESCRIPTOR(row_time), ${size})))`;
const L = tvf('LeftTable');
const R = tvf('RightTable');
const WINDOWS = 'L.window_start = R.window_start AND L.window_end = R.window_end';
const SELECT = 'SELECT L.num, L.id, R.num, R.id, L.window_start, L.window_end';

describe('window join', () => {
  it("plans Flink's documented FULL OUTER window join as a WindowJoin hashed by the other keys", () => {
    expect(
      plan(`INSERT INTO joined ${SELECT} FROM ${L} L FULL JOIN ${R} R ON L.num = R.num AND ${WINDOWS}`),
    ).toEqual([
      'Sink(table=[default_catalog.default_database.joined], fields=[num, id, num0, id0, window_start, window_end], changelogMode=[NONE])',
      'Calc(select=[num, id, num0, id0, window_start, window_end], changelogMode=[I])',
      'WindowJoin(leftWindow=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 min])], rightWindow=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 min])], joinType=[FullOuterJoin], where=[=(num, num0)], select=[row_time, num, id, pt, window_start, window_end, window_time, row_time0, num0, id0, pt0, window_start0, window_end0, window_time0], changelogMode=[I])',
      'Exchange(distribution=[hash[num]], changelogMode=[I])',
      'WindowTableFunction(window=[TUMBLE(time_col=[row_time], size=[5 min])], changelogMode=[I])',
      'WatermarkAssigner(rowtime=[row_time], watermark=[-(row_time, 1000:INTERVAL DAY TO SECOND)], changelogMode=[I])',
      'Calc(select=[row_time, num, id, PROCTIME() AS pt], changelogMode=[I])',
      'TableSourceScan(table=[[default_catalog, default_database, LeftTable]], fields=[row_time, num, id], changelogMode=[I])',
      'Exchange(distribution=[hash[num]], changelogMode=[I])',
      'WindowTableFunction(window=[TUMBLE(time_col=[row_time], size=[5 min])], changelogMode=[I])',
      'WatermarkAssigner(rowtime=[row_time], watermark=[-(row_time, 1000:INTERVAL DAY TO SECOND)], changelogMode=[I])',
      'Calc(select=[row_time, num, id, PROCTIME() AS pt], changelogMode=[I])',
      'TableSourceScan(table=[[default_catalog, default_database, RightTable]], fields=[row_time, num, id], changelogMode=[I])',
    ]);
  });

  it('puts the window in the JobGraph: a two-input vertex keyed by the other keys', () => {
    const graph = job(
      `INSERT INTO joined ${SELECT} FROM ${L} L LEFT JOIN ${R} R ON L.num = R.num AND ${WINDOWS}`,
    );
    const vertex = graph.vertices.find((v) => v.operator.kind === 'window-join');
    const spec = vertex?.operator as WindowJoinSpec;
    expect(spec).toMatchObject({
      joinType: 'LEFT',
      leftKeys: [1],
      rightKeys: [1],
      leftWindowStartIndex: 4,
      leftWindowEndIndex: 5,
      rightWindowStartIndex: 4,
      rightWindowEndIndex: 5,
    });
    expect(vertex?.keyed).toEqual({ fields: [1], secondInputFields: [1] });
    expect(graph.edges.filter((e) => e.target === vertex?.id).map((e) => e.partitioner)).toEqual([
      'hash',
      'hash',
    ]);
  });

  it('takes the window equalities from WHERE for an inner join, and runs without other keys at parallelism 1', () => {
    const lines = plan(`INSERT INTO joined ${SELECT} FROM ${L} L, ${R} R WHERE ${WINDOWS} AND L.id <> R.id`);
    expect(lines.find((l) => l.startsWith('WindowJoin'))).toContain(
      'joinType=[InnerJoin], where=[<>(id, id0)]',
    );
    expect(lines.filter((l) => l.startsWith('Exchange'))).toEqual([
      'Exchange(distribution=[single], changelogMode=[I])',
      'Exchange(distribution=[single], changelogMode=[I])',
    ]);
    const graph = job(`INSERT INTO joined ${SELECT} FROM ${L} L JOIN ${R} R ON ${WINDOWS}`);
    expect(graph.vertices.find((v) => v.operator.kind === 'window-join')?.parallelism).toBe(1);
  });

  it('plans IN and EXISTS over windowed inputs as semi and anti window joins', () => {
    const semi = plan(
      `SELECT * FROM ${L} L WHERE L.num IN (SELECT num FROM ${R} R WHERE L.window_start = R.window_start AND L.window_end = R.window_end)`,
    );
    expect(semi.find((l) => l.startsWith('WindowJoin'))).toMatch(
      /joinType=\[LeftSemiJoin\], where=\[=\(num, num0\)\]/,
    );
    const anti = plan(
      `SELECT * FROM ${L} L WHERE NOT EXISTS (SELECT * FROM ${R} R WHERE L.num = R.num AND ${WINDOWS})`,
    );
    expect(anti.find((l) => l.startsWith('WindowJoin'))).toMatch(/joinType=\[LeftAntiJoin\]/);
  });

  it('joins the results of two window aggregations on their windows', () => {
    const agg = (t: string) =>
      `(SELECT num, window_start, window_end, COUNT(*) AS cnt FROM TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(row_time), INTERVAL '5' MINUTES)) GROUP BY num, window_start, window_end)`;
    const lines = plan(
      `SELECT L.num, L.cnt, R.cnt FROM ${agg('LeftTable')} L JOIN ${agg('RightTable')} R ON L.num = R.num AND ${WINDOWS}`,
    );
    expect(lines.find((l) => l.startsWith('WindowJoin'))).toBe(
      'WindowJoin(leftWindow=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 min])], rightWindow=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 min])], joinType=[InnerJoin], where=[=(num, num0)], select=[num, window_start, window_end, cnt, num0, window_start0, window_end0, cnt0], changelogMode=[I])',
    );
  });

  it('stays a regular join with only one window equality, as in Flink', () => {
    const lines = plan(
      `${SELECT} FROM ${L} L JOIN ${R} R ON L.num = R.num AND L.window_start = R.window_start`,
    );
    expect(lines.some((l) => l.startsWith('WindowJoin'))).toBe(false);
    expect(lines.some((l) => l.startsWith('Join(joinType=[InnerJoin]'))).toBe(true);
  });

  it('rejects different windows, processing time and a SESSION TVF as Flink does', () => {
    expect(
      failure(
        `EXPLAIN ${SELECT} FROM ${L} L JOIN ${tvf('RightTable', "INTERVAL '10' MINUTES")} R ON ${WINDOWS}`,
      ).message,
    ).toMatch(/window join of different windows/);
    const proc = `(SELECT * FROM TABLE(TUMBLE(TABLE LeftTable, DESCRIPTOR(pt), INTERVAL '5' MINUTES)))`;
    expect(
      failure(
        `EXPLAIN ${SELECT} FROM ${proc} L JOIN ${proc.replace('LeftTable', 'RightTable')} R ON ${WINDOWS}`,
      ).message,
    ).toMatch(/processing-time window join/);
    const session = (t: string) =>
      `(SELECT * FROM TABLE(SESSION(TABLE ${t} PARTITION BY num, DESCRIPTOR(row_time), INTERVAL '5' MINUTES)))`;
    expect(
      failure(
        `EXPLAIN ${SELECT} FROM ${session('LeftTable')} L JOIN ${session('RightTable')} R ON ${WINDOWS}`,
      ).message,
    ).toMatch(/window join directly over a SESSION window TVF/);
  });
});
