#!/usr/bin/env node
// Kafka sink and source throughput against a running broker (e.g. `node scripts/kafka/start.mjs`):
//   KAFKA=127.0.0.1:9092 ROWS=200000 node bench/kafka-throughput.mjs
// Writes ROWS Nexmark-like bids with datagen → kafka (each delivery guarantee), then reads them
// back with a bounded kafka → blackhole job. Prints rows/s. Run `npm run build` first.
import { Admin } from '@platformatic/kafka';
import { runBoundedJob as run } from './bounded-job.mjs';

const broker = process.env.KAFKA ?? '127.0.0.1:9092';
const rows = Number(process.env.ROWS ?? 200_000);
const columns =
  'auction BIGINT, bidder BIGINT, price BIGINT, channel STRING, url STRING, dateTime TIMESTAMP(3), extra STRING';
const admin = new Admin({ clientId: 'bench', bootstrapBrokers: [broker] });
for (const guarantee of ['none', 'at-least-once', 'exactly-once']) {
  const topic = `bench-bids-${guarantee}-${Date.now()}`;
  await admin.createTopics({ topics: [topic], partitions: 4, replicas: 1 });
  const kafka = `'connector' = 'kafka', 'topic' = '${topic}', 'properties.bootstrap.servers' = '${broker}', 'format' = 'json'`;
  const write = `
    CREATE TABLE gen (${columns}) WITH ('connector' = 'datagen', 'rows-per-second' = '100000000', 'number-of-rows' = '${rows}',
      'fields.channel.length' = '8', 'fields.url.length' = '60', 'fields.extra.length' = '0');
    CREATE TABLE bids (${columns}) WITH (${kafka}, 'sink.delivery-guarantee' = '${guarantee}', 'sink.transactional-id-prefix' = 'bench-${Date.now()}');
    INSERT INTO bids SELECT * FROM gen;`;
  const ws = await run(write, {
    'execution.checkpointing.interval': '1s',
    'execution.checkpointing.storage': 'jobmanager',
  });
  console.log(
    `sink   ${guarantee.padEnd(14)} ${Math.round(rows / ws)
      .toLocaleString('en-US')
      .padStart(10)} rows/s`,
  );
  if (guarantee === 'exactly-once') {
    const read = `
      CREATE TABLE bids (${columns}) WITH (${kafka}, 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
      CREATE TABLE sink (${columns}) WITH ('connector' = 'blackhole');
      INSERT INTO sink SELECT * FROM bids;`;
    for (const p of [1, 2]) {
      const rs = await run(read, { 'parallelism.default': String(p) });
      console.log(
        `source parallelism ${p}     ${Math.round(rows / rs)
          .toLocaleString('en-US')
          .padStart(10)} rows/s`,
      );
    }
  }
}
await admin.close();
