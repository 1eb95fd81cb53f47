# window-cumulate.q

CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/bids.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

SELECT window_start, window_end, SUM(price) AS total
FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
+----+-------------------------+-------------------------+--------------+
| op |            window_start |              window_end |        total |
+----+-------------------------+-------------------------+--------------+
| +I | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:05.000 |           39 |
| +I | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:10.000 |           49 |
| +I | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:15.000 |           17 |
| +I | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:20.000 |           24 |
+----+-------------------------+-------------------------+--------------+
Received a total of 4 rows
!ok
