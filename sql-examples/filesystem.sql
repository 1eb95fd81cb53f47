-- weir reading files and constant rows: the filesystem connector (a bounded source over a file
-- or a directory), VALUES and UNION ALL. Run it from the repository root with:
--   npx weir run -f sql-examples/filesystem.sql
-- It reads sql-examples/data/orders.csv and ends when the file is read.

CREATE TABLE orders (
  id       INT,
  customer STRING,
  amount   DECIMAL(10, 2),
  ts       TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = 'sql-examples/data/orders.csv',
  'format' = 'csv'
);

-- Customers that are not in the file yet, as constant rows.
CREATE VIEW walk_ins AS
SELECT * FROM (VALUES ('erin', CAST(4.40 AS DECIMAL(10, 2))), ('alice', CAST(1.00 AS DECIMAL(10, 2)))) AS t(customer, amount);

CREATE TABLE spend (customer STRING, orders BIGINT, total DECIMAL(38, 2))
WITH ('connector' = 'print', 'print-identifier' = 'spend');

SET 'execution.checkpointing.interval' = '1s';

-- Every order from the file and the walk-ins, totalled per customer (an updating result).
INSERT INTO spend
SELECT customer, COUNT(*), SUM(amount)
FROM (
  SELECT customer, amount FROM orders
  UNION ALL
  SELECT customer, amount FROM walk_ins
)
GROUP BY customer;
