# nulls.q

SELECT k, COUNT(v) AS nv, COUNT(*) AS n, SUM(v) AS s FROM (VALUES ('a', 1), ('a', CAST(NULL AS INT)), ('b', CAST(NULL AS INT))) AS t (k, v) GROUP BY k;
+----+--------------+--------------+--------------+--------------+
| op |            k |           nv |            n |            s |
+----+--------------+--------------+--------------+--------------+
| +I |            a |            1 |            1 |            1 |
| -U |            a |            1 |            1 |            1 |
| +U |            a |            1 |            2 |            1 |
| +I |            b |            0 |            1 |         null |
+----+--------------+--------------+--------------+--------------+
Received a total of 4 rows
!ok

SELECT v IS NULL AS isnull, v = 1 AS eq1 FROM (VALUES (1), (CAST(NULL AS INT))) AS t (v);
+----+--------------+--------------+
| op |       isnull |          eq1 |
+----+--------------+--------------+
| +I |        false |         true |
| +I |         true |         null |
+----+--------------+--------------+
Received a total of 2 rows
!ok
