-- Nexmark q0, weir's version: bids passed through unchanged to a blackhole. It measures the cost
-- of the source and of reading its nested bid row, with nothing else in the way.
-- Expects the upstream `datagen` table (ddl_gen.sql, placeholders filled by bench/nexmark/fill.mjs).

CREATE VIEW bid AS
SELECT
  bid.auction AS auction,
  bid.bidder AS bidder,
  bid.price AS price,
  bid.channel AS channel,
  bid.url AS url,
  `dateTime`,
  bid.extra AS extra
FROM datagen
WHERE event_type = 2;

CREATE TABLE nexmark_q0 (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  `dateTime` TIMESTAMP(3),
  extra VARCHAR
) WITH (
  'connector' = 'blackhole'
);

INSERT INTO nexmark_q0
SELECT auction, bidder, price, `dateTime`, extra
FROM bid;
