-- Prints what is committed in the topic `big_bids` so far, then ends.

CREATE TABLE big_bids (
  auction BIGINT,
  bidder  STRING,
  price   DECIMAL(10, 2),
  ts      TIMESTAMP(3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'big_bids',
  'properties.bootstrap.servers' = 'localhost:9092',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json'
);

CREATE TABLE out (
  auction BIGINT,
  bidder  STRING,
  price   DECIMAL(10, 2),
  ts      TIMESTAMP(3)
) WITH ('connector' = 'print');

INSERT INTO out SELECT * FROM big_bids;
