#!/usr/bin/env node
// Topic → topic throughput of weir against a plain Kafka client on the same broker (issue 7):
//   ROWS=100000 PARTITIONS=4 node bench/kafka-ratio.mjs        (starts a private broker)
//   KAFKA=127.0.0.1:9092 node bench/kafka-ratio.mjs             (or uses that one)
// The input is ROWS JSON records of ~1 KB. The baseline is kafkajs (the client the product card
// names) copying the input topic to another topic alone: a consumer group reading it and a producer
// (acks=all) writing every fetched batch. weir runs `INSERT INTO out SELECT * FROM src` from the
// input topic (bounded at its latest offset) with the sink's delivery guarantee none, at-least-once,
// and exactly-once with 1 s and 10 s checkpoints. Every figure includes its start-up (consumer
// group join, job start) and ends when the last record is acknowledged (committed for
// exactly-once), after one unreported weir run that warms the JIT up. Prints a table; it never
// fails on a figure. Run `npm run build` first.
import { Kafka, logLevel } from 'kafkajs';
import { startKafka } from '../dist/testing/index.js';
import { runBoundedJob } from './bounded-job.mjs';

const rows = Number(process.env.ROWS ?? 100_000);
const partitions = Number(process.env.PARTITIONS ?? 4);
const broker = process.env.KAFKA
  ? undefined
  : await startKafka({ ignoreEnv: true, heap: '1g', jvmOptions: ['-XX:TieredStopAtLevel=4'] });
const servers = process.env.KAFKA ?? broker.bootstrapServers;
const kafka = new Kafka({ clientId: 'bench', brokers: servers.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const stamp = Date.now();

async function topic(name) {
  const t = `bench-${name}-${stamp}`;
  await admin.createTopics({ topics: [{ topic: t, numPartitions: partitions }], waitForLeaders: true });
  return t;
}

const payload = 'x'.repeat(960);
const record = (id) => JSON.stringify({ id, ts: 1_700_000_000_000 + id, payload });

/** kafkajs producing alone: the input topic, in sends of 1000 records, acks=all. */
async function fill(input) {
  const producer = kafka.producer();
  await producer.connect();
  const t0 = performance.now();
  for (let first = 0; first < rows; first += 1000) {
    const messages = [];
    for (let id = first; id < Math.min(rows, first + 1000); id++) messages.push({ value: record(id) });
    await producer.send({ topic: input, acks: -1, messages });
  }
  const seconds = (performance.now() - t0) / 1000;
  await producer.disconnect();
  return seconds;
}

/** kafkajs alone: consumes the input topic from its start; with `output`, produces each batch there. */
async function copy(input, output) {
  const consumer = kafka.consumer({ groupId: `bench-${output ?? 'read'}-${stamp}`, maxBytes: 50 << 20 });
  const producer = kafka.producer();
  const t0 = performance.now();
  await consumer.connect();
  await producer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  let seen = 0;
  let done;
  const finished = new Promise((resolve) => {
    done = resolve;
  });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      if (output) {
        await producer.send({
          topic: output,
          acks: -1,
          messages: batch.messages.map((m) => ({ value: m.value })),
        });
      } else {
        for (const m of batch.messages) JSON.parse(m.value.toString());
      }
      seen += batch.messages.length;
      if (seen >= rows) done();
    },
  });
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  await consumer.disconnect();
  await producer.disconnect();
  return seconds;
}

async function weir(input, output, guarantee, interval) {
  const props = { 'execution.checkpointing.storage': 'jobmanager' };
  if (interval) props['execution.checkpointing.interval'] = interval;
  const columns = 'id BIGINT, ts BIGINT, payload STRING';
  const connection = `'connector' = 'kafka', 'properties.bootstrap.servers' = '${servers}', 'format' = 'json'`;
  const script = `
    CREATE TABLE src (${columns}) WITH (${connection}, 'topic' = '${input}',
      'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset');
    CREATE TABLE out (${columns}) WITH (${connection}, 'topic' = '${output}',
      'sink.delivery-guarantee' = '${guarantee}', 'sink.transactional-id-prefix' = '${output}');
    INSERT INTO out SELECT * FROM src;`;
  return runBoundedJob(script, props);
}

const loadavg = async () =>
  (await import('node:os'))
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
const results = [];
try {
  console.log(
    `${rows.toLocaleString('en-US')} records of ~1 KB, ${partitions} partitions, broker ${servers}`,
  );
  const input = await topic('in');
  results.push(['kafkajs produce alone (acks=all)', await fill(input), await loadavg()]);
  results.push(['kafkajs consume alone (+ JSON.parse)', await copy(input), await loadavg()]);
  const baseline = await copy(input, await topic('kafkajs-copy'));
  results.push(['kafkajs topic → topic copy (baseline)', baseline, await loadavg()]);
  // The weir runs share this process: a first, unreported run warms the JIT up for all of them.
  await weir(input, await topic('warm-up'), 'none', undefined);
  const modes = [
    ['weir none', 'none', undefined],
    ['weir at-least-once (1 s checkpoints)', 'at-least-once', '1s'],
    ['weir exactly-once, 1 s checkpoints', 'exactly-once', '1s'],
    ['weir exactly-once, 10 s checkpoints', 'exactly-once', '10s'],
  ];
  for (const [label, guarantee, interval] of modes) {
    const output = await topic(guarantee + (interval ?? ''));
    results.push([label, await weir(input, output, guarantee, interval), await loadavg()]);
  }
  console.log(`\n| | records/s | ratio to the kafkajs copy | load average (1, 5, 15 min) after |`);
  console.log('|---|---|---|---|');
  for (const [label, seconds, load] of results) {
    const rate = rows / seconds;
    console.log(
      `| ${label} | ${Math.round(rate).toLocaleString('en-US')} | ${(baseline / seconds).toFixed(2)} | ${load} |`,
    );
  }
} finally {
  await admin.disconnect();
  await broker?.stop();
}
