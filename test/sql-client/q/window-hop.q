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
+----+--------------+--------------+--------------+
| op | window_start |   window_end |         bids |
+----+--------------+--------------+--------------+
| +I | 2024-01-01T09:59:55 | 2024-01-01T10:00:05 |            4 |
| +I | 2024-01-01T10:00 | 2024-01-01T10:00:10 |            6 |
| +I | 2024-01-01T10:00:05 | 2024-01-01T10:00:15 |            4 |
| +I | 2024-01-01T10:00:10 | 2024-01-01T10:00:20 |            4 |
| +I | 2024-01-01T10:00:15 | 2024-01-01T10:00:25 |            2 |
Query finished.
!ok
