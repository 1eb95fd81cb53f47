# create-view.q

CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen');
[INFO] Execute statement succeeded.
!info

CREATE VIEW v AS SELECT a, UPPER(b) AS ub FROM t WHERE a > 0;
[INFO] Execute statement succeeded.
!info

CREATE VIEW v2 (x, y) AS SELECT a, b FROM t;
[INFO] Execute statement succeeded.
!info

SHOW VIEWS;
+-----------+
| view name |
+-----------+
|         v |
|        v2 |
+-----------+
2 rows in set
!ok

DESCRIBE v;
+------+--------+------+-----+--------+-----------+
| name |   type | null | key | extras | watermark |
+------+--------+------+-----+--------+-----------+
|    a |    INT | TRUE |     |        |           |
|   ub | STRING | TRUE |     |        |           |
+------+--------+------+-----+--------+-----------+
2 rows in set
!ok

DESCRIBE v2;
+------+--------+------+-----+--------+-----------+
| name |   type | null | key | extras | watermark |
+------+--------+------+-----+--------+-----------+
|    x |    INT | TRUE |     |        |           |
|    y | STRING | TRUE |     |        |           |
+------+--------+------+-----+--------+-----------+
2 rows in set
!ok

CREATE VIEW v AS SELECT a FROM t;
[ERROR] error[SQL_VALIDATION] at 1:13: Table (or view) default_database.v already exists in Catalog default_catalog
  1 | CREATE VIEW v AS SELECT a FROM t;
    |             ^
hint: use CREATE VIEW IF NOT EXISTS to keep the existing one, or DROP VIEW first
!error

SHOW TABLES;
+------------+
| table name |
+------------+
|          t |
|          v |
|         v2 |
+------------+
3 rows in set
!ok
