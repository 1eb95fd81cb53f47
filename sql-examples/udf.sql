-- weir user-defined functions: JavaScript modules created with CREATE FUNCTION, used like built-ins.
-- Run it with:  npx weir run -f sql-examples/udf.sql      (it ends after 200 orders)
--
-- A module path is relative to this file. '#priceBand' picks a named export; without it the
-- module's default export is the function.

CREATE FUNCTION price_band AS './udfs/orders.mjs#priceBand' LANGUAGE JAVASCRIPT;
CREATE TEMPORARY FUNCTION mask_email AS './udfs/orders.mjs';

CREATE TABLE orders (
  order_id BIGINT,
  -- Derived from the id, so the results are known in advance (see test/cli/udf.test.ts).
  price    AS CAST(order_id * 1.5 AS DECIMAL(10, 2)),
  email    AS CONCAT('buyer@shop', CAST(order_id % 3 AS STRING), '.example')
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '5000',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '200'
);

CREATE TABLE bands (band STRING, buyer STRING, orders BIGINT, total DECIMAL(38, 2))
WITH ('connector' = 'print', 'print-identifier' = 'bands');

INSERT INTO bands
SELECT price_band(price), mask_email(email), COUNT(*), SUM(price)
FROM orders
GROUP BY price_band(price), mask_email(email);
