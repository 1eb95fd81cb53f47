# select-table-mode.q

SET 'sql-client.execution.result-mode' = 'table';
[INFO] Execute statement succeeded.
!info

SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t (id, name);
+--------------+--------------+
|           id |         name |
+--------------+--------------+
|            1 |            a |
|            2 |            b |
+--------------+--------------+
2 rows in result
Query finished.
!ok

SELECT k, COUNT(*) AS n FROM (VALUES ('x'), ('y'), ('x'), ('x')) AS t (k) GROUP BY k;
+--------------+--------------+
|            k |            n |
+--------------+--------------+
|            y |            1 |
|            x |            3 |
+--------------+--------------+
2 rows in result
Query finished.
!ok

SET 'sql-client.execution.max-table-result.rows' = '2';
[INFO] Execute statement succeeded.
!info

SELECT * FROM (VALUES (1), (2), (3), (4)) AS t (id);
+--------------+
|           id |
+--------------+
|            3 |
|            4 |
+--------------+
2 rows in result (2 older rows dropped by the row limit)
Query finished.
!ok

SET 'sql-client.execution.result-mode' = 'tableau';
[INFO] Execute statement succeeded.
!info

SELECT * FROM (VALUES (1), (2)) AS t (id);
+----+--------------+
| op |           id |
+----+--------------+
| +I |            1 |
| +I |            2 |
+----+--------------+
Received a total of 2 rows
!ok
