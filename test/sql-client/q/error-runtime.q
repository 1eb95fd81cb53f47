# error-runtime.q

# a failing query is reported and the session goes on
SELECT a / b AS q FROM (VALUES (4, 2), (1, 0)) AS t (a, b);
+----+--------------+
| op |            q |
+----+--------------+
[ERROR] error[CALC_DIVISION_BY_ZERO]: Division by zero
hint: guard the divisor, e.g. CASE WHEN d <> 0 THEN n / d END, or use NULLIF(d, 0)
!error

SELECT CAST(s AS INT) AS n FROM (VALUES ('abc')) AS t (s);
+----+--------------+
| op |            n |
+----+--------------+
[ERROR] error[CALC_CAST_FAILED]: Cannot cast 'abc' to INT
hint: use TRY_CAST to get NULL for values that do not convert
!error

SELECT a / b AS q FROM (VALUES (10, 5)) AS t (a, b);
+----+--------------+
| op |            q |
+----+--------------+
| +I |            2 |
+----+--------------+
Received a total of 1 row
!ok
