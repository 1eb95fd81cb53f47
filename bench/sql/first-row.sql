-- Start-up benchmark: the quickstart's shape without its 5 rows/s pacing or filter, so the time
-- to the first printed row is weir's start-up and not the generator's schedule.
CREATE TABLE orders (order_id BIGINT, price DECIMAL(10, 2), buyer STRING) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '1000',
  'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1',
  'fields.order_id.end' = '1000000'
);
CREATE TABLE out_orders (order_id BIGINT, buyer STRING, price DECIMAL(10, 2)) WITH ('connector' = 'print');
INSERT INTO out_orders SELECT order_id, UPPER(buyer), price FROM orders;
