-- weir regular joins: every order with its customer's name (LEFT JOIN: orders of unknown
-- customers are kept, with NULLs), as a changelog.
-- Run it with:  npx weir run -f sql-examples/joins.sql      (it ends after 300 orders)
--
-- An order that arrives before its customer prints +I[order, null, null]; when the customer
-- arrives that row is retracted (-D) and the joined row is printed (+I), as in Flink.

CREATE TABLE orders (
  order_id    BIGINT,
  -- Derived from the id, so the final result is known in advance (see test/cli/joins.test.ts):
  -- customers 0..6, of which only 1..5 exist.
  customer_id AS order_id % 7,
  amount      AS CAST(order_id % 10 + 1 AS DECIMAL(10, 2))
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '1000',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '300'
);

CREATE TABLE customers (
  id   BIGINT,
  name AS CONCAT('customer-', CAST(id AS STRING))
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '20',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '5'
);

CREATE TABLE order_names (
  order_id BIGINT,
  name     STRING,
  amount   DECIMAL(10, 2)
) WITH (
  'connector' = 'print',
  'print-identifier' = 'order_names'
);

INSERT INTO order_names
SELECT o.order_id, c.name, o.amount
FROM orders AS o
LEFT JOIN customers AS c ON o.customer_id = c.id;
