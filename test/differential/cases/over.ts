import type { DiffCase } from '../case.js';

/** Sales in arrival order; event time is in order, so no row is late for OVER on rowtime. */
const SALES = [
  '1,north,apple,5,2024-01-01 10:00:00',
  '2,south,pear,9,2024-01-01 10:00:01',
  '3,north,plum,7,2024-01-01 10:00:02',
  '4,north,apple,2,2024-01-01 10:00:04',
  '5,south,apple,9,2024-01-01 10:00:04',
  '6,east,kiwi,1,2024-01-01 10:00:05',
  '7,north,pear,8,2024-01-01 10:00:07',
  '8,south,plum,3,2024-01-01 10:00:09',
  '9,north,kiwi,6,2024-01-01 10:00:10',
  '10,south,kiwi,4,2024-01-01 10:00:12',
  '11,east,apple,10,2024-01-01 10:00:15',
].join('\n');

const SALES_TABLE = `
CREATE TABLE sales (
  id INT,
  region STRING,
  item STRING,
  qty INT,
  ts TIMESTAMP(3),
  pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND
) WITH ('connector' = 'filesystem', 'path' = '$DIR/sales.csv', 'format' = 'csv');
`;

const q = (name: string, query: string, extra: Partial<DiffCase> = {}): DiffCase => ({
  name,
  sql: `${SALES_TABLE}${query}`,
  files: { 'sales.csv': SALES },
  ...extra,
});

/** Top-N, deduplication and OVER aggregation. */
export const OVER: DiffCase[] = [
  q(
    'Top-N per partition with rank number',
    'SELECT * FROM (SELECT region, id, qty, ROW_NUMBER() OVER (PARTITION BY region ORDER BY qty DESC) AS rn FROM sales) WHERE rn <= 2',
  ),
  q(
    'Top-N without rank number',
    'SELECT region, id, qty FROM (SELECT region, id, qty, ROW_NUMBER() OVER (PARTITION BY region ORDER BY qty DESC) AS rn FROM sales) WHERE rn <= 2',
  ),
  q(
    'global Top-3 ascending',
    'SELECT id, qty, rn FROM (SELECT id, qty, ROW_NUMBER() OVER (ORDER BY qty ASC) AS rn FROM sales) WHERE rn <= 3',
  ),
  q(
    'Top-N with ties in arrival order',
    'SELECT id, rn FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY item ORDER BY qty DESC) AS rn FROM sales) WHERE rn = 1',
  ),
  q(
    'Top-N with two order keys',
    'SELECT id, rn FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY region ORDER BY item ASC, qty DESC) AS rn FROM sales) WHERE rn <= 2',
  ),
  q(
    'Top-N over an aggregation (retract strategy)',
    'SELECT region, total FROM (SELECT region, total, ROW_NUMBER() OVER (ORDER BY total DESC) AS rn FROM (SELECT region, SUM(qty) AS total FROM sales GROUP BY region)) WHERE rn <= 2',
  ),
  q(
    'Top-N over an aggregation with rank number',
    'SELECT * FROM (SELECT item, n, ROW_NUMBER() OVER (ORDER BY n DESC, item ASC) AS rn FROM (SELECT item, COUNT(*) AS n FROM sales GROUP BY item)) WHERE rn <= 3',
  ),
  q(
    'deduplicate keep first on processing time',
    'SELECT region, id FROM (SELECT region, id, ROW_NUMBER() OVER (PARTITION BY region ORDER BY pt ASC) AS rn FROM sales) WHERE rn = 1',
  ),
  q(
    'deduplicate keep last on processing time',
    'SELECT region, id, qty FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY region ORDER BY pt DESC) AS rn FROM sales) WHERE rn = 1',
  ),
  q(
    'deduplicate keep first on event time',
    'SELECT item, id FROM (SELECT item, id, ROW_NUMBER() OVER (PARTITION BY item ORDER BY ts ASC) AS rn FROM sales) WHERE rn = 1',
    { eventTime: true },
  ),
  q(
    'deduplicate keep last on event time',
    'SELECT item, id FROM (SELECT item, id, ROW_NUMBER() OVER (PARTITION BY item ORDER BY ts DESC) AS rn FROM sales) WHERE rn = 1',
    { eventTime: true },
  ),
  q(
    'OVER unbounded ROWS on processing time',
    'SELECT id, SUM(qty) OVER (PARTITION BY region ORDER BY pt ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM sales',
  ),
  q(
    'OVER bounded ROWS on processing time',
    'SELECT id, COUNT(*) OVER w, MAX(qty) OVER w FROM sales WINDOW w AS (PARTITION BY region ORDER BY pt ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)',
  ),
  q(
    'OVER RANGE on event time',
    "SELECT id, SUM(qty) OVER (PARTITION BY region ORDER BY ts RANGE BETWEEN INTERVAL '5' SECOND PRECEDING AND CURRENT ROW) FROM sales",
    { eventTime: true },
  ),
  q(
    'OVER unbounded RANGE on event time with peers',
    'SELECT id, COUNT(*) OVER (ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), AVG(qty) OVER (ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM sales',
    { eventTime: true },
  ),
  q(
    'OVER ROWS on event time',
    'SELECT id, MIN(qty) OVER (PARTITION BY item ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM sales',
    { eventTime: true },
  ),
  // Retractable OVER windows (weir's; Flink refuses both): ordered by a non-time column, and over
  // an updating input. Order keys are unique within a partition, so the frames are deterministic.
  q(
    'OVER ROWS ordered by a non-time column',
    'SELECT id, SUM(qty) OVER (PARTITION BY region ORDER BY qty DESC, id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s FROM sales',
  ),
  q(
    'OVER unbounded ROWS over a group aggregate (retractions)',
    'SELECT item, total, SUM(total) OVER (ORDER BY item ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_total FROM (SELECT item, SUM(qty) AS total FROM sales GROUP BY item)',
  ),
  q(
    'OVER ROWS over a Top-1 that replaces its rows (Nexmark q6 shape)',
    'SELECT region, id, AVG(qty) OVER (PARTITION BY region ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS a FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY item ORDER BY qty DESC) AS rn FROM sales) WHERE rn <= 1',
  ),
];
