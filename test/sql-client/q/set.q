# set.q

SET;
+---------------------+-------+
|                 key | value |
+---------------------+-------+
| parallelism.default |     1 |
+---------------------+-------+
1 row in set
!ok

SET 'table.exec.state.ttl' = '1 h';
[INFO] Execute statement succeeded.
!info

SET 'sql-client.execution.result-mode' = 'tableau';
[INFO] Execute statement succeeded.
!info

SET;
+----------------------------------+---------+
|                              key |   value |
+----------------------------------+---------+
|              parallelism.default |       1 |
| sql-client.execution.result-mode | tableau |
|             table.exec.state.ttl |     1 h |
+----------------------------------+---------+
3 rows in set
!ok

RESET 'table.exec.state.ttl';
[INFO] Execute statement succeeded.
!info

SET;
+----------------------------------+---------+
|                              key |   value |
+----------------------------------+---------+
|              parallelism.default |       1 |
| sql-client.execution.result-mode | tableau |
+----------------------------------+---------+
2 rows in set
!ok

RESET;
[INFO] Execute statement succeeded.
!info

SET;
+---------------------+-------+
|                 key | value |
+---------------------+-------+
| parallelism.default |     1 |
+---------------------+-------+
1 row in set
!ok

SET 'no-equals';
[ERROR] error[SQL_PARSE] at 1:16: Unexpected end of statement, expected '='
  1 | SET 'no-equals';
    |                ^
!error
