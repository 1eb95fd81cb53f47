# over.q

CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/bids.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

SELECT id, bidder, price,
  SUM(price) OVER (PARTITION BY bidder ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running
FROM bids;
+----+--------------+--------------+--------------+--------------+
| op |           id |       bidder |        price |      running |
+----+--------------+--------------+--------------+--------------+
| +I |            1 |        alice |           10 |           10 |
| +I |            2 |          bob |           20 |           20 |
| +I |            7 |          bob |            4 |           24 |
| +I |            3 |        alice |            5 |           15 |
| +I |            5 |          bob |            3 |           27 |
| +I |            4 |        carol |            7 |            7 |
| +I |            8 |        carol |            9 |           16 |
| +I |            6 |        alice |            8 |           23 |
| +I |           10 |          bob |            6 |           33 |
| +I |            9 |        alice |            1 |           24 |
+----+--------------+--------------+--------------+--------------+
Received a total of 10 rows
!ok

SELECT id, price,
  COUNT(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW) AS last5s
FROM bids;
+----+--------------+--------------+--------------+
| op |           id |        price |       last5s |
+----+--------------+--------------+--------------+
| +I |            1 |           10 |            1 |
| +I |            2 |           20 |            2 |
| +I |            7 |            4 |            3 |
| +I |            3 |            5 |            4 |
| +I |            5 |            3 |            5 |
| +I |            4 |            7 |            5 |
| +I |            8 |            9 |            2 |
| +I |            6 |            8 |            2 |
| +I |           10 |            6 |            3 |
| +I |            9 |            1 |            3 |
+----+--------------+--------------+--------------+
Received a total of 10 rows
!ok
