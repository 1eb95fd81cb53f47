import { describe, expect, it } from 'vitest';
import { plannerProbe } from './__fixtures__/planner-session.js';

/**
 * Every Flink SQL feature weir does not run is rejected when planned, with SQL_UNSUPPORTED and a
 * message that names it (docs/sql.md lists them) — never planned into a wrong answer. Each case
 * is a query Flink accepts, the feature's name as the message must give it, and where it points.
 */
const SETUP = `CREATE TABLE t (a INT, b STRING, c BIGINT, tags ARRAY<STRING>, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE u (a INT, d STRING) WITH ('connector' = 'datagen');`;

const CASES: readonly [sql: string, feature: string, at: string][] = [
  ['SELECT * FROM t ORDER BY a', 'ORDER BY without LIMIT', 'a'],
  ['SELECT * FROM t ORDER BY a + 1 LIMIT 3', 'ORDER BY an expression that is not a column', 'a + 1'],
  ['SELECT * FROM t FETCH FIRST 3 ROWS ONLY', 'FETCH FIRST … ROWS', 'FETCH'],
  ['SELECT a, b, COUNT(*) FROM t GROUP BY GROUPING SETS ((a), (b))', 'GROUPING SETS', 'GROUPING'],
  ['SELECT a, b, COUNT(*) FROM t GROUP BY ROLLUP (a, b)', 'GROUP BY ROLLUP', 'ROLLUP'],
  ['SELECT a, b, COUNT(*) FROM t GROUP BY CUBE (a, b)', 'GROUP BY CUBE', 'CUBE'],
  ['SELECT a, GROUPING(a) FROM t GROUP BY a', 'GROUPING()', 'GROUPING'],
  ['SELECT a FROM t INTERSECT SELECT a FROM u', 'INTERSECT', 'INTERSECT'],
  ['SELECT a FROM t EXCEPT SELECT a FROM u', 'EXCEPT', 'EXCEPT'],
  [
    'SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY a ORDER BY ts MEASURES A.c AS x PATTERN (A B) DEFINE A AS A.c > 0)',
    'MATCH_RECOGNIZE',
    'MATCH_RECOGNIZE',
  ],
  ['SELECT * FROM t NATURAL JOIN u', 'NATURAL JOIN', 'NATURAL'],
  ['SELECT * FROM t JOIN u USING (a)', 'JOIN … USING', 'USING'],
  ['SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.a = t.a)', 'LATERAL', 'LATERAL'],
  ['SELECT * FROM t TABLESAMPLE BERNOULLI(10)', 'TABLESAMPLE', 'TABLESAMPLE'],
  ["SELECT a FROM t /*+ OPTIONS('scan.startup.mode' = 'latest-offset') */", 'SQL hints', '/*+'],
  ['SELECT a FROM t WHERE a = ANY (SELECT a FROM u)', 'Quantified comparison with a subquery (ANY)', 'ANY'],
  ['SELECT a FROM t WHERE a > ALL (SELECT a FROM u)', 'Quantified comparison with a subquery (ALL)', 'ALL'],
  ['SELECT ARRAY[1, 2]', 'ARRAY value constructor', 'ARRAY'],
  ['SELECT MAP[1, 2]', 'MAP value constructor', 'MAP'],
  ['SELECT a FROM t WHERE c > (SELECT AVG(c) FROM u WHERE u.a = t.a)', 'correlated scalar subquery', '('],
  ['SELECT a FROM t WHERE c > (SELECT a FROM u)', 'scalar subquery that may return more than one row', '('],
  [
    'SELECT a, COUNT(*) FROM t GROUP BY a HAVING COUNT(*) > (SELECT COUNT(*) FROM u)',
    'A scalar subquery here',
    '(',
  ],
  [
    'SELECT a FROM t WHERE a > 1 OR a IN (SELECT a FROM u)',
    'IN subquery outside a conjunct of the WHERE clause',
    'a',
  ],
  [
    'SELECT COUNT(DISTINCT c) OVER (PARTITION BY a ORDER BY ts) FROM t',
    'DISTINCT in an OVER aggregate',
    'COUNT',
  ],
  ['SELECT a, LAG(c) OVER (PARTITION BY a ORDER BY ts) FROM t', 'LAG as an OVER window function', 'LAG'],
  [
    'SELECT a, RANK() OVER (PARTITION BY a ORDER BY c) AS r FROM t',
    'RANK() without a filter on its result',
    'RANK',
  ],
  [
    'SELECT * FROM (SELECT a, RANK() OVER (PARTITION BY a ORDER BY c) AS r FROM t) WHERE r <= 3',
    'RANK() on streaming table',
    'RANK',
  ],
  ['SELECT STDDEV_POP(c) FROM t', 'Aggregate function STDDEV_POP', 'STDDEV_POP'],
  ['SELECT CURRENT_WATERMARK(ts) FROM t', 'Function CURRENT_WATERMARK', 'CURRENT_WATERMARK'],
  [
    'SELECT * FROM t CROSS JOIN UNNEST(tags) WITH ORDINALITY AS x(tag, n)',
    'UNNEST … WITH ORDINALITY',
    'WITH',
  ],
  ['SELECT * FROM UNNEST(t.tags) AS x(tag)', 'UNNEST on its own in FROM', 'UNNEST'],
  ['SELECT * FROM t JOIN u FOR SYSTEM_TIME AS OF t.pt ON t.a = u.a', 'Processing-time temporal join', 't.pt'],
];

const { failure } = plannerProbe(SETUP);

describe('unsupported SQL is rejected by name', () => {
  for (const [sql, feature, at] of CASES) {
    it(`${feature}: ${sql}`, () => {
      const err = failure(`EXPLAIN ${sql}`);
      expect(err.code).toBe('SQL_UNSUPPORTED');
      expect(err.message).toContain(feature);
      // The position is in the statement after `EXPLAIN ` and points at the feature.
      const offset = (err.position?.offset ?? -1) - 'EXPLAIN '.length;
      expect(sql.slice(offset, offset + at.length)).toBe(at);
    });
  }
});
