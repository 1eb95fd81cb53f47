# create-table.q

# every column kind: physical, computed, metadata; a watermark and a primary key
CREATE TABLE orders (
  id BIGINT NOT NULL,
  product STRING,
  amount DECIMAL(10, 2),
  quantity INT,
  total AS amount * quantity,
  order_time TIMESTAMP(3),
  part INT METADATA FROM 'partition' VIRTUAL,
  WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'datagen');
[INFO] Execute statement succeeded.
!info

DESCRIBE orders;
+------------+------------------------+-------+---------+-----------------------------------+----------------------------------+
|       name |                   type |  null |     key |                            extras |                        watermark |
+------------+------------------------+-------+---------+-----------------------------------+----------------------------------+
|         id |                 BIGINT | FALSE | PRI(id) |                                   |                                  |
|    product |                 STRING |  TRUE |         |                                   |                                  |
|     amount |         DECIMAL(10, 2) |  TRUE |         |                                   |                                  |
|   quantity |                    INT |  TRUE |         |                                   |                                  |
|      total |         DECIMAL(21, 2) |  TRUE |         |              AS amount * quantity |                                  |
| order_time | TIMESTAMP(3) *ROWTIME* |  TRUE |         |                                   | order_time - INTERVAL '5' SECOND |
|       part |                    INT |  TRUE |         | METADATA FROM 'partition' VIRTUAL |                                  |
+------------+------------------------+-------+---------+-----------------------------------+----------------------------------+
7 rows in set
!ok

SHOW TABLES;
+------------+
| table name |
+------------+
|     orders |
+------------+
1 row in set
!ok

CREATE TABLE orders (a INT) WITH ('connector' = 'datagen');
[ERROR] error[SQL_VALIDATION] at 1:14: Table (or view) default_database.orders already exists in Catalog default_catalog
  1 | CREATE TABLE orders (a INT) WITH ('connector' = 'datagen');
    |              ^^^^^^
hint: use CREATE TABLE IF NOT EXISTS to keep the existing one, or DROP TABLE first
!error

CREATE TABLE IF NOT EXISTS orders (a INT) WITH ('connector' = 'datagen');
[INFO] Execute statement succeeded.
!info

DESCRIBE orders;
+------------+------------------------+-------+---------+-----------------------------------+----------------------------------+
|       name |                   type |  null |     key |                            extras |                        watermark |
+------------+------------------------+-------+---------+-----------------------------------+----------------------------------+
|         id |                 BIGINT | FALSE | PRI(id) |                                   |                                  |
|    product |                 STRING |  TRUE |         |                                   |                                  |
|     amount |         DECIMAL(10, 2) |  TRUE |         |                                   |                                  |
|   quantity |                    INT |  TRUE |         |                                   |                                  |
|      total |         DECIMAL(21, 2) |  TRUE |         |              AS amount * quantity |                                  |
| order_time | TIMESTAMP(3) *ROWTIME* |  TRUE |         |                                   | order_time - INTERVAL '5' SECOND |
|       part |                    INT |  TRUE |         | METADATA FROM 'partition' VIRTUAL |                                  |
+------------+------------------------+-------+---------+-----------------------------------+----------------------------------+
7 rows in set
!ok
