# show-create.q - SHOW CREATE TABLE / VIEW

CREATE TABLE orders (
  id BIGINT NOT NULL,
  product STRING COMMENT 'the product',
  amount DECIMAL(10, 2),
  quantity INT,
  total AS amount * quantity,
  order_time TIMESTAMP(3),
  part INT METADATA FROM 'partition' VIRTUAL,
  WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
[INFO] Execute statement succeeded.
!info

SHOW CREATE TABLE orders;
CREATE TABLE `default_catalog`.`default_database`.`orders` (
  `id` BIGINT NOT NULL,
  `product` STRING COMMENT 'the product',
  `amount` DECIMAL(10, 2),
  `quantity` INT,
  `total` AS amount * quantity,
  `order_time` TIMESTAMP(3),
  `part` INT METADATA FROM 'partition' VIRTUAL,
  WATERMARK FOR `order_time` AS order_time - INTERVAL '5' SECOND,
  CONSTRAINT `PK_id` PRIMARY KEY (`id`) NOT ENFORCED
) WITH (
  'connector' = 'datagen',
  'number-of-rows' = '10'
)

!ok

CREATE VIEW big AS SELECT id, total FROM orders WHERE total > 100;
[INFO] Execute statement succeeded.
!info

SHOW CREATE VIEW big;
CREATE VIEW `default_catalog`.`default_database`.`big` AS
SELECT id, total FROM orders WHERE total > 100

!ok

SHOW CREATE TABLE big;
[ERROR] error[SQL_VALIDATION]: SHOW CREATE TABLE is only supported for tables, but 'big' is a view
hint: use SHOW CREATE VIEW
!error

SHOW CREATE TABLE nope;
[ERROR] error[SQL_VALIDATION] at 1:19: Object 'nope' not found within 'default_catalog.default_database'
hint: create it first with CREATE TABLE
!error
