# drop.q

CREATE TABLE t (a INT) WITH ('connector' = 'datagen');
[INFO] Execute statement succeeded.
!info

CREATE VIEW v AS SELECT a FROM t;
[INFO] Execute statement succeeded.
!info

DROP TABLE v;
[ERROR] error[SQL_VALIDATION] at 1:12: 'default_catalog.default_database.v' is a view, not a table
  1 | DROP TABLE v;
    |            ^
hint: use DROP VIEW
!error

DROP VIEW v;
[INFO] Execute statement succeeded.
!info

DROP VIEW v;
[ERROR] error[SQL_VALIDATION] at 1:11: View with identifier 'default_catalog.default_database.v' does not exist
  1 | DROP VIEW v;
    |           ^
hint: did you mean 't'?
!error

DROP VIEW IF EXISTS v;
[INFO] Execute statement succeeded.
!info

DROP TABLE t;
[INFO] Execute statement succeeded.
!info

DROP TABLE t;
[ERROR] error[SQL_VALIDATION] at 1:12: Table with identifier 'default_catalog.default_database.t' does not exist
  1 | DROP TABLE t;
    |            ^
!error

DROP TABLE IF EXISTS t;
[INFO] Execute statement succeeded.
!info

SHOW TABLES;
+------------+
| table name |
+------------+
Empty set
!ok
