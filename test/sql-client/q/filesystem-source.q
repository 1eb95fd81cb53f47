# filesystem-source.q

CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/bids.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

SELECT id, bidder, price, ts FROM bids WHERE price >= 8;
+----+--------------+--------------+--------------+-------------------------+
| op |           id |       bidder |        price |                      ts |
+----+--------------+--------------+--------------+-------------------------+
| +I |            1 |        alice |           10 | 2024-01-01 10:00:00.000 |
| +I |            2 |          bob |           20 | 2024-01-01 10:00:02.000 |
| +I |            6 |        alice |            8 | 2024-01-01 10:00:12.000 |
| +I |            8 |        carol |            9 | 2024-01-01 10:00:11.000 |
+----+--------------+--------------+--------------+-------------------------+
Received a total of 4 rows
!ok

SELECT bidder, COUNT(*) AS n FROM bids GROUP BY bidder;
+----+--------------+--------------+
| op |       bidder |            n |
+----+--------------+--------------+
| +I |        alice |            1 |
| +I |          bob |            1 |
| -U |        alice |            1 |
| +U |        alice |            2 |
| +I |        carol |            1 |
| -U |          bob |            1 |
| +U |          bob |            2 |
| -U |        alice |            2 |
| +U |        alice |            3 |
| -U |          bob |            2 |
| +U |          bob |            3 |
| -U |        carol |            1 |
| +U |        carol |            2 |
| -U |        alice |            3 |
| +U |        alice |            4 |
| -U |          bob |            3 |
| +U |          bob |            4 |
+----+--------------+--------------+
Received a total of 17 rows
!ok

CREATE TABLE missing (a INT) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/none.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

SELECT * FROM missing;
+----+--------------+
| op |            a |
+----+--------------+
[ERROR] error[CONNECTOR_IO]: The path 'test/sql-client/q/data/none.csv' of the filesystem table does not exist
hint: point 'path' at a file or a directory
!error
