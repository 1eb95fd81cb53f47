# describe.q

CREATE TABLE t (
  a TINYINT, b SMALLINT, c INT NOT NULL, d BIGINT, e FLOAT, f DOUBLE, g DECIMAL(12, 3),
  h BOOLEAN, i STRING, j VARCHAR(10), k CHAR(3), l DATE, m TIME, n TIMESTAMP(3),
  o TIMESTAMP_LTZ(3), p BYTES, q ARRAY<INT>, r MAP<STRING, INT>, s ROW<x INT, y STRING>
) WITH ('connector' = 'datagen');
[INFO] Execute statement succeeded.
!info

DESCRIBE t;
+------+--------------------------+-------+-----+--------+-----------+
| name |                     type |  null | key | extras | watermark |
+------+--------------------------+-------+-----+--------+-----------+
|    a |                  TINYINT |  TRUE |     |        |           |
|    b |                 SMALLINT |  TRUE |     |        |           |
|    c |                      INT | FALSE |     |        |           |
|    d |                   BIGINT |  TRUE |     |        |           |
|    e |                    FLOAT |  TRUE |     |        |           |
|    f |                   DOUBLE |  TRUE |     |        |           |
|    g |           DECIMAL(12, 3) |  TRUE |     |        |           |
|    h |                  BOOLEAN |  TRUE |     |        |           |
|    i |                   STRING |  TRUE |     |        |           |
|    j |              VARCHAR(10) |  TRUE |     |        |           |
|    k |                  CHAR(3) |  TRUE |     |        |           |
|    l |                     DATE |  TRUE |     |        |           |
|    m |                  TIME(0) |  TRUE |     |        |           |
|    n |             TIMESTAMP(3) |  TRUE |     |        |           |
|    o |         TIMESTAMP_LTZ(3) |  TRUE |     |        |           |
|    p |                    BYTES |  TRUE |     |        |           |
|    q |               ARRAY<INT> |  TRUE |     |        |           |
|    r |         MAP<STRING, INT> |  TRUE |     |        |           |
|    s | ROW<`x` INT, `y` STRING> |  TRUE |     |        |           |
+------+--------------------------+-------+-----+--------+-----------+
19 rows in set
!ok

DESC t;
+------+--------------------------+-------+-----+--------+-----------+
| name |                     type |  null | key | extras | watermark |
+------+--------------------------+-------+-----+--------+-----------+
|    a |                  TINYINT |  TRUE |     |        |           |
|    b |                 SMALLINT |  TRUE |     |        |           |
|    c |                      INT | FALSE |     |        |           |
|    d |                   BIGINT |  TRUE |     |        |           |
|    e |                    FLOAT |  TRUE |     |        |           |
|    f |                   DOUBLE |  TRUE |     |        |           |
|    g |           DECIMAL(12, 3) |  TRUE |     |        |           |
|    h |                  BOOLEAN |  TRUE |     |        |           |
|    i |                   STRING |  TRUE |     |        |           |
|    j |              VARCHAR(10) |  TRUE |     |        |           |
|    k |                  CHAR(3) |  TRUE |     |        |           |
|    l |                     DATE |  TRUE |     |        |           |
|    m |                  TIME(0) |  TRUE |     |        |           |
|    n |             TIMESTAMP(3) |  TRUE |     |        |           |
|    o |         TIMESTAMP_LTZ(3) |  TRUE |     |        |           |
|    p |                    BYTES |  TRUE |     |        |           |
|    q |               ARRAY<INT> |  TRUE |     |        |           |
|    r |         MAP<STRING, INT> |  TRUE |     |        |           |
|    s | ROW<`x` INT, `y` STRING> |  TRUE |     |        |           |
+------+--------------------------+-------+-----+--------+-----------+
19 rows in set
!ok

DESCRIBE nope;
[ERROR] error[SQL_VALIDATION] at 1:10: Object 'nope' not found within 'default_catalog.default_database'
  1 | DESCRIBE nope;
    |          ^^^^
hint: create it first with CREATE TABLE
!error
