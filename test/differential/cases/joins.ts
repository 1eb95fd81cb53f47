import type { DiffCase } from '../case.js';

/** Inputs for joins, with NULL keys, duplicate keys and keys without a partner on either side. */
export const PRELUDE = `
CREATE VIEW customers AS SELECT * FROM (VALUES
  (1, 'alice', 'NL'),
  (2, 'bob', 'DE'),
  (3, 'carol', 'NL'),
  (4, 'dave', CAST(NULL AS STRING)),
  (5, 'erin', 'FR')
) AS c(cid, cname, country);
CREATE VIEW orders AS SELECT * FROM (VALUES
  (100, 1, 30),
  (101, 2, 15),
  (102, 1, 5),
  (103, 9, 40),
  (104, CAST(NULL AS INT), 8),
  (105, 3, 22),
  (106, 2, 7)
) AS o(oid, cid, amount);
CREATE VIEW countries AS SELECT * FROM (VALUES ('NL', 'Netherlands'), ('DE', 'Germany'), ('US', 'United States')) AS k(code, cname);
`;

const q = (name: string, sql: string): DiffCase => ({ name, sql });

/** Regular joins: inner, outer with NULL padding, over aggregates (retractions), three-way. */
export const JOINS: DiffCase[] = [
  q('inner join', 'SELECT o.oid, c.cname FROM orders AS o JOIN customers AS c ON o.cid = c.cid'),
  q(
    'inner join with non-equi condition',
    'SELECT o.oid, c.cname FROM orders AS o JOIN customers AS c ON o.cid = c.cid AND o.amount > 10',
  ),
  q(
    'left join pads the right side',
    'SELECT o.oid, c.cname, c.country FROM orders AS o LEFT JOIN customers AS c ON o.cid = c.cid',
  ),
  q(
    'right join pads the left side',
    'SELECT o.oid, c.cname FROM orders AS o RIGHT JOIN customers AS c ON o.cid = c.cid',
  ),
  q(
    'full join pads both sides',
    'SELECT o.oid, c.cid, c.cname FROM orders AS o FULL OUTER JOIN customers AS c ON o.cid = c.cid',
  ),
  q(
    'NULL keys never match',
    'SELECT o.oid, c.cid FROM orders AS o LEFT JOIN customers AS c ON o.cid = c.cid WHERE o.cid IS NULL OR c.cid IS NULL',
  ),
  q(
    'join on string keys with NULL',
    'SELECT c.cname, k.cname FROM customers AS c LEFT JOIN countries AS k ON c.country = k.code',
  ),
  q(
    'comma join with WHERE',
    "SELECT o.oid, c.cname FROM orders AS o, customers AS c WHERE o.cid = c.cid AND c.country = 'NL'",
  ),
  q(
    'three-way join',
    'SELECT o.oid, c.cname, k.cname FROM orders AS o JOIN customers AS c ON o.cid = c.cid JOIN countries AS k ON c.country = k.code',
  ),
  q(
    'aggregate over a join',
    'SELECT c.country, COUNT(*), SUM(o.amount) FROM orders AS o JOIN customers AS c ON o.cid = c.cid GROUP BY c.country',
  ),
  q(
    'join of an aggregate (retractions into the join)',
    'SELECT c.cname, t.total FROM (SELECT cid, SUM(amount) AS total FROM orders GROUP BY cid) AS t JOIN customers AS c ON t.cid = c.cid',
  ),
  q(
    'left join of an aggregate',
    'SELECT c.cname, t.n FROM customers AS c LEFT JOIN (SELECT cid, COUNT(*) AS n FROM orders GROUP BY cid) AS t ON c.cid = t.cid',
  ),
  q(
    'aggregate over a left join (retracted NULL padding)',
    'SELECT c.cname, COUNT(o.oid) FROM customers AS c LEFT JOIN orders AS o ON c.cid = o.cid GROUP BY c.cname',
  ),
  q(
    'full join of two aggregates',
    'SELECT a.cid, a.n, b.m FROM (SELECT cid, COUNT(*) AS n FROM orders GROUP BY cid) AS a FULL JOIN (SELECT cid, MAX(cname) AS m FROM customers GROUP BY cid) AS b ON a.cid = b.cid',
  ),
  q('self join', 'SELECT a.oid, b.oid FROM orders AS a JOIN orders AS b ON a.cid = b.cid AND a.oid < b.oid'),
  q(
    'join with projection and filter',
    "SELECT UPPER(c.cname) AS who, o.amount * 2 AS twice FROM orders AS o JOIN customers AS c ON o.cid = c.cid WHERE c.country <> 'DE'",
  ),
];

/**
 * Semi and anti joins: `[NOT] IN` / `[NOT] EXISTS` subqueries in WHERE, correlated and not, with
 * NULLs on both sides (NOT IN's three-valued logic) and retracting inputs on either side.
 */
export const SEMI_ANTI: DiffCase[] = [
  q('IN subquery', 'SELECT o.oid FROM orders AS o WHERE o.cid IN (SELECT cid FROM customers)'),
  q(
    'IN subquery with a filter in it and beside it',
    "SELECT oid, amount FROM orders WHERE cid IN (SELECT cid FROM customers WHERE country = 'NL') AND amount > 10",
  ),
  q(
    'NOT IN over NULL-free columns keeps rows without a match',
    'SELECT cname FROM customers WHERE cid NOT IN (SELECT cid FROM orders WHERE cid IS NOT NULL)',
  ),
  q(
    'NOT IN over a subquery with a NULL returns no rows',
    'SELECT cname FROM customers WHERE cid NOT IN (SELECT cid FROM orders)',
  ),
  q(
    'NOT IN drops a NULL operand once the subquery has rows',
    "SELECT oid FROM orders WHERE cid NOT IN (SELECT cid FROM customers WHERE country = 'NL')",
  ),
  q(
    'NOT IN over an empty subquery keeps every row, NULL operands too',
    'SELECT oid FROM orders WHERE cid NOT IN (SELECT cid FROM customers WHERE cid > 100)',
  ),
  q(
    'IN over string keys with NULL',
    'SELECT cname FROM customers WHERE country IN (SELECT code FROM countries)',
  ),
  q(
    'correlated EXISTS',
    'SELECT c.cname FROM customers AS c WHERE EXISTS (SELECT * FROM orders AS o WHERE o.cid = c.cid)',
  ),
  q(
    'correlated EXISTS with a non-equi condition',
    'SELECT c.cname FROM customers AS c WHERE EXISTS (SELECT 1 FROM orders AS o WHERE o.cid = c.cid AND o.amount > 20)',
  ),
  q(
    'correlated NOT EXISTS',
    'SELECT c.cname FROM customers AS c WHERE NOT EXISTS (SELECT * FROM orders AS o WHERE o.cid = c.cid)',
  ),
  q(
    'NOT EXISTS with a condition on the outer row alone',
    "SELECT c.cname FROM customers AS c WHERE NOT EXISTS (SELECT * FROM orders AS o WHERE o.cid = c.cid AND c.country = 'NL')",
  ),
  q(
    'unqualified names resolve in the subquery first',
    "SELECT oid FROM orders WHERE EXISTS (SELECT 1 FROM countries WHERE code = (CASE WHEN amount > 20 THEN 'NL' ELSE 'DE' END))",
  ),
  q(
    'two subqueries: IN and NOT EXISTS',
    "SELECT o.oid FROM orders AS o WHERE o.cid IN (SELECT cid FROM customers) AND NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.cid = o.cid AND c.country = 'DE')",
  ),
  q(
    'IN over an aggregate (retractions on the right side)',
    'SELECT cname FROM customers WHERE cid IN (SELECT cid FROM orders GROUP BY cid HAVING SUM(amount) > 20)',
  ),
  q(
    'NOT IN over an aggregate (retractions on the right side)',
    'SELECT cname FROM customers WHERE cid NOT IN (SELECT cid FROM orders WHERE cid IS NOT NULL GROUP BY cid HAVING COUNT(*) > 1)',
  ),
  q(
    'semi join of an aggregate (retractions on the left side)',
    "SELECT t.cid, t.total FROM (SELECT cid, SUM(amount) AS total FROM orders GROUP BY cid) AS t WHERE t.cid IN (SELECT cid FROM customers WHERE country = 'NL')",
  ),
  q(
    'anti join of an aggregate (retractions on the left side)',
    'SELECT t.cid, t.n FROM (SELECT cid, COUNT(*) AS n FROM orders GROUP BY cid) AS t WHERE NOT EXISTS (SELECT 1 FROM customers AS c WHERE c.cid = t.cid)',
  ),
  q(
    'aggregate over a semi join',
    'SELECT country, COUNT(*) FROM customers WHERE cid IN (SELECT cid FROM orders) GROUP BY country',
  ),
];

/** Uncorrelated scalar subqueries (a LEFT join ON TRUE with a single-row aggregate), updating as it changes. */
export const SCALAR_SUBQUERIES: DiffCase[] = [
  q(
    'scalar subquery in WHERE: orders above the average',
    'SELECT oid, amount FROM orders WHERE amount > (SELECT AVG(amount) FROM orders)',
  ),
  q(
    'scalar subquery in the SELECT list, beside the columns',
    'SELECT oid, amount, (SELECT MAX(amount) FROM orders) AS top FROM orders WHERE cid IS NOT NULL',
  ),
  q(
    'two scalar subqueries over different tables',
    "SELECT cname FROM customers WHERE cid < (SELECT COUNT(*) FROM orders) AND cid > (SELECT MIN(cid) FROM customers WHERE country = 'NL')",
  ),
  q(
    'a scalar subquery over no rows is NULL',
    'SELECT oid, (SELECT MAX(amount) FROM orders WHERE amount > 1000) AS none FROM orders WHERE oid < 102',
  ),
  q(
    'a scalar subquery next to an IN subquery',
    'SELECT oid FROM orders WHERE cid IN (SELECT cid FROM customers) AND amount >= (SELECT AVG(amount) FROM orders)',
  ),
];

/** ORDER BY … LIMIT and LIMIT (a Top-N over the whole result, at parallelism 1), over inserts and over updates. */
export const LIMITS: DiffCase[] = [
  q('ORDER BY … LIMIT: the largest orders', 'SELECT oid, amount FROM orders ORDER BY amount DESC LIMIT 3'),
  q('ORDER BY … LIMIT … OFFSET, by position', 'SELECT oid, amount FROM orders ORDER BY 2 LIMIT 2 OFFSET 1'),
  q(
    'ORDER BY … LIMIT over an aggregate (updates)',
    'SELECT cid, SUM(amount) AS total FROM orders GROUP BY cid ORDER BY total DESC LIMIT 2',
  ),
  q(
    'ORDER BY a nullable column: NULLs first ascending',
    'SELECT oid, cid FROM orders ORDER BY cid, oid LIMIT 3',
  ),
  q('LIMIT without ORDER BY keeps the first rows of one source', 'SELECT cname FROM customers LIMIT 2'),
];
