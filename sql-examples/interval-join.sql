-- weir interval join: every click with the purchases its user made within a minute after it
-- (LEFT JOIN: clicks without one are kept, with NULLs). Append-only: padded rows are emitted once the
-- watermark shows no purchase can match any more, never retracted.
-- Run it with:  npx weir run -f sql-examples/interval-join.sql      (it ends after 200 clicks)
--
-- Times and users derive from the ids, so the result is known in advance (see test/cli/joins.test.ts).


CREATE TABLE clicks (
  click_id BIGINT,
  user_id AS click_id % 4,
  ts AS TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '10' SECOND * click_id,
  WATERMARK FOR ts AS ts
) WITH ('connector' = 'datagen', 'rows-per-second' = '500', 'fields.click_id.kind' = 'sequence', 'fields.click_id.start' = '1', 'fields.click_id.end' = '200');

CREATE TABLE buys (
  buy_id BIGINT,
  user_id AS buy_id % 4,
  ts AS TIMESTAMP '2024-01-01 00:00:00' + INTERVAL '50' SECOND * buy_id,
  WATERMARK FOR ts AS ts
) WITH ('connector' = 'datagen', 'rows-per-second' = '100', 'fields.buy_id.kind' = 'sequence', 'fields.buy_id.start' = '1', 'fields.buy_id.end' = '40');

CREATE TABLE click_buys (click_id BIGINT, buy_id BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'click_buys');

INSERT INTO click_buys
SELECT c.click_id, b.buy_id FROM clicks c LEFT JOIN buys b
ON c.user_id = b.user_id AND b.ts BETWEEN c.ts AND c.ts + INTERVAL '1' MINUTE;
