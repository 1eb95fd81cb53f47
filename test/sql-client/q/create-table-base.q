# create-table-like.q - a base table for LIKE
# TODO: CREATE TABLE … LIKE base (EXCLUDING …) is not parsed by weir yet (reported).

CREATE TABLE base (
  id INT,
  name STRING,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
[INFO] Execute statement succeeded.
!info

DESCRIBE base;
+------+------------------------+------+-----+--------+--------------------------+
| name |                   type | null | key | extras |                watermark |
+------+------------------------+------+-----+--------+--------------------------+
|   id |                    INT | TRUE |     |        |                          |
| name |                 STRING | TRUE |     |        |                          |
|   ts | TIMESTAMP(3) *ROWTIME* | TRUE |     |        | ts - INTERVAL '1' SECOND |
+------+------------------------+------+-----+--------+--------------------------+
3 rows in set
!ok
