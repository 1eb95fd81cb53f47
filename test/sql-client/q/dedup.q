# dedup.q

CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/bids.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

# the first bid of each bidder, by event time
SELECT id, bidder, price FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY ts ASC) AS rn FROM bids
) WHERE rn = 1;
+----+--------------+--------------+--------------+
| op |           id |       bidder |        price |
+----+--------------+--------------+--------------+
| +I |            1 |        alice |           10 |
| +I |            2 |          bob |           20 |
| +I |            4 |        carol |            7 |
+----+--------------+--------------+--------------+
Received a total of 3 rows
!ok
