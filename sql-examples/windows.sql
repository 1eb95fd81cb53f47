-- weir windows: the window TVFs TUMBLE, HOP, CUMULATE and SESSION with window aggregation, a window
-- TVF on its own, and a legacy SESSION group window. Each window's result is printed once (+I), when the
-- watermark passes the window's end.
-- Run it with:  npx weir run -f sql-examples/windows.sql      (it ends after 1000 clicks)

CREATE TABLE clicks (
  id      BIGINT,
  user_id AS id % 3,
  -- 10 ms apart, shuffled by up to 40 ms: out of order, but within the watermark's 50 ms delay.
  ts      AS TIMESTAMP '2024-01-01 00:00:00' + (id * 10 + (id * 7) % 5 * 10) * INTERVAL '0.001' SECOND,
  WATERMARK FOR ts AS ts - INTERVAL '0.05' SECOND
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '5000',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '1',
  'fields.id.end' = '1000'
);

-- Visits come in bursts of 50, 10 ms apart, with 10 s of silence after each burst.
CREATE TABLE visits (
  id      BIGINT,
  user_id AS id % 2,
  ts      AS TIMESTAMP '2024-01-01 00:00:00' + (id * 10 + id / 50 * 10000) * INTERVAL '0.001' SECOND,
  WATERMARK FOR ts AS ts
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '5000',
  'fields.id.kind' = 'sequence',
  'fields.id.start' = '0',
  'fields.id.end' = '199'
);

CREATE TABLE tumbling (user_id BIGINT, clicks BIGINT, id_sum BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3))
  WITH ('connector' = 'print', 'print-identifier' = 'tumbling');
CREATE TABLE hopping (clicks BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3))
  WITH ('connector' = 'print', 'print-identifier' = 'hopping');
CREATE TABLE cumulating (user_id BIGINT, max_id BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3))
  WITH ('connector' = 'print', 'print-identifier' = 'cumulating');
CREATE TABLE first_clicks (id BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3))
  WITH ('connector' = 'print', 'print-identifier' = 'first_clicks');
CREATE TABLE sessions (user_id BIGINT, visits BIGINT, session_start TIMESTAMP(3), session_end TIMESTAMP(3))
  WITH ('connector' = 'print', 'print-identifier' = 'sessions');
CREATE TABLE cascaded (clicks BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3))
  WITH ('connector' = 'print', 'print-identifier' = 'cascaded');
CREATE TABLE busiest (max_clicks BIGINT, window_start TIMESTAMP(3), window_end TIMESTAMP(3))
  WITH ('connector' = 'print', 'print-identifier' = 'busiest');
CREATE TABLE session_tvf (user_id BIGINT, visits BIGINT, session_start TIMESTAMP(3), session_end TIMESTAMP(3))
  WITH ('connector' = 'print', 'print-identifier' = 'session_tvf');

SET 'execution.checkpointing.interval' = '1s';

-- Clicks per user and second.
INSERT INTO tumbling
SELECT user_id, COUNT(*), SUM(id), window_start, window_end
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY user_id, window_start, window_end;

-- All clicks in the last 2 seconds, every second (named arguments, in any order).
INSERT INTO hopping
SELECT COUNT(*), window_start, window_end
FROM TABLE(HOP(DATA => TABLE clicks, TIMECOL => DESCRIPTOR(ts), SIZE => INTERVAL '2' SECOND, SLIDE => INTERVAL '1' SECOND))
GROUP BY window_start, window_end;

-- The largest id per user so far in each 3-second period, every second.
INSERT INTO cumulating
SELECT user_id, MAX(id), window_start, window_end
FROM TABLE(CUMULATE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '3' SECOND))
GROUP BY user_id, window_start, window_end;

-- A window TVF on its own: each row once per window it is in.
INSERT INTO first_clicks
SELECT id, window_start, window_end
FROM TABLE(HOP(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '2' SECOND))
WHERE id <= 3;

-- Sessions per user: visits less than 5 seconds apart.
INSERT INTO sessions
SELECT user_id, COUNT(*), SESSION_START(ts, INTERVAL '5' SECOND), SESSION_END(ts, INTERVAL '5' SECOND)
FROM visits
GROUP BY user_id, SESSION(ts, INTERVAL '5' SECOND);

-- The same sessions with the SESSION window TVF (Flink 1.19+), partitioned by user.
INSERT INTO session_tvf
SELECT user_id, COUNT(*), window_start, window_end
FROM TABLE(SESSION(TABLE visits PARTITION BY user_id, DESCRIPTOR(ts), INTERVAL '5' SECOND))
GROUP BY user_id, window_start, window_end;

-- Cascading window aggregation: window_time stays a rowtime after a window aggregation, so the
-- per-user counts of each second can be windowed again, into totals per 2 seconds.
CREATE VIEW clicks_per_user_second AS
SELECT user_id, window_time AS rowtime, COUNT(*) AS clicks
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY user_id, window_start, window_end, window_time;

INSERT INTO cascaded
SELECT SUM(clicks), window_start, window_end
FROM TABLE(TUMBLE(TABLE clicks_per_user_second, DESCRIPTOR(rowtime), INTERVAL '2' SECOND))
GROUP BY window_start, window_end;

-- Grouping by the window_start and window_end of a window aggregation is a window aggregation too
-- (one insert per window, not a changelog): the most clicks any user made in each second.
INSERT INTO busiest
SELECT MAX(clicks), ws, we
FROM (
  SELECT user_id, COUNT(*) AS clicks, window_start AS ws, window_end AS we
  FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND))
  GROUP BY user_id, window_start, window_end
)
GROUP BY ws, we;
