import { describe, expect, it } from 'vitest';
import { plannerProbe } from './__fixtures__/planner-session.js';

/**
 * ORDER BY … LIMIT and LIMIT in a streaming query: a Top-N over the whole result (Flink's SortLimit
 * and Limit rank the rows the same way), a Rank without partition keys at parallelism 1.
 */
const { physicalPlan, job, failure } = plannerProbe(
  `CREATE TABLE t (a INT, b STRING, c BIGINT) WITH ('connector' = 'datagen');
CREATE TABLE out (a INT, c BIGINT) WITH ('connector' = 'print');`,
);

describe('ORDER BY … LIMIT', () => {
  it('plans ORDER BY … LIMIT … OFFSET as a Rank over the whole result', () => {
    expect(physicalPlan('SELECT a, c FROM t ORDER BY c DESC, 1 LIMIT 3 OFFSET 2').slice(0, 2)).toEqual([
      'Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=3, rankEnd=5], partitionBy=[], orderBy=[c DESC, a ASC], select=[a, c], changelogMode=[I,UB,UA,D])',
      'Exchange(distribution=[single], changelogMode=[I])',
    ]);
    const rank = job('INSERT INTO out SELECT a, c FROM t ORDER BY c LIMIT 3').vertices.find(
      (v) => v.operator.kind === 'rank',
    );
    expect(rank?.parallelism).toBe(1);
  });

  it('keeps the first rows in arrival order without ORDER BY; takes retractions over an aggregate', () => {
    expect(physicalPlan('SELECT a FROM t LIMIT 2')[0]).toContain(
      'rankRange=[rankStart=1, rankEnd=2], partitionBy=[], orderBy=[]',
    );
    expect(physicalPlan('SELECT a, COUNT(*) AS n FROM t GROUP BY a ORDER BY n DESC LIMIT 2')[0]).toContain(
      'Rank(strategy=[RetractStrategy]',
    );
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
