import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { expect, it } from 'vitest';
import type { FlinkCluster, TestDatabase } from '../../src/testing/index.js';
import { runWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { kafkaConnection } from '../infra/context.js';

/**
 * The same Kafka → PostgreSQL script, `weir run` on weir and `weir run --target flink=…` on Flink, each
 * into its own table: the tables must end up equal. The topic is read bounded (scan.bounded.mode), so
 * both jobs finish by themselves; the JDBC sink upserts by the primary key.
 */

const ORDERS = Array.from({ length: 200 }, (_, i) => ({
  id: i,
  customer: `c${i % 7}`,
  amount: ((i * 37) % 1000) / 10,
}));

function script(db: () => TestDatabase, topic: string, table: string): string {
  const { host, port, database, user } = db();
  return `
SET 'execution.checkpointing.interval' = '1s';
CREATE TABLE orders (id INT, customer STRING, amount DECIMAL(10, 2)) WITH (
  'connector' = 'kafka',
  'topic' = '${topic}',
  'properties.bootstrap.servers' = '${kafkaConnection().bootstrapServers}',
  'properties.group.id' = 'weir-flink-${table}',
  'scan.startup.mode' = 'earliest-offset',
  'scan.bounded.mode' = 'latest-offset',
  'format' = 'json'
);
CREATE TABLE ${table} (customer STRING, orders BIGINT, total DECIMAL(10, 2), PRIMARY KEY (customer) NOT ENFORCED) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://${host}:${port}/${database}',
  'username' = '${user}',
  -- Flink wants both or neither; the test server trusts loopback connections and ignores it.
  'password' = 'unused',
  'table-name' = '${table}'
);
INSERT INTO ${table} SELECT customer, COUNT(*), SUM(amount) FROM orders GROUP BY customer;
`;
}

async function rowsOf(client: pg.Client, table: string): Promise<string[]> {
  const result = await client.query(`SELECT customer, orders, total FROM ${table} ORDER BY customer`);
  return result.rows.map((r) => `${r.customer} ${r.orders} ${r.total}`);
}

export function kafkaJdbcTests(cluster: () => FlinkCluster, db: () => TestDatabase): void {
  it('a Kafka → PostgreSQL job gives the same table on Flink as on weir', async () => {
    const topic = `flink-orders-${Date.now()}`;
    const kafka = new Kafka({ brokers: [...kafkaConnection().brokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: ORDERS.map((o) => ({ value: JSON.stringify(o) })),
    });
    await producer.disconnect();

    const client = new pg.Client(db().url);
    await client.connect();
    let dir: string | undefined;
    try {
      for (const table of ['totals_weir', 'totals_flink'])
        await client.query(
          `CREATE TABLE ${table} (customer VARCHAR PRIMARY KEY, orders BIGINT, total NUMERIC(10, 2))`,
        );
      dir = mkdtempSync(join(tmpdir(), 'weir-flink-jdbc-'));
      writeFileSync(join(dir, 'weir.sql'), script(db, topic, 'totals_weir'));
      writeFileSync(join(dir, 'flink.sql'), script(db, topic, 'totals_flink'));

      const onWeir = await runWeir(['run', '-f', join(dir, 'weir.sql')]);
      expect(onWeir.code, onWeir.stderr).toBe(0);
      const onFlink = await runWeir([
        'run',
        '--target',
        `flink=${cluster().gatewayUrl}`,
        '-f',
        join(dir, 'flink.sql'),
      ]);
      expect(onFlink.code, `${onFlink.stderr}${onFlink.stdout}`).toBe(0);
      expect(onFlink.stdout).toMatch(/Job has been submitted with JobID [0-9a-f]{32}/);

      const expected = await rowsOf(client, 'totals_weir');
      expect(expected).toHaveLength(7);
      // The Flink job runs on after the command returns (the SQL client's -f does not wait either).
      const flink = await waitFor(
        async () => {
          const rows = await rowsOf(client, 'totals_flink');
          return rows.join('\n') === expected.join('\n') ? rows : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 250, what: 'the Flink job to write the rows weir wrote' },
      );
      expect(flink).toEqual(expected);
    } finally {
      await client.end();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
}
