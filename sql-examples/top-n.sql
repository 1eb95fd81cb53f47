-- weir Top-N and deduplication: the three highest prices per buyer, the two buyers with the most
-- orders (a Top-N over an aggregation, which retracts as counts move), and each buyer's first order.
-- Run it with:  npx weir run -f sql-examples/top-n.sql      (it ends after 600 orders)
--
-- A price entering a buyer's top 3 shifts the ranks below it: -U/+U per rank whose row changed.
-- The top buyers change as their counts grow: rows leave the top 2 (-D) and enter it (+I).

CREATE TABLE orders (
  order_id BIGINT,
  -- Derived from the id, so the results are known in advance (see test/cli/top-n.test.ts).
  buyer    AS CONCAT('buyer-', CAST(order_id % 6 AS STRING)),
  price    AS CAST(order_id * 37 % 101 AS INT),
  pt       AS PROCTIME()
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '3000',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '600'
);

CREATE TABLE top_prices (buyer STRING, price INT, rn BIGINT)
WITH ('connector' = 'print', 'print-identifier' = 'top_prices');

CREATE TABLE top_buyers (buyer STRING, cnt BIGINT)
WITH ('connector' = 'print', 'print-identifier' = 'top_buyers');

CREATE TABLE first_orders (buyer STRING, order_id BIGINT)
WITH ('connector' = 'print', 'print-identifier' = 'first_orders');

SET 'execution.checkpointing.interval' = '1s';

-- Top-N (Flink's Rank, AppendFastStrategy): ROW_NUMBER with a filter on it.
INSERT INTO top_prices
SELECT buyer, price, rn
FROM (SELECT buyer, price, ROW_NUMBER() OVER (PARTITION BY buyer ORDER BY price DESC) AS rn FROM orders)
WHERE rn <= 3;

-- Top-N over an updating input (RetractStrategy), without the rank number in the output.
INSERT INTO top_buyers
SELECT buyer, cnt
FROM (
  SELECT buyer, cnt, ROW_NUMBER() OVER (ORDER BY cnt DESC) AS rn
  FROM (SELECT buyer, COUNT(*) AS cnt FROM orders GROUP BY buyer)
)
WHERE rn <= 2;

-- Deduplication (keep the first row on processing time): insert-only.
INSERT INTO first_orders
SELECT buyer, order_id
FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY buyer ORDER BY pt ASC) AS rn FROM orders)
WHERE rn = 1;
