# group-by.q

# a group aggregate emits retractions as its groups change
SELECT k, COUNT(*) AS n, SUM(v) AS s FROM (VALUES ('a', 1), ('b', 2), ('a', 3), ('a', 4)) AS t (k, v) GROUP BY k;
+----+--------------+--------------+--------------+
| op |            k |            n |            s |
+----+--------------+--------------+--------------+
| +I |            a |            1 |            1 |
| +I |            b |            1 |            2 |
| -U |            a |            1 |            1 |
| +U |            a |            2 |            4 |
| -U |            a |            2 |            4 |
| +U |            a |            3 |            8 |
+----+--------------+--------------+--------------+
Received a total of 6 rows
!ok

SELECT n, COUNT(*) AS groups FROM (
  SELECT k, COUNT(*) AS n FROM (VALUES ('a'), ('b'), ('a')) AS t (k) GROUP BY k
) GROUP BY n;
+----+--------------+--------------+
| op |            n |       groups |
+----+--------------+--------------+
| +I |            1 |            1 |
| -U |            1 |            1 |
| +U |            1 |            2 |
| -U |            1 |            2 |
| +U |            1 |            1 |
| +I |            2 |            1 |
+----+--------------+--------------+
Received a total of 6 rows
!ok

SELECT k, MIN(v) AS lo, MAX(v) AS hi, AVG(v) AS av FROM (VALUES ('a', 4), ('a', 2), ('b', 7)) AS t (k, v) GROUP BY k;
+----+--------------+--------------+--------------+--------------+
| op |            k |           lo |           hi |           av |
+----+--------------+--------------+--------------+--------------+
| +I |            a |            4 |            4 |            4 |
| -U |            a |            4 |            4 |            4 |
| +U |            a |            2 |            4 |            3 |
| +I |            b |            7 |            7 |            7 |
+----+--------------+--------------+--------------+--------------+
Received a total of 4 rows
!ok

SELECT k, COUNT(*) AS n FROM (VALUES ('a'), ('b'), ('a')) AS t (k) GROUP BY k HAVING COUNT(*) > 1;
+----+--------------+--------------+
| op |            k |            n |
+----+--------------+--------------+
| +U |            a |            2 |
+----+--------------+--------------+
Received a total of 1 row
!ok

SELECT COUNT(DISTINCT k) AS kinds FROM (VALUES ('a'), ('b'), ('a')) AS t (k);
+----+--------------+
| op |        kinds |
+----+--------------+
| +I |            1 |
| -U |            1 |
| +U |            2 |
+----+--------------+
Received a total of 3 rows
!ok
