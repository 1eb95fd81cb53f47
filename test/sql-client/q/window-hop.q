# window-hop.q

CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/bids.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

SELECT window_start, window_end, COUNT(*) AS bids
FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))
GROUP BY window_start, window_end;
+----+-------------------------+-------------------------+--------------+
| op |            window_start |              window_end |         bids |
+----+-------------------------+-------------------------+--------------+
| +I | 2024-01-01 09:59:55.000 | 2024-01-01 10:00:05.000 |            4 |
| +I | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:10.000 |            6 |
| +I | 2024-01-01 10:00:05.000 | 2024-01-01 10:00:15.000 |            4 |
| +I | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:20.000 |            4 |
| +I | 2024-01-01 10:00:15.000 | 2024-01-01 10:00:25.000 |            2 |
+----+-------------------------+-------------------------+--------------+
Received a total of 5 rows
!ok
