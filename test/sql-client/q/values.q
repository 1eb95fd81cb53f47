# values.q

SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, CAST(NULL AS STRING))) AS t (id, name);
+----+--------------+--------------+
| op |           id |         name |
+----+--------------+--------------+
| +I |            1 |            a |
| +I |            2 |            b |
| +I |            3 |         null |
+----+--------------+--------------+
Received a total of 3 rows
!ok

VALUES (1, 2.5), (2, 3.5);
+----+--------------+--------------+
| op |       EXPR$0 |       EXPR$1 |
+----+--------------+--------------+
| +I |            1 |          2.5 |
| +I |            2 |          3.5 |
+----+--------------+--------------+
Received a total of 2 rows
!ok

SELECT id * 2 AS doubled FROM (VALUES (1), (2), (3)) AS t (id) WHERE id <> 2;
+----+--------------+
| op |      doubled |
+----+--------------+
| +I |            2 |
| +I |            6 |
+----+--------------+
Received a total of 2 rows
!ok

SELECT a + 1 AS two, s || 'y' AS xy FROM (VALUES (1, 'x')) AS t (a, s);
+----+--------------+--------------+
| op |          two |           xy |
+----+--------------+--------------+
| +I |            2 |           xy |
+----+--------------+--------------+
Received a total of 1 row
!ok
