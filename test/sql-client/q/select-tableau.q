# select-tableau.q

CREATE TABLE t (a INT, b STRING) WITH (
  'connector' = 'datagen', 'number-of-rows' = '4',
  'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '4',
  'fields.b.length' = '1'
);
[INFO] Execute statement succeeded.
!info

SELECT a, a * 10 AS ten FROM t WHERE a > 1;
+----+--------------+--------------+
| op |            a |          ten |
+----+--------------+--------------+
| +I |            2 |           20 |
| +I |            3 |           30 |
| +I |            4 |           40 |
+----+--------------+--------------+
Received a total of 3 rows
!ok

SELECT a, CASE WHEN MOD(a, 2) = 0 THEN 'even' ELSE 'odd' END AS parity FROM t;
+----+--------------+--------------+
| op |            a |       parity |
+----+--------------+--------------+
| +I |            1 |          odd |
| +I |            2 |         even |
| +I |            3 |          odd |
| +I |            4 |         even |
+----+--------------+--------------+
Received a total of 4 rows
!ok

SELECT COUNT(*) AS n, SUM(a) AS s FROM t;
+----+--------------+--------------+
| op |            n |            s |
+----+--------------+--------------+
| +I |            1 |            1 |
| -U |            1 |            1 |
| +U |            2 |            3 |
| -U |            2 |            3 |
| +U |            3 |            6 |
| -U |            3 |            6 |
| +U |            4 |           10 |
+----+--------------+--------------+
Received a total of 7 rows
!ok
