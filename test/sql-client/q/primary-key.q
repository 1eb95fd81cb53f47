# primary-key.q

CREATE TABLE users (
  id INT,
  region STRING,
  name STRING,
  PRIMARY KEY (id, region) NOT ENFORCED
) WITH ('connector' = 'blackhole');
[INFO] Execute statement succeeded.
!info

DESCRIBE users;
+--------+--------+-------+-----------------+--------+-----------+
|   name |   type |  null |             key | extras | watermark |
+--------+--------+-------+-----------------+--------+-----------+
|     id |    INT | FALSE | PRI(id, region) |        |           |
| region | STRING | FALSE | PRI(id, region) |        |           |
|   name | STRING |  TRUE |                 |        |           |
+--------+--------+-------+-----------------+--------+-----------+
3 rows in set
!ok

CREATE TABLE bad_pk (id INT, PRIMARY KEY (nope) NOT ENFORCED) WITH ('connector' = 'blackhole');
[ERROR] error[SQL_VALIDATION] at 1:43: Column 'nope' of the PRIMARY KEY does not exist in the table
  1 | CREATE TABLE bad_pk (id INT, PRIMARY KEY (nope) NOT ENFORCED) WITH ('connector' = 'blackhole');
    |                                           ^^^^
!error

CREATE TABLE enforced (id INT, PRIMARY KEY (id)) WITH ('connector' = 'blackhole');
[ERROR] error[SQL_PARSE] at 1:48: Unexpected ')', expected NOT or ENFORCED
  1 | CREATE TABLE enforced (id INT, PRIMARY KEY (id)) WITH ('connector' = 'blackhole');
    |                                                ^
!error
