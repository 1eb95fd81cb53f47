# show.q

SHOW TABLES;
+------------+
| table name |
+------------+
Empty set
!ok

SHOW VIEWS;
+-----------+
| view name |
+-----------+
Empty set
!ok

CREATE TABLE b_table (a INT) WITH ('connector' = 'datagen');
[INFO] Execute statement succeeded.
!info

CREATE TABLE a_table (a INT) WITH ('connector' = 'datagen');
[INFO] Execute statement succeeded.
!info

CREATE VIEW a_view AS SELECT * FROM a_table;
[INFO] Execute statement succeeded.
!info

SHOW TABLES;
+------------+
| table name |
+------------+
|    a_table |
|     a_view |
|    b_table |
+------------+
3 rows in set
!ok

SHOW VIEWS;
+-----------+
| view name |
+-----------+
|    a_view |
+-----------+
1 row in set
!ok

show tables;
+------------+
| table name |
+------------+
|    a_table |
|     a_view |
|    b_table |
+------------+
3 rows in set
!ok
