import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { createEnvironment } from '../../src/api/index.js';
import { brokers, createTopic, unique } from './kafka-helpers.js';

/**
 * An event-time temporal join whose versioned table is an upsert-kafka topic of currency rates
 * (ChangelogNormalize turns the topic's upserts into +I/+U versions): each order from a bounded
 * file joins the rate valid at its time. The last rate record, far later, moves the topic's
 * watermark past every order.
 */
async function produceRates(
  topic: string,
  records: readonly [currency: string, rate: string, time: string][],
) {
  const producer = new Producer({ clientId: 'weir-test', bootstrapBrokers: brokers() });
  try {
    await producer.send({
      messages: records.map(([currency, rate, time]) => ({
        topic,
        partition: 0,
        key: Buffer.from(JSON.stringify({ currency })),
        value: Buffer.from(JSON.stringify({ currency, rate, update_time: time })),
      })),
    });
  } finally {
    await producer.close();
  }
}

describe('temporal join with an upsert-kafka versioned table', () => {
  it('joins each order with the version of its currency valid at its time', async () => {
    const topic = unique('weir-rates');
    await createTopic(topic, 1);
    await produceRates(topic, [
      ['EUR', '1.14', '2024-01-01 11:59:00'],
      ['USD', '1.00', '2024-01-01 11:59:30'],
      ['EUR', '1.10', '2024-01-01 12:05:00'],
      ['EUR', '1.12', '2024-01-01 12:10:00'],
      ['ZZZ', '0.00', '2024-01-01 13:00:00'],
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'weir-temporal-kafka-'));
    writeFileSync(
      join(dir, 'orders.csv'),
      [
        'o_001,EUR,2024-01-01 12:00:00',
        'o_002,EUR,2024-01-01 12:06:00',
        'o_003,USD,2024-01-01 12:06:30',
        'o_004,GBP,2024-01-01 12:07:00',
        'o_005,EUR,2024-01-01 12:10:00',
      ].join('\n'),
    );
    const env = createEnvironment({ config: { 'parallelism.default': '1' } });
    try {
      await env.executeSql(`CREATE TABLE orders (order_id STRING, currency STRING, order_time TIMESTAMP(3),
        WATERMARK FOR order_time AS order_time - INTERVAL '15' SECOND)
        WITH ('connector' = 'filesystem', 'path' = '${dir}/orders.csv', 'format' = 'csv')`);
      await env.executeSql(`CREATE TABLE rates (currency STRING, rate DECIMAL(10, 2), update_time TIMESTAMP(3),
        WATERMARK FOR update_time AS update_time - INTERVAL '15' SECOND, PRIMARY KEY (currency) NOT ENFORCED)
        WITH ('connector' = 'upsert-kafka', 'topic' = '${topic}',
              'properties.bootstrap.servers' = '${brokers().join(',')}', 'key.format' = 'json', 'value.format' = 'json')`);
      const result = await env.executeSql(`SELECT o.order_id, r.rate FROM orders AS o
        LEFT JOIN rates FOR SYSTEM_TIME AS OF o.order_time AS r ON o.currency = r.currency`);
      const rows: string[] = [];
      for await (const row of result.collect()) {
        expect(row.kind).toBe('+I');
        // DECIMAL(10, 2) values are their unscaled digits at runtime.
        rows.push(`${row.values[0]} ${row.values[1] ?? 'NULL'}`);
        // The topic is unbounded: breaking out cancels the job.
        if (rows.length === 5) break;
      }
      expect(rows.sort()).toEqual(['o_001 114', 'o_002 110', 'o_003 100', 'o_004 NULL', 'o_005 112']);
    } finally {
      await env.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
