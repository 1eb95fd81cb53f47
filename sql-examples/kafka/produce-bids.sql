-- Writes 1000 generated bids into the Kafka topic `bids`, exactly once, then ends.
-- Needs a broker on localhost:9092, e.g.: node scripts/kafka/start.mjs --port 9092

CREATE TABLE generated_bids (
  auction BIGINT,
  bidder  STRING,
  price   DECIMAL(10, 2),
  ts      TIMESTAMP(3)
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '500',
  'fields.auction.kind' = 'sequence',
  'fields.auction.start' = '1',
  'fields.auction.end' = '1000',
  'fields.bidder.length' = '6',
  'fields.price.min' = '1',
  'fields.price.max' = '200'
);

CREATE TABLE bids (
  auction BIGINT,
  bidder  STRING,
  price   DECIMAL(10, 2),
  ts      TIMESTAMP(3)
) WITH (
  'connector' = 'kafka',
  'topic' = 'bids',
  'properties.bootstrap.servers' = 'localhost:9092',
  'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.transactional-id-prefix' = 'weir-produce-bids'
);

SET 'execution.checkpointing.interval' = '1s';

INSERT INTO bids SELECT * FROM generated_bids;
