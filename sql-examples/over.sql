-- weir OVER aggregation: per buyer, each order with the totals of its last three orders (ROWS) and
-- of its orders in the last five seconds (RANGE), by event time.
-- Run it with:  npx weir run -f sql-examples/over.sql      (it ends after 300 orders)
--
-- Rows wait until the watermark passes their time, then each comes out once (+I) with its
-- aggregates: an OVER aggregation is insert-only.

CREATE TABLE orders (
  order_id BIGINT,
  -- Derived from the id, so the results are known in advance (see test/cli/over.test.ts).
  buyer    AS CONCAT('buyer-', CAST(order_id % 3 AS STRING)),
  price    AS CAST(order_id % 7 + 1 AS INT),
  -- Order n happens n seconds after the epoch.
  ts       AS TO_TIMESTAMP(FROM_UNIXTIME(order_id)),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '3000',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '300'
);

CREATE TABLE last_three (buyer STRING, order_id BIGINT, total INT, orders BIGINT, max_price INT)
WITH ('connector' = 'print', 'print-identifier' = 'last_three');

CREATE TABLE last_five_seconds (buyer STRING, order_id BIGINT, total INT, avg_price INT)
WITH ('connector' = 'print', 'print-identifier' = 'last_five_seconds');

SET 'execution.checkpointing.interval' = '1s';

-- A named window, shared by three aggregates.
INSERT INTO last_three
SELECT buyer, order_id, SUM(price) OVER w, COUNT(*) OVER w, MAX(price) OVER w
FROM orders
WINDOW w AS (PARTITION BY buyer ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW);

INSERT INTO last_five_seconds
SELECT
  buyer,
  order_id,
  SUM(price) OVER (PARTITION BY buyer ORDER BY ts RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW),
  AVG(price) OVER (PARTITION BY buyer ORDER BY ts RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW)
FROM orders;
