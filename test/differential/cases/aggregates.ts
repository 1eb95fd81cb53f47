import type { DiffCase } from '../case.js';

const q = (name: string, sql: string, extra: Partial<DiffCase> = {}): DiffCase => ({ name, sql, ...extra });

/** Extra inputs for aggregation: a click stream with repeated keys. */
export const PRELUDE = `
CREATE VIEW clicks AS SELECT * FROM (VALUES
  ('alice', 'home', 1, CAST(0.50 AS DECIMAL(6, 2))),
  ('bob', 'cart', 2, CAST(1.25 AS DECIMAL(6, 2))),
  ('alice', 'cart', 3, CAST(2.00 AS DECIMAL(6, 2))),
  ('carol', 'home', 4, CAST(NULL AS DECIMAL(6, 2))),
  ('bob', 'home', 5, CAST(0.75 AS DECIMAL(6, 2))),
  ('alice', 'pay', 6, CAST(9.99 AS DECIMAL(6, 2))),
  ('dave', CAST(NULL AS STRING), 7, CAST(3.00 AS DECIMAL(6, 2))),
  ('bob', 'cart', 8, CAST(1.25 AS DECIMAL(6, 2))),
  ('alice', 'home', 9, CAST(0.50 AS DECIMAL(6, 2))),
  ('erin', 'pay', 10, CAST(4.40 AS DECIMAL(6, 2)))
) AS c(usr, page, seq, amount);
CREATE VIEW no_people AS SELECT * FROM people WHERE id < 0;
`;

/** Group aggregation: every function, NULLs, HAVING, expressions over aggregates. */
export const GROUP: DiffCase[] = [
  q('COUNT star by key', 'SELECT usr, COUNT(*) FROM clicks GROUP BY usr'),
  q('COUNT column skips NULL', 'SELECT usr, COUNT(amount), COUNT(page) FROM clicks GROUP BY usr'),
  q('SUM of integers', 'SELECT usr, SUM(seq) FROM clicks GROUP BY usr'),
  q('SUM of decimals with NULL', 'SELECT usr, SUM(amount) FROM clicks GROUP BY usr'),
  q('SUM of only NULLs is NULL', "SELECT page, SUM(amount) FROM clicks WHERE usr = 'carol' GROUP BY page"),
  q('AVG of integers truncates', 'SELECT usr, AVG(seq) FROM clicks GROUP BY usr'),
  q('AVG of decimals', 'SELECT usr, AVG(amount) FROM clicks GROUP BY usr'),
  q('AVG of doubles', 'SELECT usr, AVG(CAST(seq AS DOUBLE)) FROM clicks GROUP BY usr'),
  q(
    'MIN and MAX numbers',
    'SELECT usr, MIN(seq), MAX(seq), MIN(amount), MAX(amount) FROM clicks GROUP BY usr',
  ),
  q('MIN and MAX strings', 'SELECT usr, MIN(page), MAX(page) FROM clicks GROUP BY usr'),
  q('FIRST_VALUE and LAST_VALUE', 'SELECT usr, FIRST_VALUE(page), LAST_VALUE(page) FROM clicks GROUP BY usr'),
  q(
    'FIRST_VALUE skips NULL',
    'SELECT page, FIRST_VALUE(amount), LAST_VALUE(amount) FROM clicks GROUP BY page',
  ),
  q('LISTAGG default separator', 'SELECT usr, LISTAGG(page) FROM clicks GROUP BY usr'),
  q('LISTAGG with separator', "SELECT usr, LISTAGG(page, ' > ') FROM clicks GROUP BY usr"),
  q('group by NULL key', 'SELECT page, COUNT(*) FROM clicks GROUP BY page'),
  q('group by two keys', 'SELECT usr, page, COUNT(*), SUM(seq) FROM clicks GROUP BY usr, page'),
  q(
    'group by expression',
    'SELECT MOD(seq, 3) AS bucket, COUNT(*), MAX(usr) FROM clicks GROUP BY MOD(seq, 3)',
  ),
  q('group by column not selected', 'SELECT COUNT(*), SUM(seq) FROM clicks GROUP BY usr'),
  q('global aggregate', 'SELECT COUNT(*), SUM(seq), MIN(usr), MAX(amount), AVG(seq) FROM clicks'),
  q('global COUNT DISTINCT', 'SELECT COUNT(DISTINCT usr), COUNT(DISTINCT page) FROM clicks'),
  q('HAVING', 'SELECT usr, COUNT(*) FROM clicks GROUP BY usr HAVING COUNT(*) > 1'),
  q('HAVING on other aggregate', 'SELECT usr FROM clicks GROUP BY usr HAVING SUM(seq) >= 10'),
  q('HAVING without GROUP BY', 'SELECT COUNT(*) FROM clicks HAVING COUNT(*) > 5'),
  q(
    'expression over aggregates',
    'SELECT usr, SUM(seq) * 2 + COUNT(*), MAX(seq) - MIN(seq) FROM clicks GROUP BY usr',
  ),
  q('aggregate of expression', "SELECT usr, SUM(seq * 10), MAX(CONCAT(page, '!')) FROM clicks GROUP BY usr"),
  q(
    'CASE over aggregate',
    "SELECT usr, CASE WHEN COUNT(*) > 2 THEN 'heavy' ELSE 'light' END FROM clicks GROUP BY usr",
  ),
  q('aggregate with WHERE', "SELECT usr, COUNT(*) FROM clicks WHERE page <> 'home' GROUP BY usr"),
  q('group by decimal key', 'SELECT amount, COUNT(*) FROM clicks GROUP BY amount'),
  q('group by boolean key', 'SELECT seq > 5, COUNT(*), SUM(seq) FROM clicks GROUP BY seq > 5'),
  q(
    'aggregates over people',
    'SELECT dept, COUNT(*), AVG(age), SUM(salary), MAX(name) FROM people GROUP BY dept',
  ),
  q('grouping key only', 'SELECT dept FROM people GROUP BY dept'),
  q(
    'many aggregates at once',
    'SELECT usr, COUNT(*), COUNT(page), SUM(seq), AVG(seq), MIN(seq), MAX(seq), FIRST_VALUE(seq), LAST_VALUE(seq) FROM clicks GROUP BY usr',
  ),
];

/** DISTINCT aggregates, FILTER clauses, SELECT DISTINCT. */
export const DISTINCT_FILTER: DiffCase[] = [
  q('COUNT DISTINCT by key', 'SELECT usr, COUNT(DISTINCT page) FROM clicks GROUP BY usr'),
  q('SUM DISTINCT', 'SELECT usr, SUM(DISTINCT amount), SUM(amount) FROM clicks GROUP BY usr'),
  q('AVG DISTINCT', 'SELECT usr, AVG(DISTINCT seq) FROM clicks GROUP BY usr'),
  q('MAX DISTINCT', 'SELECT usr, MAX(DISTINCT amount) FROM clicks GROUP BY usr'),
  q('COUNT FILTER', "SELECT usr, COUNT(*) FILTER (WHERE page = 'home'), COUNT(*) FROM clicks GROUP BY usr"),
  q('SUM FILTER', "SELECT usr, SUM(seq) FILTER (WHERE page = 'cart') FROM clicks GROUP BY usr"),
  q('FILTER with NULL condition', 'SELECT usr, COUNT(*) FILTER (WHERE amount > 1) FROM clicks GROUP BY usr'),
  q(
    'DISTINCT with FILTER',
    'SELECT usr, COUNT(DISTINCT page) FILTER (WHERE seq > 2) FROM clicks GROUP BY usr',
  ),
  q(
    'DISTINCT calls sharing an argument, with and without FILTER (q15/q16 shape)',
    'SELECT usr, COUNT(DISTINCT page), COUNT(DISTINCT page) FILTER (WHERE seq > 2), ' +
      'COUNT(DISTINCT page) FILTER (WHERE seq <= 2), MAX(DISTINCT page) FILTER (WHERE amount > 1), COUNT(DISTINCT seq) FROM clicks GROUP BY usr',
  ),
  q(
    'global FILTER',
    "SELECT COUNT(*) FILTER (WHERE usr = 'alice'), SUM(seq) FILTER (WHERE usr <> 'alice') FROM clicks",
  ),
  q('SELECT DISTINCT one column', 'SELECT DISTINCT usr FROM clicks'),
  q('SELECT DISTINCT two columns', 'SELECT DISTINCT usr, page FROM clicks'),
  q('SELECT DISTINCT with NULLs', 'SELECT DISTINCT page FROM clicks'),
  q('SELECT DISTINCT expression', 'SELECT DISTINCT MOD(seq, 4) FROM clicks'),
  q('SELECT DISTINCT over aggregate', 'SELECT DISTINCT COUNT(*) FROM clicks GROUP BY usr'),
];

/** Aggregates over aggregates: the inner one retracts, the outer retracts its retractions. */
export const RETRACTIONS: DiffCase[] = [
  q(
    'count of counts',
    'SELECT cnt, COUNT(*) FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr) GROUP BY cnt',
  ),
  q('sum of sums', 'SELECT SUM(total) FROM (SELECT usr, SUM(seq) AS total FROM clicks GROUP BY usr)'),
  q('max of counts', 'SELECT MAX(cnt), MIN(cnt) FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr)'),
  q(
    'avg of sums by page',
    'SELECT page, AVG(total) FROM (SELECT usr, page, SUM(seq) AS total FROM clicks GROUP BY usr, page) GROUP BY page',
  ),
  q(
    'three levels',
    'SELECT c2, COUNT(*) FROM (SELECT cnt, COUNT(*) AS c2 FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr) GROUP BY cnt) GROUP BY c2',
  ),
  q(
    'filter over aggregate',
    'SELECT usr, cnt FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr) WHERE cnt >= 2',
  ),
  q(
    'count distinct over aggregate',
    'SELECT COUNT(DISTINCT cnt) FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr)',
  ),
  q(
    'shared DISTINCT calls over a retracting input',
    'SELECT COUNT(DISTINCT cnt), COUNT(DISTINCT cnt) FILTER (WHERE cnt > 1), SUM(DISTINCT cnt) FILTER (WHERE cnt < 3) ' +
      'FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr)',
  ),
  q(
    'LISTAGG-free string max over aggregate',
    'SELECT cnt, MAX(usr), MIN(usr) FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr) GROUP BY cnt',
  ),
  q(
    'decimal sum over aggregate',
    'SELECT cnt, SUM(spent) FROM (SELECT usr, COUNT(*) AS cnt, SUM(amount) AS spent FROM clicks GROUP BY usr) GROUP BY cnt',
  ),
  q(
    'aggregate over filtered aggregate with HAVING',
    'SELECT COUNT(*) FROM (SELECT usr FROM clicks GROUP BY usr HAVING COUNT(*) > 1)',
  ),
  q(
    'distinct over aggregate',
    'SELECT DISTINCT cnt FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr)',
  ),
  q(
    'COUNT FILTER over aggregate',
    'SELECT COUNT(*) FILTER (WHERE cnt > 1), COUNT(*) FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr)',
  ),
];

/** Empty inputs: a streaming aggregate over nothing emits nothing, not a row of zeros. */
export const EMPTY: DiffCase[] = [
  q('projection of empty input', 'SELECT name FROM no_people'),
  q('group aggregate of empty input', 'SELECT dept, COUNT(*) FROM no_people GROUP BY dept'),
  q('global aggregate of empty input emits nothing', 'SELECT COUNT(*), SUM(age) FROM no_people'),
  q('everything filtered after aggregate', 'SELECT usr FROM clicks GROUP BY usr HAVING COUNT(*) > 100'),
  q('union with an empty side', 'SELECT id FROM no_people UNION ALL SELECT id FROM people WHERE id < 3'),
  q('distinct of empty input', 'SELECT DISTINCT dept FROM no_people'),
  q(
    'aggregate over empty aggregate',
    'SELECT COUNT(*) FROM (SELECT dept, COUNT(*) AS c FROM no_people GROUP BY dept)',
  ),
];

/** VALUES and UNION. */
export const VALUES_UNION: DiffCase[] = [
  q('VALUES column names', 'SELECT * FROM (VALUES (1, 2), (3, 4))'),
  q(
    'VALUES with NULL and expressions',
    "SELECT * FROM (VALUES (1 + 1, UPPER('a')), (CAST(NULL AS INT), 'b' || 'c')) AS t(n, s)",
  ),
  q('VALUES of mixed numeric types', 'SELECT x * 2 FROM (VALUES (1), (2.5), (3)) AS t(x)'),
  q(
    'VALUES of strings of different lengths',
    "SELECT x, CHAR_LENGTH(x) FROM (VALUES ('a'), ('bbb'), ('cc')) AS t(x)",
  ),
  q('VALUES single row', "SELECT * FROM (VALUES (42, 'only')) AS t(a, b)"),
  q('VALUES with duplicates', 'SELECT x, COUNT(*) FROM (VALUES (1), (1), (2), (1)) AS t(x) GROUP BY x'),
  q(
    'VALUES of booleans and dates',
    "SELECT * FROM (VALUES (TRUE, DATE '2024-01-01'), (FALSE, DATE '2024-12-31')) AS t(b, d)",
  ),
  q('UNION ALL of two tables', 'SELECT usr AS who FROM clicks UNION ALL SELECT name FROM people'),
  q('UNION ALL keeps duplicates', 'SELECT dept FROM people UNION ALL SELECT dept FROM people'),
  q(
    'UNION ALL of three',
    'SELECT 1 AS n FROM people WHERE id = 1 UNION ALL SELECT 2 FROM people WHERE id = 2 UNION ALL SELECT id FROM people',
  ),
  q('UNION ALL with type widening', 'SELECT id FROM people UNION ALL SELECT m FROM nums'),
  q(
    'UNION ALL of aggregates (retractions from two inputs)',
    'SELECT usr, COUNT(*) FROM clicks GROUP BY usr UNION ALL SELECT dept, COUNT(*) FROM people GROUP BY dept',
  ),
  q(
    'aggregate over UNION ALL',
    'SELECT x, COUNT(*) FROM (SELECT usr AS x FROM clicks UNION ALL SELECT name FROM people) GROUP BY x',
  ),
  q(
    'aggregate over UNION ALL of aggregates',
    'SELECT SUM(c) FROM (SELECT COUNT(*) AS c FROM clicks GROUP BY usr UNION ALL SELECT COUNT(*) FROM people GROUP BY dept)',
  ),
  q(
    'UNION ALL of global and keyed aggregates',
    'SELECT CAST(NULL AS STRING) AS k, COUNT(*) AS c FROM clicks UNION ALL SELECT usr, COUNT(*) FROM clicks GROUP BY usr',
  ),
  q('UNION distinct', 'SELECT dept FROM people UNION SELECT page FROM clicks'),
  q(
    'UNION distinct of two columns',
    'SELECT usr, page FROM clicks UNION SELECT usr, page FROM clicks WHERE seq > 3',
  ),
  q(
    'UNION ALL then filter',
    'SELECT * FROM (SELECT id, name FROM people UNION ALL SELECT seq, usr FROM clicks) AS u WHERE id > 6',
  ),
  q(
    'VALUES in UNION ALL',
    "SELECT name FROM people UNION ALL SELECT * FROM (VALUES ('zed'), ('yan')) AS v(n)",
  ),
  q(
    'WITH and UNION ALL',
    'WITH a AS (SELECT id FROM people WHERE id < 3), b AS (SELECT seq AS id FROM clicks WHERE seq > 8) SELECT * FROM a UNION ALL SELECT * FROM b',
  ),
];

/**
 * A hot key: most rows share one group, and some are retracted again (a nested aggregate), the
 * case mini-batch and two-phase aggregation are for.
 */
export const SKEW: DiffCase[] = [
  q(
    'one hot key among cold ones',
    "SELECT k, COUNT(*), SUM(n), MIN(n), MAX(n), AVG(n) FROM (SELECT CASE WHEN MOD(seq, 5) = 0 THEN usr ELSE 'hot' END AS k, seq AS n FROM clicks) GROUP BY k",
  ),
  q(
    'hot key over a retracting input',
    "SELECT hot, COUNT(*), SUM(cnt), AVG(cnt) FROM (SELECT usr, usr <> 'erin' AS hot, COUNT(*) AS cnt FROM clicks GROUP BY usr) GROUP BY hot",
  ),
  q(
    'global aggregate of a hot key, with FILTER and NULLs',
    "SELECT COUNT(*), COUNT(amount), SUM(amount) FILTER (WHERE usr = 'alice'), AVG(seq), MAX(page) FROM clicks",
  ),
  q(
    'two-phase falls back to one phase for DISTINCT',
    "SELECT 'all' AS k, COUNT(DISTINCT usr), COUNT(*) FROM clicks GROUP BY 'all'",
  ),
];

/** Distinct aggregates that 'table.optimizer.distinct-agg.split.enabled' splits in two levels. */
export const DISTINCT_SPLIT: DiffCase[] = [
  q('global COUNT DISTINCT of one column', 'SELECT COUNT(DISTINCT usr), COUNT(*), SUM(seq) FROM clicks'),
  q(
    'COUNT DISTINCT with NULLs, MIN and MAX by key',
    'SELECT usr, COUNT(DISTINCT page), MIN(DISTINCT page), MAX(seq), COUNT(page) FROM clicks GROUP BY usr',
  ),
  q(
    'SUM DISTINCT of decimals by a hot key',
    "SELECT k, SUM(DISTINCT amount), SUM(amount), COUNT(DISTINCT amount) FROM (SELECT CASE WHEN seq < 9 THEN 'hot' ELSE usr END AS k, amount FROM clicks) GROUP BY k",
  ),
  q(
    'COUNT DISTINCT over a retracting input',
    'SELECT COUNT(DISTINCT cnt), SUM(cnt) FROM (SELECT usr, COUNT(*) AS cnt FROM clicks GROUP BY usr)',
  ),
];
