# top-n.q

CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/bids.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

SELECT bidder, price, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY price DESC) AS rn FROM bids
) WHERE rn <= 2;
+----+--------------+--------------+--------------+
| op |       bidder |        price |           rn |
+----+--------------+--------------+--------------+
| +I |        alice |           10 |            1 |
| +I |          bob |           20 |            1 |
| +I |        alice |            5 |            2 |
| +I |        carol |            7 |            1 |
| +I |          bob |            3 |            2 |
| -U |        alice |            5 |            2 |
| +U |        alice |            8 |            2 |
| -U |          bob |            3 |            2 |
| +U |          bob |            4 |            2 |
| -U |        carol |            7 |            1 |
| +U |        carol |            9 |            1 |
| +I |        carol |            7 |            2 |
| -U |          bob |            4 |            2 |
| +U |          bob |            6 |            2 |
+----+--------------+--------------+--------------+
Received a total of 14 rows
!ok
