# error-unsupported.q

CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '1', 'fields.a.kind' = 'sequence', 'fields.a.start' = '7', 'fields.a.end' = '7');
[INFO] Execute statement succeeded.
!info

SELECT a FROM t ORDER BY a;
[ERROR] error[SQL_UNSUPPORTED] at 1:26: ORDER BY without LIMIT is not supported yet
  1 | SELECT a FROM t ORDER BY a;
    |                          ^
hint: add a LIMIT (a Top-N), or drop the ORDER BY: a streaming result has no order
!error

SELECT * FROM t MATCH_RECOGNIZE (ORDER BY a MEASURES a AS x PATTERN (A) DEFINE A AS a > 0);
[ERROR] error[SQL_UNSUPPORTED] at 1:17: MATCH_RECOGNIZE (pattern recognition) is not supported yet
  1 | SELECT * FROM t MATCH_RECOGNIZE (ORDER BY a MEASURES a AS x PATTERN (A) DEFINE A AS a > 0);
    |                 ^^^^^^^^^^^^^^^
hint: weir has no CEP operator yet; Flink runs MATCH_RECOGNIZE (run the script with --target flink=…)
!error

CREATE TABLE bad (a INT) WITH ('connector' = 'no-such-connector');
[ERROR] error[SQL_VALIDATION] at 1:46: Could not find any factory for identifier 'no-such-connector'
  1 | CREATE TABLE bad (a INT) WITH ('connector' = 'no-such-connector');
    |                                              ^^^^^^^^^^^^^^^^^^^
hint: available connectors: blackhole, collect, datagen, filesystem, jdbc, kafka, nexmark, print, upsert-kafka
!error

SELECT a AS still_here FROM t;
+----+--------------+
| op |   still_here |
+----+--------------+
| +I |            7 |
+----+--------------+
Received a total of 1 row
!ok
