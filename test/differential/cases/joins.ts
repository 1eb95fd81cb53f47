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
