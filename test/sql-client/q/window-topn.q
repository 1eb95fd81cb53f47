# window-topn.q

CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = 'test/sql-client/q/data/bids.csv', 'format' = 'csv');
[INFO] Execute statement succeeded.
!info

SELECT bidder, price, window_start, window_end, rn FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rn
  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
) WHERE rn <= 2;
+----+--------------+--------------+-------------------------+-------------------------+--------------+
| op |       bidder |        price |            window_start |              window_end |           rn |
+----+--------------+--------------+-------------------------+-------------------------+--------------+
| +I |          bob |           20 | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:10.000 |            1 |
| +I |        alice |           10 | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:10.000 |            2 |
| +I |        carol |            9 | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:20.000 |            1 |
| +I |        alice |            8 | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:20.000 |            2 |
+----+--------------+--------------+-------------------------+-------------------------+--------------+
Received a total of 4 rows
!ok

SELECT * FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC, bidder) AS rn
  FROM (
    SELECT window_start, window_end, bidder, SUM(price) AS total, COUNT(*) AS cnt
    FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
    GROUP BY window_start, window_end, bidder
  )
) WHERE rn <= 2;
+----+-------------------------+-------------------------+--------------+--------------+--------------+--------------+
| op |            window_start |              window_end |       bidder |        total |          cnt |           rn |
+----+-------------------------+-------------------------+--------------+--------------+--------------+--------------+
| +I | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:10.000 |          bob |           27 |            3 |            1 |
| +I | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:10.000 |        alice |           15 |            2 |            2 |
| +I | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:20.000 |        alice |            9 |            2 |            1 |
| +I | 2024-01-01 10:00:10.000 | 2024-01-01 10:00:20.000 |        carol |            9 |            1 |            2 |
+----+-------------------------+-------------------------+--------------+--------------+--------------+--------------+
Received a total of 4 rows
!ok

SELECT id, bidder, price, ts, window_start FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, bidder ORDER BY ts DESC) AS rn
  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))
) WHERE rn <= 1;
+----+--------------+--------------+--------------+-------------------------+-------------------------+
| op |           id |       bidder |        price |                      ts |            window_start |
+----+--------------+--------------+--------------+-------------------------+-------------------------+
| +I |            3 |        alice |            5 | 2024-01-01 10:00:04.000 | 2024-01-01 10:00:00.000 |
| +I |            7 |          bob |            4 | 2024-01-01 10:00:03.000 | 2024-01-01 10:00:00.000 |
| +I |            4 |        carol |            7 | 2024-01-01 10:00:06.000 | 2024-01-01 10:00:05.000 |
| +I |            5 |          bob |            3 | 2024-01-01 10:00:05.000 | 2024-01-01 10:00:05.000 |
| +I |            6 |        alice |            8 | 2024-01-01 10:00:12.000 | 2024-01-01 10:00:10.000 |
| +I |            8 |        carol |            9 | 2024-01-01 10:00:11.000 | 2024-01-01 10:00:10.000 |
| +I |            9 |        alice |            1 | 2024-01-01 10:00:17.000 | 2024-01-01 10:00:15.000 |
| +I |           10 |          bob |            6 | 2024-01-01 10:00:15.000 | 2024-01-01 10:00:15.000 |
+----+--------------+--------------+--------------+-------------------------+-------------------------+
Received a total of 8 rows
!ok

SELECT id, bidder, price, ts, window_start FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY ts) AS rn
  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))
) WHERE rn = 1;
+----+--------------+--------------+--------------+-------------------------+-------------------------+
| op |           id |       bidder |        price |                      ts |            window_start |
+----+--------------+--------------+--------------+-------------------------+-------------------------+
| +I |            1 |        alice |           10 | 2024-01-01 10:00:00.000 | 2024-01-01 10:00:00.000 |
| +I |            5 |          bob |            3 | 2024-01-01 10:00:05.000 | 2024-01-01 10:00:05.000 |
| +I |            8 |        carol |            9 | 2024-01-01 10:00:11.000 | 2024-01-01 10:00:10.000 |
| +I |           10 |          bob |            6 | 2024-01-01 10:00:15.000 | 2024-01-01 10:00:15.000 |
+----+--------------+--------------+--------------+-------------------------+-------------------------+
Received a total of 4 rows
!ok

EXPLAIN SELECT id, bidder, price, ts, window_start FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, bidder ORDER BY ts DESC) AS rn
  FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))
) WHERE rn <= 1;
== Abstract Syntax Tree ==
LogicalProject(id=[$0], bidder=[$1], price=[$2], ts=[$3], window_start=[$4])
+- LogicalFilter(condition=[<=($7, 1)])
   +- LogicalProject(id=[$0], bidder=[$1], price=[$2], ts=[$3], window_start=[$4], window_end=[$5], window_time=[$6], rn=[$7])
      +- LogicalOverWindow(window#0=[window(partition {4, 5, 1} order by [3 DESC] rows between UNBOUNDED PRECEDING and CURRENT ROW aggs [ROW_NUMBER()])])
         +- LogicalTableFunctionScan(invocation=[TUMBLE(DESCRIPTOR($3), 5000:INTERVAL DAY TO SECOND)], rowType=[RecordType(INT id, STRING bidder, INT price, TIMESTAMP(3) ts, TIMESTAMP(3) NOT NULL window_start, TIMESTAMP(3) NOT NULL window_end, TIMESTAMP(3) NOT NULL *ROWTIME* window_time)])
            +- LogicalWatermarkAssigner(rowtime=[ts], watermark=[-($3, 2000:INTERVAL DAY TO SECOND)])
               +- LogicalTableScan(table=[[default_catalog, default_database, bids]])

== Optimized Physical Plan ==
Calc(select=[id, bidder, price, ts, window_start])
+- WindowDeduplicate(window=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 s])], keep=[LastRow], partitionKeys=[bidder], orderKey=[ts], order=[ROWTIME])
   +- Exchange(distribution=[hash[bidder]])
      +- WindowTableFunction(window=[TUMBLE(time_col=[ts], size=[5 s])])
         +- WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 2000:INTERVAL DAY TO SECOND)])
            +- TableSourceScan(table=[[default_catalog, default_database, bids]], fields=[id, bidder, price, ts])

== Optimized Execution Plan ==
Calc(select=[id, bidder, price, ts, window_start])
+- WindowDeduplicate(window=[TUMBLE(win_start=[window_start], win_end=[window_end], size=[5 s])], keep=[LastRow], partitionKeys=[bidder], orderKey=[ts], order=[ROWTIME])
   +- Exchange(distribution=[hash[bidder]])
      +- WindowTableFunction(window=[TUMBLE(time_col=[ts], size=[5 s])])
         +- WatermarkAssigner(rowtime=[ts], watermark=[(ts - 2000:INTERVAL DAY TO SECOND)])
            +- TableSourceScan(table=[[default_catalog, default_database, bids]], fields=[id, bidder, price, ts])

!ok
