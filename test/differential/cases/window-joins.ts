import type { DiffCase } from '../case.js';

/**
 * The tables of Flink's window join page (LeftTable, RightTable). The page lists L2 (12:06) before
 * L3 (12:03); here the rows are in time order, so that nothing is late whatever watermarks the
 * two sources interleave (Flink's page shows L3 joined: no row is late there either).
 */
const LEFT = ['2020-04-15 12:02:00,1,L1', '2020-04-15 12:03:00,3,L3', '2020-04-15 12:06:00,2,L2'].join('\n');
const RIGHT = ['2020-04-15 12:01:00,2,R2', '2020-04-15 12:04:00,3,R3', '2020-04-15 12:05:00,4,R4'].join('\n');

const table = (name: string, file: string) => `
CREATE TABLE ${name} (
  row_time TIMESTAMP(3),
  num INT,
  id STRING,
  WATERMARK FOR row_time AS row_time - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = '$DIR/${file}', 'format' = 'csv');
`;

const doc = (name: string, query: string, documented?: readonly string[]): DiffCase => ({
  name,
  sql: `${table('LeftTable', 'left.csv')}${table('RightTable', 'right.csv')}${query}`,
  files: { 'left.csv': LEFT, 'right.csv': RIGHT },
  ...(documented ? { documented } : {}),
});

const tumble = (t: string) =>
  `(SELECT * FROM TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(row_time), INTERVAL '5' MINUTES)))`;
const WINDOWS = 'L.window_start = R.window_start AND L.window_end = R.window_end';
const JOINED =
  'SELECT L.num as L_Num, L.id as L_Id, R.num as R_Num, R.id as R_Id, L.window_start, L.window_end';

/** `SELECT *` of the semi join examples: L3 in [12:00, 12:05). */
const SEMI_RESULT = [
  'TS 2020-04-15T12:03 | 3 | "L3" | TS 2020-04-15T12:00 | TS 2020-04-15T12:05 | TS 2020-04-15T12:04:59.999',
];
/** `SELECT *` of the anti join examples: L1 and L2, which have no match in their windows. */
const ANTI_RESULT = [
  'TS 2020-04-15T12:02 | 1 | "L1" | TS 2020-04-15T12:00 | TS 2020-04-15T12:05 | TS 2020-04-15T12:04:59.999',
  'TS 2020-04-15T12:06 | 2 | "L2" | TS 2020-04-15T12:05 | TS 2020-04-15T12:10 | TS 2020-04-15T12:09:59.999',
];

/**
 * Rows with NULL keys, several rows per key and window, and windows that only one side has
 * (10-second windows, in time order).
 */
const A = [
  '2024-01-01 10:00:01,1,a1',
  '2024-01-01 10:00:02,1,a2',
  '2024-01-01 10:00:03,,a-null',
  '2024-01-01 10:00:04,2,a3',
  '2024-01-01 10:00:12,1,a4',
  '2024-01-01 10:00:25,3,a5',
  '2024-01-01 10:00:31,1,a6',
].join('\n');
const B = [
  '2024-01-01 10:00:00,1,b1',
  '2024-01-01 10:00:05,,b-null',
  '2024-01-01 10:00:06,1,b2',
  '2024-01-01 10:00:09,4,b3',
  '2024-01-01 10:00:14,2,b4',
  '2024-01-01 10:00:19,1,b5',
  '2024-01-01 10:00:33,1,b6',
].join('\n');

const ab = (name: string, query: string): DiffCase => ({
  name,
  sql: `${table('a', 'a.csv')}${table('b', 'b.csv')}${query}`,
  files: { 'a.csv': A, 'b.csv': B },
});
const tvf = (t: string, fn = 'TUMBLE', args = "INTERVAL '10' SECOND") =>
  `(SELECT * FROM TABLE(${fn}(TABLE ${t}, DESCRIPTOR(row_time), ${args})))`;
const ON = 'a.window_start = b.window_start AND a.window_end = b.window_end';

/** Window joins (Flink's WindowJoin) over window TVFs and window aggregations. */
export const WINDOW_JOINS: DiffCase[] = [
  doc(
    "FULL OUTER window join (Flink's documentation example; L.window_start is NULL for right-only rows)",
    `${JOINED} FROM ${tumble('LeftTable')} L FULL JOIN ${tumble('RightTable')} R ON L.num = R.num AND ${WINDOWS}`,
  ),
  doc(
    "FULL OUTER window join with the window of either side, as Flink's documentation prints it",
    `SELECT L.num as L_Num, L.id as L_Id, R.num as R_Num, R.id as R_Id,
       COALESCE(L.window_start, R.window_start) AS window_start, COALESCE(L.window_end, R.window_end) AS window_end
     FROM ${tumble('LeftTable')} L FULL JOIN ${tumble('RightTable')} R ON L.num = R.num AND ${WINDOWS}`,
    [
      '1 | "L1" | NULL | NULL | TS 2020-04-15T12:00 | TS 2020-04-15T12:05',
      'NULL | NULL | 2 | "R2" | TS 2020-04-15T12:00 | TS 2020-04-15T12:05',
      '3 | "L3" | 3 | "R3" | TS 2020-04-15T12:00 | TS 2020-04-15T12:05',
      '2 | "L2" | NULL | NULL | TS 2020-04-15T12:05 | TS 2020-04-15T12:10',
      'NULL | NULL | 4 | "R4" | TS 2020-04-15T12:05 | TS 2020-04-15T12:10',
    ],
  ),
  doc(
    'INNER window join of the documentation tables',
    `${JOINED} FROM ${tumble('LeftTable')} L JOIN ${tumble('RightTable')} R ON L.num = R.num AND ${WINDOWS}`,
    ['3 | "L3" | 3 | "R3" | TS 2020-04-15T12:00 | TS 2020-04-15T12:05'],
  ),
  doc(
    'LEFT window join of the documentation tables',
    `${JOINED} FROM ${tumble('LeftTable')} L LEFT JOIN ${tumble('RightTable')} R ON L.num = R.num AND ${WINDOWS}`,
  ),
  doc(
    'RIGHT window join of the documentation tables',
    `${JOINED} FROM ${tumble('LeftTable')} L RIGHT JOIN ${tumble('RightTable')} R ON L.num = R.num AND ${WINDOWS}`,
  ),
  doc(
    "SEMI window join with IN (Flink's documentation example)",
    `SELECT * FROM ${tumble('LeftTable')} L WHERE L.num IN (
       SELECT num FROM ${tumble('RightTable')} R WHERE L.window_start = R.window_start AND L.window_end = R.window_end)`,
    SEMI_RESULT,
  ),
  doc(
    "SEMI window join with EXISTS (Flink's documentation example)",
    `SELECT * FROM ${tumble('LeftTable')} L WHERE EXISTS (
       SELECT * FROM ${tumble('RightTable')} R WHERE L.num = R.num AND ${WINDOWS})`,
    SEMI_RESULT,
  ),
  doc(
    "ANTI window join with NOT IN (Flink's documentation example)",
    `SELECT * FROM ${tumble('LeftTable')} L WHERE L.num NOT IN (
       SELECT num FROM ${tumble('RightTable')} R WHERE L.window_start = R.window_start AND L.window_end = R.window_end)`,
    ANTI_RESULT,
  ),
  doc(
    "ANTI window join with NOT EXISTS (Flink's documentation example)",
    `SELECT * FROM ${tumble('LeftTable')} L WHERE NOT EXISTS (
       SELECT * FROM ${tumble('RightTable')} R WHERE L.num = R.num AND ${WINDOWS})`,
    ANTI_RESULT,
  ),
  ab(
    'INNER window join: every pair of a key and window, NULL keys never match',
    `SELECT a.id, b.id, a.window_start FROM ${tvf('a')} a JOIN ${tvf('b')} b ON a.num = b.num AND ${ON}`,
  ),
  ab(
    'FULL OUTER window join pads NULL keys and windows only one side has',
    `SELECT a.id, b.id, a.window_end, b.window_end FROM ${tvf('a')} a FULL JOIN ${tvf('b')} b ON a.num = b.num AND ${ON}`,
  ),
  ab(
    'window join with a condition besides the keys, and WHERE above an outer join',
    `SELECT a.id, b.id FROM ${tvf('a')} a LEFT JOIN ${tvf('b')} b ON a.num = b.num AND ${ON} AND a.row_time < b.row_time
     WHERE a.id <> 'a2'`,
  ),
  ab(
    'window join without other keys (comma join, windows in WHERE)',
    `SELECT a.id, b.id FROM ${tvf('a')} a, ${tvf('b')} b WHERE ${ON} AND a.id < 'a3'`,
  ),
  ab(
    'HOP window join: each row in every window it is in',
    `SELECT a.id, b.id, a.window_start FROM ${tvf('a', 'HOP', "INTERVAL '5' SECOND, INTERVAL '10' SECOND")} a
     JOIN ${tvf('b', 'HOP', "INTERVAL '5' SECOND, INTERVAL '10' SECOND")} b ON a.num = b.num AND ${ON}`,
  ),
  ab(
    'CUMULATE window join, LEFT',
    `SELECT a.id, b.id, a.window_start, a.window_end FROM ${tvf('a', 'CUMULATE', "INTERVAL '5' SECOND, INTERVAL '20' SECOND")} a
     LEFT JOIN ${tvf('b', 'CUMULATE', "INTERVAL '5' SECOND, INTERVAL '20' SECOND")} b ON a.num = b.num AND ${ON}`,
  ),
  ab(
    'window join of two window aggregations',
    `SELECT a.num, a.cnt, b.cnt, a.window_start FROM
       (SELECT num, window_start, window_end, COUNT(*) AS cnt FROM ${tvf('a')} GROUP BY num, window_start, window_end) a
     JOIN
       (SELECT num, window_start, window_end, COUNT(*) AS cnt FROM ${tvf('b')} GROUP BY num, window_start, window_end) b
     ON a.num = b.num AND ${ON}`,
  ),
  ab(
    "Nexmark q5's shape: the keys with the most rows per HOP window (window join of window aggregations)",
    `SELECT c.num, c.cnt, c.starttime FROM
       (SELECT num, COUNT(*) AS cnt, window_start AS starttime, window_end AS endtime
        FROM ${tvf('a', 'HOP', "INTERVAL '5' SECOND, INTERVAL '10' SECOND")} GROUP BY num, window_start, window_end) c
     JOIN
       (SELECT MAX(cnt) AS maxn, starttime, endtime FROM
          (SELECT num, COUNT(*) AS cnt, window_start AS starttime, window_end AS endtime
           FROM ${tvf('a', 'HOP', "INTERVAL '5' SECOND, INTERVAL '10' SECOND")} GROUP BY num, window_start, window_end)
        GROUP BY starttime, endtime) m
     ON c.starttime = m.starttime AND c.endtime = m.endtime AND c.cnt >= m.maxn`,
  ),
  ab(
    'ANTI window join with NOT IN over nullable keys (NULL-aware, per window)',
    `SELECT id, window_start FROM ${tvf('a')} a WHERE a.num NOT IN (
       SELECT num FROM ${tvf('b')} b WHERE ${ON})`,
  ),
];
