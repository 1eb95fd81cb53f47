# select-no-from.q - a SELECT without FROM reads one row, as in Flink

SELECT 1 AS one, 'x' || 'y' AS xy;
+----+--------------+--------------+
| op |          one |           xy |
+----+--------------+--------------+
| +I |            1 |           xy |
+----+--------------+--------------+
Received a total of 1 row
!ok

SELECT CAST('2024-01-01 10:00:00.123' AS TIMESTAMP(3)) AS ts, 7 / 2 AS half, UPPER('abc') AS u;
+----+-------------------------+--------------+--------------+
| op |                      ts |         half |            u |
+----+-------------------------+--------------+--------------+
| +I | 2024-01-01 10:00:00.123 |            3 |          ABC |
+----+-------------------------+--------------+--------------+
Received a total of 1 row
!ok

SELECT 1 / 0 AS boom;
+----+--------------+
| op |         boom |
+----+--------------+
[ERROR] error[CALC_DIVISION_BY_ZERO]: Division by zero
hint: guard the divisor, e.g. CASE WHEN d <> 0 THEN n / d END, or use NULLIF(d, 0)
!error

SELECT *;
[ERROR] error[SQL_VALIDATION] at 1:1: SELECT * requires a FROM clause
  1 | SELECT *;
    | ^^^^^^^^
hint: name the expressions to select
!error

SELECT 1 AS still_here;
+----+--------------+
| op |   still_here |
+----+--------------+
| +I |            1 |
+----+--------------+
Received a total of 1 row
!ok
