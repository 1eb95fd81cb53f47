# statement-set.q

CREATE TABLE src (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '3');
[INFO] Execute statement succeeded.
!info

CREATE TABLE sink1 (a INT) WITH ('connector' = 'blackhole');
[INFO] Execute statement succeeded.
!info

CREATE TABLE sink2 (a INT) WITH ('connector' = 'blackhole');
[INFO] Execute statement succeeded.
!info

BEGIN STATEMENT SET;
[INFO] Begin a statement set.
!info

INSERT INTO sink1 SELECT a FROM src;
[INFO] Add SQL update statement to the statement set.
!info

INSERT INTO sink2 SELECT a * 2 FROM src;
[INFO] Add SQL update statement to the statement set.
!info

END;
[INFO] Submitting SQL update statement to the cluster...
[INFO] SQL update statement has been successfully submitted to the cluster:
Job ID: <job id>

!info
