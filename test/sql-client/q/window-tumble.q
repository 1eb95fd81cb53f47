# window-tumble.q

CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/bids.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

SELECT window_start, window_end, COUNT(*) AS bids, SUM(price) AS total
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))
GROUP BY window_start, window_end;
+----+-------------------------+-------------------------+--------------+--------------+
| op |            window_start |              window_end |         bids |        total |
+----+-------------------------+-------------------------+--------------+--------------+
| +I | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:05.000 |            4 |           39 |
| +I | 2024-01-01 10:00:05.000 | 2024-01-01 10:00:10.000 |            2 |           10 |
| +I | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:15.000 |            2 |           17 |
| +I | 2024-01-01 10:00:15.000 | 2024-01-01 10:00:20.000 |            2 |            7 |
+----+-------------------------+-------------------------+--------------+--------------+
Received a total of 4 rows
!ok

SELECT bidder, window_start, MAX(price) AS top
FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
GROUP BY bidder, window_start, window_end;
+----+--------------+-------------------------+--------------+
| op |       bidder |            window_start |          top |
+----+--------------+-------------------------+--------------+
| +I |        alice | 2024-01-01 10:00:00.000 |           10 |
| +I |          bob | 2024-01-01 10:00:00.000 |           20 |
| +I |        carol | 2024-01-01 10:00:00.000 |            7 |
| +I |        alice | 2024-01-01 10:00:10.000 |            8 |
| +I |          bob | 2024-01-01 10:00:10.000 |            6 |
| +I |        carol | 2024-01-01 10:00:10.000 |            9 |
+----+--------------+-------------------------+--------------+
Received a total of 6 rows
!ok
