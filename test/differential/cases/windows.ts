import type { DiffCase } from '../case.js';

/**
 * Bids in arrival order, out of order in event time; with a watermark 2 seconds behind the
 * largest timestamp seen, the rows at 10:00:03 (after 10:00:12 was seen) and 10:00:01 (near the
 * end) arrive after their 5-second tumbling windows fired and are late.
 */
const BIDS = [
  '1,alice,10,2024-01-01 10:00:00',
  '2,bob,20,2024-01-01 10:00:02',
  '3,alice,5,2024-01-01 10:00:04',
  '4,carol,7,2024-01-01 10:00:06',
  '5,bob,3,2024-01-01 10:00:05',
  '6,alice,8,2024-01-01 10:00:12',
  '7,bob,4,2024-01-01 10:00:03',
  '8,carol,9,2024-01-01 10:00:11',
  '9,alice,1,2024-01-01 10:00:17',
  '10,bob,6,2024-01-01 10:00:15',
  '11,carol,2,2024-01-01 10:00:21',
  '12,alice,11,2024-01-01 10:00:01',
  '13,bob,12,2024-01-01 10:00:19',
].join('\n');

const BIDS_TABLE = `
CREATE TABLE bids (
  id INT,
  bidder STRING,
  price INT,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '2' SECOND
) WITH ('connector' = 'filesystem', 'path' = '$DIR/bids.csv', 'format' = 'csv');
`;

const q = (name: string, query: string): DiffCase => ({
  name,
  sql: `${BIDS_TABLE}${query}`,
  files: { 'bids.csv': BIDS },
  eventTime: true,
});

/** Window TVFs, window aggregation with late rows, legacy group windows. */
export const WINDOWS: DiffCase[] = [
  q(
    'TUMBLE window aggregation drops late rows',
    "SELECT window_start, window_end, COUNT(*), SUM(price) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end",
  ),
  q(
    'TUMBLE per key',
    "SELECT bidder, window_start, COUNT(*), MAX(price) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY bidder, window_start, window_end",
  ),
  q(
    'TUMBLE of 10 seconds',
    "SELECT window_start, window_end, MIN(price), AVG(price) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
  ),
  q(
    'TUMBLE with offset',
    "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '2' SECOND)) GROUP BY window_start, window_end",
  ),
  q(
    'HOP window aggregation',
    "SELECT window_start, window_end, COUNT(*), SUM(price) FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
  ),
  q(
    'HOP with named arguments per key',
    "SELECT bidder, window_end, COUNT(*) FROM TABLE(HOP(DATA => TABLE bids, TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '4' SECOND, SIZE => INTERVAL '8' SECOND)) GROUP BY bidder, window_start, window_end",
  ),
  q(
    'CUMULATE window aggregation',
    "SELECT window_start, window_end, COUNT(*), MAX(price) FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '15' SECOND)) GROUP BY window_start, window_end",
  ),
  q(
    'window aggregation with a filter below',
    "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND)) WHERE price > 4 GROUP BY window_start, window_end",
  ),
  q(
    'window aggregation with COUNT DISTINCT and FILTER',
    "SELECT window_start, COUNT(DISTINCT bidder), COUNT(*) FILTER (WHERE price >= 10) FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
  ),
  q(
    'TVF on its own keeps late rows',
    "SELECT id, window_start, window_end FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))",
  ),
  q(
    'HOP TVF on its own',
    "SELECT id, window_start FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND)) WHERE id < 5",
  ),
  q(
    'legacy TUMBLE group window',
    "SELECT bidder, TUMBLE_START(ts, INTERVAL '5' SECOND), TUMBLE_END(ts, INTERVAL '5' SECOND), COUNT(*), SUM(price) FROM bids GROUP BY bidder, TUMBLE(ts, INTERVAL '5' SECOND)",
  ),
  q(
    'legacy TUMBLE without key',
    "SELECT TUMBLE_START(ts, INTERVAL '10' SECOND), COUNT(*) FROM bids GROUP BY TUMBLE(ts, INTERVAL '10' SECOND)",
  ),
  q(
    'aggregate over window aggregation',
    "SELECT cnt, COUNT(*) FROM (SELECT window_start, COUNT(*) AS cnt FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND)) GROUP BY window_start, window_end) GROUP BY cnt",
  ),
  q(
    'window Top-N over TUMBLE drops late rows',
    "SELECT bidder, price, window_start, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rn FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))) WHERE rn <= 2",
  ),
  q(
    'window Top-N per key over HOP without rank number',
    "SELECT bidder, price, window_end FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, bidder ORDER BY price ASC) AS rn FROM TABLE(HOP(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))) WHERE rn <= 1",
  ),
  q(
    'window Top-N rank range over CUMULATE',
    "SELECT id, window_end, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rn FROM TABLE(CUMULATE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND, INTERVAL '10' SECOND))) WHERE rn BETWEEN 2 AND 3",
  ),
  q(
    'window Top-N over a window aggregation',
    "SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY total DESC, bidder) AS rn FROM (SELECT window_start, window_end, bidder, SUM(price) AS total FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, bidder)) WHERE rn <= 2",
  ),
  q(
    'window deduplication keep last row per key',
    "SELECT id, bidder, window_start FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, bidder ORDER BY ts DESC) AS rn FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '5' SECOND))) WHERE rn = 1",
  ),
  q(
    'window deduplication keep first row',
    "SELECT id, window_start FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY ts ASC) AS rn FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))) WHERE rn <= 1",
  ),
];
