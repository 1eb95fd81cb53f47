# ddl-alter-use-ctas.q - CREATE TABLE AS SELECT, ALTER TABLE SET / RESET / RENAME TO, USE, MATCH_RECOGNIZE

CREATE TABLE src (id BIGINT, name VARCHAR, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
[INFO] Execute statement succeeded.
!info

ALTER TABLE src SET ('number-of-rows' = '2', 'fields.id.end' = '2');
[INFO] Execute statement succeeded.
!info

SHOW CREATE TABLE src;
CREATE TABLE `default_catalog`.`default_database`.`src` (
  `id` BIGINT,
  `name` STRING,
  `ts` TIMESTAMP(3),
  WATERMARK FOR `ts` AS ts
) WITH (
  'connector' = 'datagen',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'number-of-rows' = '2',
  'fields.id.end' = '2'
)

!ok

ALTER TABLE src SET ('rows-per-secnd' = '5');
[ERROR] error[SQL_VALIDATION] at 1:22: Unsupported option 'rows-per-secnd' for connector 'datagen'
  1 | ALTER TABLE src SET ('rows-per-secnd' = '5');
    |                      ^^^^^^^^^^^^^^^^
hint: did you mean 'rows-per-second'?
!error

ALTER TABLE src RESET ('connector');
[ERROR] error[SQL_VALIDATION] at 1:24: ALTER TABLE RESET does not support changing or resetting the 'connector' option
  1 | ALTER TABLE src RESET ('connector');
    |                        ^^^^^^^^^^^
!error

ALTER TABLE src RESET ('number-of-rows');
[INFO] Execute statement succeeded.
!info

ALTER TABLE src RENAME TO source_table;
[INFO] Execute statement succeeded.
!info

SHOW TABLES;
+--------------+
|   table name |
+--------------+
| source_table |
+--------------+
1 row in set
!ok

ALTER TABLE src SET ('number-of-rows' = '1');
[ERROR] error[SQL_VALIDATION] at 1:13: Object 'src' not found within 'default_catalog.default_database'
  1 | ALTER TABLE src SET ('number-of-rows' = '1');
    |             ^^^
hint: create it first with CREATE TABLE
!error

USE default_database;
[INFO] Execute statement succeeded.
!info

USE CATALOG default_catalog;
[INFO] Execute statement succeeded.
!info

USE other_db;
[ERROR] error[SQL_VALIDATION] at 1:5: A database with name [other_db] does not exist in the catalog: [default_catalog].
  1 | USE other_db;
    |     ^^^^^^^^
hint: the only database is 'default_catalog.default_database'
!error

CREATE TABLE copy WITH ('connector' = 'blackhole') AS SELECT id, UPPER(name) AS loud, ts FROM source_table;
[INFO] Submitting SQL update statement to the cluster...
[INFO] SQL update statement has been successfully submitted to the cluster:
Job ID: <job id>

!info

DESCRIBE copy;
+------+--------------+------+-----+--------+-----------+
| name |         type | null | key | extras | watermark |
+------+--------------+------+-----+--------+-----------+
|   id |       BIGINT | TRUE |     |        |           |
| loud |       STRING | TRUE |     |        |           |
|   ts | TIMESTAMP(3) | TRUE |     |        |           |
+------+--------------+------+-----+--------+-----------+
3 rows in set
!ok

CREATE TABLE bad (x INT) WITH ('connector' = 'blackhole') AS SELECT 1;
[ERROR] error[SQL_PARSE] at 1:59: CREATE TABLE AS SELECT with a column list is not supported yet
  1 | CREATE TABLE bad (x INT) WITH ('connector' = 'blackhole') AS SELECT 1;
    |                                                           ^^
hint: let the query define the columns: CREATE TABLE t WITH (…) AS SELECT …
!error

SELECT * FROM source_table MATCH_RECOGNIZE (PARTITION BY id ORDER BY ts MEASURES A.name AS n PATTERN (A) DEFINE A AS id > 1);
[ERROR] error[SQL_UNSUPPORTED] at 1:28: MATCH_RECOGNIZE (pattern recognition) is not supported yet
  1 | SELECT * FROM source_table MATCH_RECOGNIZE (PARTITION BY id ORDER BY ts MEASURES A.name AS n PATTERN (A) DEFINE A AS id > 1);
    |                            ^^^^^^^^^^^^^^^
hint: weir has no CEP operator yet; Flink runs MATCH_RECOGNIZE (run the script with --target flink=…)
!error
