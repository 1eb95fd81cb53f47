-- Reads the topic `bids` and writes the bids over 100 to the topic `big_bids`, exactly once.
-- Runs until stopped (Ctrl-C, or `weir stop --savepointPath <dir> <job-id>`).

SET 'execution.checkpointing.interval' = '2s';

CREATE TABLE bids (
  auction BIGINT,
  bidder  STRING,
  price   DECIMAL(10, 2),
  ts      TIMESTAMP(3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'bids',
  'properties.bootstrap.servers' = 'localhost:9092',
  'properties.group.id' = 'weir-big-bids',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

CREATE TABLE big_bids (
  auction BIGINT,
  bidder  STRING,
  price   DECIMAL(10, 2),
  ts      TIMESTAMP(3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'big_bids',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'key.format' = 'raw',
  'key.fields' = 'bidder',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'weir-big-bids'
);

INSERT INTO big_bids SELECT * FROM bids WHERE price > 100;
