# insert.q

CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
[INFO] Execute statement succeeded.
!info

CREATE TABLE sink (a INT) WITH ('connector' = 'blackhole');
[INFO] Execute statement succeeded.
!info

INSERT INTO sink SELECT a FROM src;
[INFO] Submitting SQL update statement to the cluster...
[INFO] SQL update statement has been successfully submitted to the cluster:
Job ID: <job id>

!info

INSERT INTO sink SELECT a, a FROM src;
[ERROR] error[SQL_VALIDATION] at 1:18: Column types of query result and sink for 'default_catalog.default_database.sink' do not match: the query produces 2 columns, the sink takes 1
  1 | INSERT INTO sink SELECT a, a FROM src;
    |                  ^^^^^^^^^^^^^^^^^^^^
hint: query schema: [a: INT, a0: INT]; sink schema: [a: INT]
!error

INSERT INTO nope SELECT a FROM src;
[ERROR] error[SQL_VALIDATION] at 1:13: Object 'nope' not found within 'default_catalog.default_database'
  1 | INSERT INTO nope SELECT a FROM src;
    |             ^^^^
hint: create it first with CREATE TABLE
!error
