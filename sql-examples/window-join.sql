-- weir window join: per user and minute, how many clicks and how many purchases (LEFT: minutes with clicks but no
-- purchase keep NULL). Both sides are window aggregations on the same 1-minute TUMBLE windows, joined on the user and
-- on window_start and window_end: a WindowJoin that emits each minute once, when the watermark passes its end, then
-- forgets it. Run it with:  npx weir run -f sql-examples/window-join.sql      (it ends after 200 clicks)
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

CREATE TABLE minute_activity (user_id BIGINT, minute STRING, clicks BIGINT, buys BIGINT)
WITH ('connector' = 'print', 'print-identifier' = 'minute_activity');

INSERT INTO minute_activity
SELECT c.user_id, DATE_FORMAT(c.window_start, 'HH:mm'), c.clicks, b.buys
FROM (
  SELECT user_id, window_start, window_end, COUNT(*) AS clicks
  FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' MINUTES))
  GROUP BY user_id, window_start, window_end
) c
LEFT JOIN (
  SELECT user_id, window_start, window_end, COUNT(*) AS buys
  FROM TABLE(TUMBLE(TABLE buys, DESCRIPTOR(ts), INTERVAL '1' MINUTES))
  GROUP BY user_id, window_start, window_end
) b
ON c.user_id = b.user_id AND c.window_start = b.window_start AND c.window_end = b.window_end;
