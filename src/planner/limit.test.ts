import { describe, expect, it } from 'vitest';
import { plannerProbe } from './__fixtures__/planner-session.js';

/**
 * ORDER BY … LIMIT and LIMIT in a streaming query: a Top-N over the whole result, a Rank without
 * partition keys at parallelism 1, shown in EXPLAIN as Flink shows it (LogicalSort; SortLimit or
 * Limit, checked against Flink 1.20's own EXPLAIN).
 */
const { physicalPlan, explain, job, failure } = plannerProbe(
  `CREATE TABLE t (a INT, b STRING, c BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE out (a INT, c BIGINT) WITH ('connector' = 'print');
CREATE TABLE files (a INT, c BIGINT) WITH ('connector' = 'vault', 'url' = 'v://append-only');`,
);

describe('ORDER BY … LIMIT', () => {
  it('plans ORDER BY … LIMIT … OFFSET as a Rank over the whole result, shown as a SortLimit', () => {
    expect(physicalPlan('SELECT a, c FROM t ORDER BY c DESC, 1 LIMIT 3 OFFSET 2').slice(0, 2)).toEqual([
      'SortLimit(orderBy=[c DESC, a ASC], offset=[2], fetch=[3], strategy=[AppendFastStrategy], changelogMode=[I,UB,UA,D])',
      'Exchange(distribution=[single], changelogMode=[I])',
    ]);
    const rank = job('INSERT INTO out SELECT a, c FROM t ORDER BY c LIMIT 3').vertices.find(
      (v) => v.operator.kind === 'rank',
    );
    expect(rank?.parallelism).toBe(1);
  });

  it('keeps the first rows in arrival order without ORDER BY; takes retractions over an aggregate', () => {
    // Over inserts, rows kept in arrival order are never displaced: insert-only, as Flink's Limit.
    expect(physicalPlan('SELECT a FROM t LIMIT 2')[0]).toBe(
      'Limit(offset=[0], fetch=[2], changelogMode=[I])',
    );
    expect(
      job('INSERT INTO files SELECT a, c FROM t LIMIT 2').vertices.some((v) => v.operator.kind === 'rank'),
    ).toBe(true);
    expect(failure('INSERT INTO files SELECT a, c FROM t ORDER BY c LIMIT 2').message).toContain(
      "doesn't support consuming update",
    );
    expect(physicalPlan('SELECT a, COUNT(*) AS n FROM t GROUP BY a ORDER BY n DESC LIMIT 2')[0]).toContain(
      'SortLimit(orderBy=[n DESC], offset=[0], fetch=[2], strategy=[RetractStrategy]',
    );
  });

  it('draws the logical plan with LogicalSort, as Calcite names the sort directions', () => {
    const ast = (sql: string) => explain(sql).split('== Optimized Physical Plan ==')[0];
    expect(ast('SELECT a, b FROM t ORDER BY a DESC LIMIT 3')).toContain(
      'LogicalSort(sort0=[$0], dir0=[DESC-nulls-last], fetch=[3])\n+- LogicalProject(a=[$0], b=[$1])',
    );
    expect(ast('SELECT a, b FROM t ORDER BY b, a DESC NULLS FIRST LIMIT 3 OFFSET 1')).toContain(
      'LogicalSort(sort0=[$1], dir0=[ASC-nulls-first], sort1=[$0], dir1=[DESC], offset=[1], fetch=[3])',
    );
    expect(ast('SELECT a FROM t LIMIT 2')).toContain('LogicalSort(fetch=[2])\n+- LogicalProject(a=[$0])');
  });

  it('rejects ORDER BY without LIMIT and LIMIT that is not an integer literal', () => {
    expect(failure('EXPLAIN SELECT a FROM t ORDER BY a').message).toBe(
      'ORDER BY without LIMIT is not supported yet',
    );
    expect(failure('EXPLAIN SELECT a FROM t LIMIT 1.5').message).toBe(
      'LIMIT must be a non-negative integer literal',
    );
  });
});
