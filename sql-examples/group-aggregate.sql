-- weir group aggregation: running totals per buyer as a changelog, and how many buyers have
-- placed how many orders (an aggregation over an aggregation, which retracts as counts move).
-- Run it with:  npx weir run -f sql-examples/group-aggregate.sql      (it ends after 500 orders)
--
-- Each buyer's first order prints +I; every later one retracts the old totals (-U) and prints the
-- new ones (+U). In `order_counts`, a count that no buyer has any more is deleted (-D).

CREATE TABLE orders (
  order_id BIGINT,
  -- Derived from the id, so the final totals are known in advance (see test/cli/group-aggregate.test.ts).
  buyer    AS CONCAT('buyer-', CAST(order_id % 5 AS STRING)),
  price    AS CAST(order_id % 7 + 1 AS DECIMAL(10, 2))
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '2000',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '500'
);

CREATE TABLE totals (
  buyer     STRING,
  cnt       BIGINT,
  total     DECIMAL(38, 2),
  max_price DECIMAL(10, 2)
) WITH (
  'connector' = 'print',
  'print-identifier' = 'totals'
);

CREATE TABLE order_counts (
  orders BIGINT,
  buyers BIGINT
) WITH (
  'connector' = 'print',
  'print-identifier' = 'order_counts'
);

SET 'execution.checkpointing.interval' = '1s';

INSERT INTO totals
SELECT buyer, COUNT(*) AS cnt, SUM(price) AS total, MAX(price) AS max_price
FROM orders
GROUP BY buyer;

INSERT INTO order_counts
SELECT cnt, COUNT(*)
FROM (SELECT buyer, COUNT(*) AS cnt FROM orders GROUP BY buyer)
GROUP BY cnt;
