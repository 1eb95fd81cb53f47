import type { DiffCase } from '../case.js';

const q = (name: string, sql: string, extra: Partial<DiffCase> = {}): DiffCase => ({ name, sql, ...extra });

/** DECIMAL arithmetic: exact, with Flink's result scales (compared by value). */
export const DECIMALS: DiffCase[] = [
  q('decimal addition', 'SELECT id, m + CAST(0.005 AS DECIMAL(4, 3)), m - 1 FROM nums'),
  q('decimal multiplication', 'SELECT id, m * m FROM nums'),
  q('decimal times integer', 'SELECT id, m * i FROM nums'),
  q('decimal division', 'SELECT id, m / 3 FROM nums'),
  q('decimal division by decimal', 'SELECT id, salary / CAST(7.5 AS DECIMAL(3, 1)) FROM people'),
  q('decimal literal arithmetic', 'SELECT id, 0.1 + 0.2, 1.5 * id FROM people WHERE id < 3'),
  q('decimal comparison with integer', 'SELECT id FROM nums WHERE m > 10'),
  q('decimal mixed with double', 'SELECT id, m + d FROM nums'),
  q(
    'decimal negative rounding',
    'SELECT CAST(x AS DECIMAL(5, 0)) FROM (VALUES (CAST(-2.5 AS DECIMAL(3, 1))), (CAST(2.5 AS DECIMAL(3, 1))), (CAST(-2.4 AS DECIMAL(3, 1)))) AS t(x)',
  ),
  q('decimal ROUND', 'SELECT id, ROUND(m, 1), ROUND(m, 0) FROM nums'),
  q('decimal FLOOR and CEIL', 'SELECT id, FLOOR(m), CEIL(m) FROM nums'),
  q('decimal ABS', 'SELECT id, ABS(m) FROM nums'),
  q('decimal modulo', 'SELECT id, MOD(m, CAST(3 AS DECIMAL(8, 3))) FROM nums WHERE id <> 4'),
  q('double arithmetic', 'SELECT id, d * 2 + 1, d / 4 FROM nums'),
  q('double functions', 'SELECT id, SQRT(ABS(d)), POWER(d, 2) FROM nums'),
  q('integer ABS', 'SELECT id, ABS(i), ABS(-id) FROM nums'),
  q('GREATEST and LEAST', 'SELECT id, GREATEST(i, 5, id), LEAST(i, 5, id) FROM nums'),
];

/** String functions. */
export const STRINGS: DiffCase[] = [
  q('UPPER and LOWER', 'SELECT id, UPPER(name), LOWER(name) FROM people'),
  q('CHAR_LENGTH', 'SELECT id, CHAR_LENGTH(name), CHARACTER_LENGTH(dept) FROM people'),
  q('SUBSTRING from', 'SELECT id, SUBSTRING(name, 2) FROM people'),
  q('SUBSTRING from for', 'SELECT id, SUBSTRING(name, 2, 3), SUBSTR(name, 1, 1) FROM people'),
  q('concatenation operator', "SELECT id, name || '@' || dept FROM people"),
  q('CONCAT', "SELECT id, CONCAT(name, '-', dept) FROM people"),
  q('CONCAT_WS skips NULL', "SELECT id, CONCAT_WS('/', name, dept, 'x') FROM people"),
  q('TRIM', "SELECT CONCAT('[', TRIM(x), ']') FROM (VALUES ('  a  '), ('b '), (' c')) AS t(x)"),
  q('REPLACE', "SELECT id, REPLACE(name, 'a', 'A') FROM people"),
  q('LPAD and RPAD', "SELECT id, LPAD(name, 6, '*'), RPAD(name, 3, '.') FROM people"),
  q('LEFT and RIGHT', 'SELECT id, LEFT(name, 2), RIGHT(name, 2) FROM people'),
  q('INITCAP', "SELECT INITCAP(x) FROM (VALUES ('hello world'), ('FLINK sql'), ('a-b c')) AS t(x)"),
  q('SPLIT_INDEX', "SELECT SPLIT_INDEX(x, ',', 1) FROM (VALUES ('a,b,c'), ('x'), ('p,q')) AS t(x)"),
  q(
    'LIKE with escape',
    "SELECT x FROM (VALUES ('10%'), ('100'), ('1%0')) AS t(x) WHERE x LIKE '1_!%' ESCAPE '!'",
  ),
  q('string comparison', "SELECT name FROM people WHERE name > 'Dan'"),
  q('string equality is case-sensitive', "SELECT id FROM people WHERE dept = 'sales'"),
];

/** Dates and timestamps. */
export const TEMPORAL: DiffCase[] = [
  q(
    'DATE literal compare',
    "SELECT d FROM (VALUES (DATE '2024-01-31'), (DATE '2024-03-01')) AS t(d) WHERE d > DATE '2024-02-01'",
  ),
  q(
    'DATE_FORMAT',
    "SELECT DATE_FORMAT(ts, 'yyyy/MM/dd HH:mm:ss') FROM (VALUES (TIMESTAMP '2024-02-29 13:45:07'), (TIMESTAMP '1969-12-31 23:00:01')) AS t(ts)",
  ),
  q(
    'HOUR MINUTE SECOND',
    "SELECT HOUR(ts), MINUTE(ts), SECOND(ts) FROM (VALUES (TIMESTAMP '2024-02-29 13:45:07'), (TIMESTAMP '2000-01-01 00:00:59')) AS t(ts)",
  ),
  q(
    'timestamp plus interval',
    "SELECT ts + INTERVAL '90' MINUTE FROM (VALUES (TIMESTAMP '2024-02-29 23:00:00'), (TIMESTAMP '2024-12-31 23:59:59')) AS t(ts)",
  ),
  q(
    'date plus interval days',
    "SELECT d + INTERVAL '2' DAY FROM (VALUES (DATE '2024-02-28'), (DATE '2023-12-31')) AS t(d)",
  ),
  q(
    'timestamp minus interval',
    "SELECT ts - INTERVAL '1' SECOND FROM (VALUES (TIMESTAMP '2024-01-01 00:00:00')) AS t(ts)",
  ),
  q(
    'timestamp comparison',
    "SELECT id FROM (VALUES (1, TIMESTAMP '2024-01-01 10:00:00'), (2, TIMESTAMP '2024-01-01 09:59:59.999')) AS t(id, ts) WHERE ts >= TIMESTAMP '2024-01-01 10:00:00'",
  ),
  q(
    'date to string',
    "SELECT CAST(d AS STRING) FROM (VALUES (DATE '2024-02-29'), (DATE '0999-01-05')) AS t(d)",
  ),
  q(
    'timestamp to date',
    "SELECT CAST(ts AS DATE) FROM (VALUES (TIMESTAMP '2024-02-29 23:59:59'), (TIMESTAMP '1969-12-31 00:00:01')) AS t(ts)",
  ),
];
