-- weir quickstart: generated orders, the big ones printed, a checkpoint every 5 seconds.
-- Run it with:  npx weir run -f sql-examples/quickstart.sql      (Ctrl-C stops it)

CREATE TABLE orders (
  order_id BIGINT,
  price    DECIMAL(10, 2),
  buyer    STRING,
  ts       TIMESTAMP(3)
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '5',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '1000000',
  'fields.price.min' = '1',
  'fields.price.max' = '100',
  'fields.buyer.length' = '8'
);

CREATE TABLE big_orders (
  order_id BIGINT,
  buyer    STRING,
  price    DECIMAL(10, 2),
  ts       TIMESTAMP(3)
) WITH (
  'connector' = 'print'
);

SET 'execution.checkpointing.interval' = '5s';

INSERT INTO big_orders
SELECT order_id, UPPER(buyer), price, ts
FROM orders
WHERE price > 50;
