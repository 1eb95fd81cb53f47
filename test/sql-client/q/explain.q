# explain.q

CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
[INFO] Execute statement succeeded.
!info

CREATE TABLE sink (b STRING, n BIGINT) WITH ('connector' = 'blackhole');
[INFO] Execute statement succeeded.
!info

EXPLAIN SELECT a + 1 AS a1, b FROM t WHERE a > 10;
== Abstract Syntax Tree ==
LogicalProject(a1=[+($0, 1)], b=[$1])
+- LogicalFilter(condition=[>($0, 10)])
   +- LogicalTableScan(table=[[default_catalog, default_database, t]])

== Optimized Physical Plan ==
Calc(select=[+(a, 1) AS a1, b], where=[>(a, 10)])
+- TableSourceScan(table=[[default_catalog, default_database, t]], fields=[a, b])

== Optimized Execution Plan ==
Calc(select=[(a + 1) AS a1, b], where=[(a > 10)])
+- TableSourceScan(table=[[default_catalog, default_database, t]], fields=[a, b])

!ok

EXPLAIN SELECT b, COUNT(*) AS n FROM t GROUP BY b;
== Abstract Syntax Tree ==
LogicalProject(b=[$0], n=[$1])
+- LogicalAggregate(group=[{0}], n=[COUNT()])
   +- LogicalProject(b=[$1])
      +- LogicalTableScan(table=[[default_catalog, default_database, t]])

== Optimized Physical Plan ==
GroupAggregate(groupBy=[b], select=[b, COUNT(*) AS n])
+- Exchange(distribution=[hash[b]])
   +- Calc(select=[b])
      +- TableSourceScan(table=[[default_catalog, default_database, t]], fields=[a, b])

== Optimized Execution Plan ==
GroupAggregate(groupBy=[b], select=[b, COUNT(*) AS n])
+- Exchange(distribution=[hash[b]])
   +- Calc(select=[b])
      +- TableSourceScan(table=[[default_catalog, default_database, t]], fields=[a, b])

!ok

EXPLAIN INSERT INTO sink SELECT b, COUNT(*) FROM t GROUP BY b;
== Abstract Syntax Tree ==
LogicalSink(table=[default_catalog.default_database.sink], fields=[b, EXPR$1])
+- LogicalProject(b=[$0], EXPR$1=[$1])
   +- LogicalAggregate(group=[{0}], EXPR$1=[COUNT()])
      +- LogicalProject(b=[$1])
         +- LogicalTableScan(table=[[default_catalog, default_database, t]])

== Optimized Physical Plan ==
Sink(table=[default_catalog.default_database.sink], fields=[b, EXPR$1])
+- GroupAggregate(groupBy=[b], select=[b, COUNT(*) AS EXPR$1])
   +- Exchange(distribution=[hash[b]])
      +- Calc(select=[b])
         +- TableSourceScan(table=[[default_catalog, default_database, t]], fields=[a, b])

== Optimized Execution Plan ==
Sink(table=[default_catalog.default_database.sink], fields=[b, EXPR$1])
+- GroupAggregate(groupBy=[b], select=[b, COUNT(*) AS EXPR$1])
   +- Exchange(distribution=[hash[b]])
      +- Calc(select=[b])
         +- TableSourceScan(table=[[default_catalog, default_database, t]], fields=[a, b])

!ok

EXPLAIN SELECT nope FROM t;
[ERROR] error[SQL_VALIDATION] at 1:16: Column 'nope' not found in any table
  1 | EXPLAIN SELECT nope FROM t;
    |                ^^^^
hint: available columns: a, b
!error
