# create-table-like.q: CREATE TABLE … LIKE merges as Flink's MergeTableLikeUtil does

CREATE TABLE orders (id INT, amount DOUBLE, ts TIMESTAMP(3), total AS amount * 2, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
[INFO] Execute statement succeeded.
!info

CREATE TABLE orders_copy (note STRING) WITH ('number-of-rows' = '2') LIKE orders;
[INFO] Execute statement succeeded.
!info

SHOW CREATE TABLE orders_copy;
CREATE TABLE `default_catalog`.`default_database`.`orders_copy` (
  `id` INT NOT NULL,
  `amount` DOUBLE,
  `ts` TIMESTAMP(3),
  `total` AS amount * 2,
  `note` STRING,
  WATERMARK FOR `ts` AS ts - INTERVAL '1' SECOND,
  CONSTRAINT `PK_id` PRIMARY KEY (`id`) NOT ENFORCED
) WITH (
  'connector' = 'datagen',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '3',
  'number-of-rows' = '2'
)

!ok

SELECT id, note IS NOT NULL AS has_note FROM orders_copy;
+----+--------------+--------------+
| op |           id |     has_note |
+----+--------------+--------------+
| +I |            1 |         true |
| +I |            2 |         true |
+----+--------------+--------------+
Received a total of 2 rows
!ok

CREATE TABLE orders_bare LIKE orders (EXCLUDING ALL INCLUDING OPTIONS);
[INFO] Execute statement succeeded.
!info

DESCRIBE orders_bare;
+--------+--------------+------+-----+--------+-----------+
|   name |         type | null | key | extras | watermark |
+--------+--------------+------+-----+--------+-----------+
|     id |          INT | TRUE |     |        |           |
| amount |       DOUBLE | TRUE |     |        |           |
|     ts | TIMESTAMP(3) | TRUE |     |        |           |
+--------+--------------+------+-----+--------+-----------+
3 rows in set
!ok

CREATE TABLE bad_pk (PRIMARY KEY (amount) NOT ENFORCED) LIKE orders;
[ERROR] error[SQL_VALIDATION] at 1:22: The base table already has a primary key. You might want to specify EXCLUDING CONSTRAINTS.
  1 | CREATE TABLE bad_pk (PRIMARY KEY (amount) NOT ENFORCED) LIKE orders;
    |                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
!error

CREATE TABLE bad_option WITH ('number-of-rows' = '9') LIKE orders (INCLUDING OPTIONS);
[ERROR] error[SQL_VALIDATION] at 1:31: There already exists an option ['number-of-rows' -> '3'] in the base table. You might want to specify EXCLUDING OPTIONS or OVERWRITING OPTIONS.
  1 | CREATE TABLE bad_option WITH ('number-of-rows' = '9') LIKE orders (INCLUDING OPTIONS);
    |                               ^^^^^^^^^^^^^^^^
!error

CREATE TABLE bad_column (id BIGINT) LIKE orders;
[ERROR] error[SQL_VALIDATION] at 1:26: A column named 'id' already exists in the base table.
  1 | CREATE TABLE bad_column (id BIGINT) LIKE orders;
    |                          ^^
!error

CREATE TABLE from_view LIKE no_such_table;
[ERROR] error[SQL_VALIDATION] at 1:29: Object 'no_such_table' not found within 'default_catalog.default_database'
  1 | CREATE TABLE from_view LIKE no_such_table;
    |                             ^^^^^^^^^^^^^
hint: create it first with CREATE TABLE
!error

CREATE TABLE late_orders (total AS amount * 3, WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE) LIKE orders (OVERWRITING GENERATED OVERWRITING WATERMARKS EXCLUDING CONSTRAINTS);
[INFO] Execute statement succeeded.
!info

DESCRIBE late_orders;
+--------+------------------------+------+-----+---------------+--------------------------+
|   name |                   type | null | key |        extras |                watermark |
+--------+------------------------+------+-----+---------------+--------------------------+
|     id |                    INT | TRUE |     |               |                          |
| amount |                 DOUBLE | TRUE |     |               |                          |
|     ts | TIMESTAMP(3) *ROWTIME* | TRUE |     |               | ts - INTERVAL '1' MINUTE |
|  total |                 DOUBLE | TRUE |     | AS amount * 3 |                          |
+--------+------------------------+------+-----+---------------+--------------------------+
4 rows in set
!ok

CREATE TABLE bad_strategy LIKE orders (OVERWRITING PARTITIONS);
[ERROR] error[SQL_VALIDATION] at 1:40: Illegal merging strategy 'OVERWRITING' for 'PARTITIONS' option
  1 | CREATE TABLE bad_strategy LIKE orders (OVERWRITING PARTITIONS);
    |                                        ^^^^^^^^^^^
!error
