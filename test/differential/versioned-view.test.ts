import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEFT_JOIN_RESULT, ORDERS, RATES } from './cases/temporal-joins.js';
import { runStreaming } from './streaming.js';

/**
 * An event-time temporal join with a versioned view — the deduplicating query Flink's
 * documentation gives (`ROW_NUMBER() OVER (PARTITION BY currency ORDER BY update_time DESC) = 1`
 * over an append-only rates log) — gives the same rows as with a table declaring the primary key
 * (cases/temporal-joins.ts), at parallelism 1 and 4 and through a restore mid-run. The view's
 * Deduplicate sends each new version as an update, which the join keeps by its rowtime.
 */
const dir = mkdtempSync(join(tmpdir(), 'weir-versioned-view-'));
writeFileSync(join(dir, 'orders.csv'), ORDERS);
writeFileSync(join(dir, 'rates.csv'), RATES);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `
CREATE TABLE orders (
  order_id STRING, price DECIMAL(32, 2), currency STRING, order_time TIMESTAMP(3),
  WATERMARK FOR order_time AS order_time - INTERVAL '15' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${dir}/orders.csv', 'format' = 'csv');
CREATE TABLE rates_log (
  currency STRING, conversion_rate DECIMAL(32, 2), update_time TIMESTAMP(3),
  WATERMARK FOR update_time AS update_time - INTERVAL '15' SECOND
) WITH ('connector' = 'filesystem', 'path' = '${dir}/rates.csv', 'format' = 'csv');
CREATE VIEW versioned_rates AS
SELECT currency, conversion_rate, update_time FROM (
  SELECT *, ROW_NUMBER() OVER (PARTITION BY currency ORDER BY update_time DESC) AS rownum FROM rates_log)
WHERE rownum = 1;
SELECT order_id, price, orders.currency, conversion_rate, order_time
FROM orders LEFT JOIN versioned_rates FOR SYSTEM_TIME AS OF orders.order_time
ON orders.currency = versioned_rates.currency;
`;

describe('temporal join with a versioned view (deduplication)', () => {
  it('equals the join with a primary-key table, at parallelism 1 and 4', async () => {
    for (const parallelism of [1, 4]) {
      const { rows } = await runStreaming(SCRIPT, { parallelism });
      expect(rows, `parallelism ${parallelism}`).toEqual([...LEFT_JOIN_RESULT].sort());
    }
  }, 30_000);

  it('and after a restore from a mid-run checkpoint', async () => {
    const restored = await runStreaming(SCRIPT, { parallelism: 2, restore: true });
    expect(restored.restarts).toBe(1);
    expect(restored.rows).toEqual([...LEFT_JOIN_RESULT].sort());
  }, 30_000);
});
