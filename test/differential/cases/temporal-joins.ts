import type { DiffCase } from '../case.js';

/** Orders (append-only) and the versioned table of currency rates, both in time order. */
export const ORDERS = [
  'o_001,11.11,EUR,2024-01-01 12:00:00',
  'o_002,12.51,EUR,2024-01-01 12:06:00',
  'o_003,7.00,USD,2024-01-01 12:06:30',
  'o_004,1.00,GBP,2024-01-01 12:07:00',
  'o_005,3.50,EUR,2024-01-01 12:10:00',
  'o_006,9.99,,2024-01-01 12:11:00',
  'o_007,2.00,USD,2024-01-01 12:12:00',
  'o_008,4.00,EUR,2024-01-01 12:20:00',
].join('\n');

export const RATES = [
  'EUR,1.14,2024-01-01 11:59:00',
  'USD,1.00,2024-01-01 11:59:30',
  'EUR,1.10,2024-01-01 12:05:00',
  'GBP,0.86,2024-01-01 12:08:00',
  'USD,0.99,2024-01-01 12:10:00',
  'EUR,1.12,2024-01-01 12:10:00',
  'EUR,1.09,2024-01-01 12:15:00',
].join('\n');

/**
 * The LEFT JOIN of every order with the rate valid at its time, worked out by hand as Flink's
 * documentation explains the join: GBP's first rate comes after o_004; EUR's 12:10 rate is valid at
 * 12:10; o_006's empty currency has no rate.
 */
export const LEFT_JOIN_RESULT: readonly string[] = [
  '"o_001" | 11.11 | "EUR" | 1.14 | TS 2024-01-01T12:00',
  '"o_002" | 12.51 | "EUR" | 1.1 | TS 2024-01-01T12:06',
  '"o_003" | 7 | "USD" | 1 | TS 2024-01-01T12:06:30',
  '"o_004" | 1 | "GBP" | NULL | TS 2024-01-01T12:07',
  '"o_005" | 3.5 | "EUR" | 1.12 | TS 2024-01-01T12:10',
  '"o_006" | 9.99 | "" | NULL | TS 2024-01-01T12:11',
  '"o_007" | 2 | "USD" | 0.99 | TS 2024-01-01T12:12',
  '"o_008" | 4 | "EUR" | 1.09 | TS 2024-01-01T12:20',
];

const TABLES = `
CREATE TABLE orders (
  order_id STRING,
  price DECIMAL(32, 2),
  currency STRING,
  order_time TIMESTAMP(3),
  WATERMARK FOR order_time AS order_time - INTERVAL '15' SECOND
) WITH ('connector' = 'filesystem', 'path' = '$DIR/orders.csv', 'format' = 'csv');
CREATE TABLE currency_rates (
  currency STRING,
  conversion_rate DECIMAL(32, 2),
  update_time TIMESTAMP(3),
  WATERMARK FOR update_time AS update_time - INTERVAL '15' SECOND,
  PRIMARY KEY (currency) NOT ENFORCED
) WITH ('connector' = 'filesystem', 'path' = '$DIR/rates.csv', 'format' = 'csv');
`;

const q = (name: string, query: string, extra: Partial<DiffCase> = {}): DiffCase => ({
  name,
  sql: `${TABLES}${query}`,
  files: { 'orders.csv': ORDERS, 'rates.csv': RATES },
  ...extra,
});

/** Event-time temporal joins with a versioned table (FOR SYSTEM_TIME AS OF the left rowtime). */
export const TEMPORAL: DiffCase[] = [
  q(
    "LEFT JOIN: the rate valid at each order's time (Flink's documentation example)",
    `SELECT order_id, price, orders.currency, conversion_rate, order_time
     FROM orders LEFT JOIN currency_rates FOR SYSTEM_TIME AS OF orders.order_time
     ON orders.currency = currency_rates.currency`,
    {
      documented: LEFT_JOIN_RESULT,
    },
  ),
  q(
    'INNER JOIN drops orders before the first rate and without a currency',
    `SELECT o.order_id, o.price * r.conversion_rate AS converted, r.update_time
     FROM orders AS o JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time AS r
     ON o.currency = r.currency`,
  ),
  q(
    'an extra ON condition over the version, and a WHERE over the joined row',
    `SELECT o.order_id, r.conversion_rate
     FROM orders AS o LEFT JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time AS r
     ON o.currency = r.currency AND r.conversion_rate > 1.00
     WHERE o.price > 2`,
  ),
  q(
    'aggregated after the join',
    `SELECT r.currency, COUNT(*), SUM(o.price * r.conversion_rate)
     FROM orders AS o JOIN currency_rates FOR SYSTEM_TIME AS OF o.order_time AS r
     ON o.currency = r.currency GROUP BY r.currency`,
  ),
];
