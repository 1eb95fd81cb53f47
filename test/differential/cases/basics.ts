import type { DiffCase } from '../case.js';

/** Input views shared by the cases in this file. */
export const PRELUDE = `
CREATE VIEW people AS SELECT * FROM (VALUES
  (1, 'Alice', 'eng', 34, CAST(1200.50 AS DECIMAL(10, 2))),
  (2, 'Bob', 'eng', 28, CAST(980.00 AS DECIMAL(10, 2))),
  (3, 'Carol', 'ops', 45, CAST(1500.25 AS DECIMAL(10, 2))),
  (4, 'Dan', CAST(NULL AS STRING), 51, CAST(NULL AS DECIMAL(10, 2))),
  (5, 'Eve', 'ops', CAST(NULL AS INT), CAST(700.75 AS DECIMAL(10, 2))),
  (6, 'Frank', 'eng', 28, CAST(980.00 AS DECIMAL(10, 2))),
  (7, 'Grace', 'sales', 39, CAST(2100.10 AS DECIMAL(10, 2))),
  (8, 'heidi', 'Sales', 23, CAST(450.00 AS DECIMAL(10, 2)))
) AS t(id, name, dept, age, salary);
CREATE VIEW flags AS SELECT * FROM (VALUES
  (1, TRUE, CAST(NULL AS BOOLEAN)),
  (2, FALSE, TRUE),
  (3, CAST(NULL AS BOOLEAN), FALSE),
  (4, TRUE, TRUE),
  (5, CAST(NULL AS BOOLEAN), CAST(NULL AS BOOLEAN)),
  (6, FALSE, FALSE)
) AS f(id, p, q);
CREATE VIEW nums AS SELECT * FROM (VALUES
  (1, 10, CAST(2.5 AS DOUBLE), CAST(10.125 AS DECIMAL(8, 3))),
  (2, -7, CAST(-0.5 AS DOUBLE), CAST(-3.5 AS DECIMAL(8, 3))),
  (3, 0, CAST(100 AS DOUBLE), CAST(0.001 AS DECIMAL(8, 3))),
  (4, CAST(NULL AS INT), CAST(NULL AS DOUBLE), CAST(NULL AS DECIMAL(8, 3))),
  (5, 123456, CAST(1.25 AS DOUBLE), CAST(99999.999 AS DECIMAL(8, 3)))
) AS n(id, i, d, m);
`;

const q = (name: string, sql: string, extra: Partial<DiffCase> = {}): DiffCase => ({ name, sql, ...extra });

/** Projections and filters. */
const PROJECT_FILTER: DiffCase[] = [
  q('select star', 'SELECT * FROM people'),
  q('select columns reordered', 'SELECT name, id FROM people'),
  q('select expression with alias', 'SELECT id * 10 AS tens, name FROM people'),
  q('same column twice', 'SELECT id, id AS id2, id + id FROM people'),
  q('constant columns', "SELECT 'x' AS c, 42 AS n, id FROM people"),
  q('filter equality', 'SELECT * FROM people WHERE id = 3'),
  q('filter range', 'SELECT name FROM people WHERE age >= 30 AND age < 50'),
  q('filter OR', "SELECT name FROM people WHERE dept = 'ops' OR age > 50"),
  q('filter NOT', "SELECT name FROM people WHERE NOT (dept = 'eng')"),
  q('filter nothing passes', 'SELECT * FROM people WHERE id > 100'),
  q('filter everything passes', 'SELECT id FROM people WHERE id > 0'),
  q('filter BETWEEN', 'SELECT id FROM people WHERE age BETWEEN 28 AND 39'),
  q('filter NOT BETWEEN', 'SELECT id FROM people WHERE age NOT BETWEEN 28 AND 39'),
  q('filter IN list', "SELECT id FROM people WHERE name IN ('Alice', 'Eve', 'Nobody')"),
  q('filter NOT IN list', 'SELECT id FROM people WHERE id NOT IN (1, 2, 3)'),
  q('filter LIKE prefix', "SELECT name FROM people WHERE name LIKE 'A%'"),
  q('filter LIKE underscore', "SELECT name FROM people WHERE name LIKE '_ve'"),
  q('filter NOT LIKE', "SELECT name FROM people WHERE name NOT LIKE '%a%'"),
  q('filter on decimal', 'SELECT name FROM people WHERE salary > 1000'),
  q('filter on expression', 'SELECT id FROM people WHERE MOD(id, 2) = 0'),
  q('nested subquery projection', 'SELECT x + 1 AS y FROM (SELECT id * 2 AS x FROM people) AS s WHERE x > 4'),
  q(
    'view over view',
    'SELECT * FROM (SELECT name, age FROM people WHERE age IS NOT NULL) AS a WHERE age < 40',
  ),
  q('WITH clause', 'WITH young AS (SELECT * FROM people WHERE age < 35) SELECT name FROM young'),
  q('WITH column list', 'WITH p (a, b) AS (SELECT id, name FROM people) SELECT b, a FROM p WHERE a > 5'),
  q('qualified columns', 'SELECT p.id, p.name FROM people AS p WHERE p.id < 3'),
  q('arithmetic precedence', 'SELECT id + 2 * 3, (id + 2) * 3, id - 1 - 1 FROM people'),
  q('integer division and modulo', 'SELECT id / 3, id % 3, -id / 2 FROM people'),
  q('unary minus', 'SELECT -id, -(-id) FROM people'),
];

/** NULL and three-valued logic. */
const NULLS: DiffCase[] = [
  q('IS NULL', 'SELECT id FROM people WHERE dept IS NULL'),
  q('IS NOT NULL', 'SELECT id FROM people WHERE age IS NOT NULL'),
  q('NULL comparison drops rows', 'SELECT id FROM people WHERE age > 0 OR age <= 0'),
  q('AND truth table', 'SELECT id, p AND q FROM flags'),
  q('OR truth table', 'SELECT id, p OR q FROM flags'),
  q('NOT of NULL', 'SELECT id, NOT p FROM flags'),
  q('IS TRUE / IS FALSE', 'SELECT id, p IS TRUE, p IS FALSE, p IS NOT TRUE FROM flags'),
  q('IS UNKNOWN', 'SELECT id FROM flags WHERE (p AND q) IS UNKNOWN'),
  q('WHERE on boolean column', 'SELECT id FROM flags WHERE p'),
  q('WHERE NOT boolean column', 'SELECT id FROM flags WHERE NOT q'),
  q('arithmetic with NULL', 'SELECT id, age + 1, salary * 2 FROM people'),
  q('concat with NULL', "SELECT id, dept || '-x' FROM people"),
  q('COALESCE', "SELECT id, COALESCE(dept, 'none') FROM people"),
  q('COALESCE of several', 'SELECT id, COALESCE(CAST(NULL AS INT), age, 0) FROM people'),
  q('NULLIF', "SELECT id, NULLIF(dept, 'eng') FROM people"),
  q('IN list with NULL item', 'SELECT id, age IN (28, CAST(NULL AS INT)) FROM people'),
  q(
    'NOT IN list with NULL item is never true',
    'SELECT id FROM people WHERE age NOT IN (28, CAST(NULL AS INT))',
  ),
  q('comparison of NULL literal', 'SELECT id, age = CAST(NULL AS INT) FROM people'),
];

/** CASE and IF. */
const CONDITIONALS: DiffCase[] = [
  q(
    'searched CASE',
    "SELECT id, CASE WHEN age < 30 THEN 'young' WHEN age < 45 THEN 'mid' ELSE 'senior' END FROM people",
  ),
  q('searched CASE without ELSE', "SELECT id, CASE WHEN age < 30 THEN 'young' END FROM people"),
  q('simple CASE', "SELECT id, CASE dept WHEN 'eng' THEN 1 WHEN 'ops' THEN 2 ELSE 0 END FROM people"),
  q('simple CASE with NULL operand', "SELECT id, CASE dept WHEN 'eng' THEN 'E' ELSE 'other' END FROM people"),
  q('CASE with NULL condition', 'SELECT id, CASE WHEN p THEN 1 WHEN q THEN 2 ELSE 3 END FROM flags'),
  q('CASE returning numbers of two types', 'SELECT id, CASE WHEN id > 3 THEN 1 ELSE 2.5 END FROM people'),
  q('CASE in WHERE', "SELECT id FROM people WHERE CASE WHEN dept = 'eng' THEN age > 30 ELSE age < 40 END"),
  q('IF function', "SELECT id, IF(age > 30, 'old', 'young') FROM people"),
  q(
    'nested CASE',
    "SELECT id, CASE WHEN id < 4 THEN CASE WHEN id = 1 THEN 'one' ELSE 'few' END ELSE 'many' END FROM people",
  ),
];

/** CAST and TRY_CAST. */
const CASTS: DiffCase[] = [
  q('int to string', 'SELECT id, CAST(id AS STRING) FROM people'),
  q('string to int', "SELECT CAST(x AS INT) + 1 FROM (VALUES ('1'), ('42'), ('-7')) AS t(x)"),
  q(
    'TRY_CAST bad string is NULL',
    "SELECT x, TRY_CAST(x AS INT) FROM (VALUES ('12'), ('abc'), ('3.5')) AS t(x)",
  ),
  q('decimal to int truncates', 'SELECT id, CAST(salary AS INT) FROM people'),
  q('double to int truncates', 'SELECT id, CAST(d AS INT) FROM nums'),
  q('int to double', 'SELECT id, CAST(i AS DOUBLE) / 4 FROM nums'),
  q('int to decimal', 'SELECT id, CAST(i AS DECIMAL(12, 2)) FROM nums'),
  q('decimal rescale rounds half up', 'SELECT id, CAST(m AS DECIMAL(10, 1)) FROM nums'),
  q('decimal to string keeps scale', 'SELECT id, CAST(salary AS STRING) FROM people'),
  q('boolean to string', 'SELECT id, CAST(p AS STRING) FROM flags'),
  q('string to boolean', "SELECT x, CAST(x AS BOOLEAN) FROM (VALUES ('true'), ('FALSE'), ('True')) AS t(x)"),
  q('string to date', "SELECT CAST(x AS DATE) FROM (VALUES ('2024-02-29'), ('1999-12-31')) AS t(x)"),
  q(
    'string to timestamp',
    "SELECT CAST(x AS TIMESTAMP(3)) FROM (VALUES ('2024-02-29 13:45:01.250'), ('2000-01-01 00:00:00')) AS t(x)",
  ),
  q(
    'string to decimal',
    "SELECT CAST(x AS DECIMAL(6, 2)) FROM (VALUES ('1.005'), ('-2.5'), ('100')) AS t(x)",
  ),
  q('string to double', "SELECT CAST(x AS DOUBLE) * 2 FROM (VALUES ('1.5'), ('-0.25')) AS t(x)"),
  q('cast NULL', 'SELECT id, CAST(dept AS VARCHAR(3)) FROM people'),
  q('varchar truncation', 'SELECT id, CAST(name AS VARCHAR(3)) FROM people'),
  q('int to bigint arithmetic', 'SELECT id, CAST(i AS BIGINT) * 1000000 FROM nums'),
];

export const CASES: DiffCase[] = [...PROJECT_FILTER, ...NULLS, ...CONDITIONALS, ...CASTS];
