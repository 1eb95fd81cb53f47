import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafka } from '../../src/testing/index.js';
import { freePorts } from '../../src/testing/ports.js';
import { startWeir, type WeirProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { createTopic, produce, readTopic, unique } from './kafka-helpers.js';

// Faults of the Kafka broker itself, on a real broker this file starts for itself (so that halting
// it disturbs no other test): a broker that is not there, one stopped and restarted under an
// exactly-once job, topics that do not exist, records larger than the broker or the producer takes.
// Each ends in a clear, classified error or a recovery — never a hang, never a lost record.
// The private broker creates no topic on first use and takes messages up to 200 kB.
// Runs bin/weir.js, which loads dist/: `npm run build` first (`npm test` does).
const BROKER_MAX_MESSAGE_BYTES = 200_000;
let broker: KafkaBroker;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-broker-faults-'));
  broker = await startKafka({
    ignoreEnv: true,
    brokerProperties: {
      'auto.create.topics.enable': false,
      'message.max.bytes': BROKER_MAX_MESSAGE_BYTES,
    },
  });
}, 180_000);
afterAll(async () => {
  await broker?.stop();
  await rm(dir, { recursive: true, force: true });
});

const servers = () => [broker.bootstrapServers];

async function jobFile(name: string, sql: string): Promise<string> {
  const file = join(dir, `${name}.sql`);
  await writeFile(file, sql);
  return file;
}

/** `weir run -f job` with these `-D` options (checkpoints in this file's folder); code() is its exit code once it ended. */
function runJob(job: string, config: Record<string, string>) {
  const options = { ...config, 'state.checkpoints.dir': join(dir, 'checkpoints') };
  const run = startWeir([
    'run',
    '-f',
    job,
    ...Object.entries(options).flatMap(([k, v]) => ['-D', `${k}=${v}`]),
  ]);
  let code: number | null | undefined;
  void run.exit.then((c) => {
    code = c;
  });
  return { run, code: () => code };
}

/** Ids read back with read_committed, sorted. */
async function committedIds(topic: string): Promise<number[]> {
  return (await readTopic(topic, 'read_committed', servers()))
    .map((r) => JSON.parse(r.value).id as number)
    .sort((a, b) => a - b);
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** A user's error: the code, no stack trace. */
function expectCleanError(run: WeirProcess, code: string): void {
  expect(run.stderr).toContain(`error[${code}]`);
  expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
}

describe('the broker is not there when the job starts', () => {
  it('the job retries per its restart strategy, then fails with an error naming the bootstrap servers', async () => {
    // A port nobody listens on.
    const [port] = await freePorts(1);
    const nowhere = `127.0.0.1:${port}`;
    const job = await jobFile(
      'down',
      `CREATE TABLE src (id BIGINT) WITH ('connector' = 'kafka', 'topic' = 'in',
         'properties.bootstrap.servers' = '${nowhere}', 'scan.startup.mode' = 'earliest-offset',
         'format' = 'json');
       CREATE TABLE out (id BIGINT) WITH ('connector' = 'print');
       INSERT INTO out SELECT id FROM src;\n`,
    );
    const { run } = runJob(job, {
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '2',
      'restart-strategy.fixed-delay.delay': '100ms',
    });
    expect(await run.exit).not.toBe(0);
    expectCleanError(run, 'KAFKA_BROKER');
    expect(run.stderr).toContain(`bootstrap servers ${nowhere}`);
    expect((run.stderr.match(/Restarting in/g) ?? []).length).toBe(2);
  }, 90_000);
});

describe('topics that do not exist (the broker does not create topics on first use)', () => {
  it('a source fails with the topic named', async () => {
    const topic = unique('weir-missing-in');
    const job = await jobFile(
      'missing-source',
      `CREATE TABLE src (id BIGINT) WITH ('connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${broker.bootstrapServers}',
         'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
       CREATE TABLE out (id BIGINT) WITH ('connector' = 'print');
       INSERT INTO out SELECT id FROM src;\n`,
    );
    const { run } = runJob(job, { 'restart-strategy.type': 'none' });
    expect(await run.exit).not.toBe(0);
    expectCleanError(run, 'KAFKA_TOPIC_NOT_FOUND');
    expect(run.stderr).toContain(topic);
    expect(run.stderr).toContain('auto.create.topics.enable');
  }, 60_000);

  it('an exactly-once sink fails with the topic named (a broker with auto.create.topics.enable creates it, as for Flink)', async () => {
    const topic = unique('weir-missing-out');
    const job = await jobFile(
      'missing-sink',
      `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
       CREATE TABLE out (id BIGINT) WITH ('connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${broker.bootstrapServers}', 'format' = 'json',
         'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${topic}');
       INSERT INTO out SELECT id FROM src;\n`,
    );
    const { run } = runJob(job, {
      'restart-strategy.type': 'none',
      'execution.checkpointing.interval': '200ms',
    });
    expect(await run.exit).not.toBe(0);
    expectCleanError(run, 'KAFKA_TOPIC_NOT_FOUND');
    expect(run.stderr).toContain(topic);
  }, 60_000);
});

describe('records larger than a limit, exactly-once sink', () => {
  // The job copies an input topic and pads the record whose `pad` asks for it; the test sends that
  // one only once everything before it is committed.
  async function oversized(name: string, bytes: number) {
    const input = unique(`weir-${name}-in`);
    const output = unique(`weir-${name}`);
    await createTopic(input, 1, servers());
    await createTopic(output, 1, servers());
    const job = await jobFile(
      name,
      `CREATE TABLE src (id BIGINT, pad INT) WITH ('connector' = 'kafka', 'topic' = '${input}',
         'properties.bootstrap.servers' = '${broker.bootstrapServers}',
         'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
       CREATE TABLE out (id BIGINT, pad STRING) WITH ('connector' = 'kafka', 'topic' = '${output}',
         'properties.bootstrap.servers' = '${broker.bootstrapServers}', 'format' = 'json',
         'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${output}');
       INSERT INTO out SELECT id, REPEAT('x', pad) FROM src;\n`,
    );
    const before = 100;
    await produce(
      input,
      oneToN(before).map((id) => ({ id, pad: 0 })),
      { servers: servers() },
    );
    const { run, code } = runJob(job, {
      'restart-strategy.type': 'none',
      'execution.checkpointing.interval': '200ms',
    });
    try {
      await waitFor(async () => code() !== undefined || (await committedIds(output)).length === before, {
        what: 'the first records committed',
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      expect(code(), run.stderr).toBeUndefined();
      await produce(input, [{ id: before + 1, pad: bytes }], { servers: servers() });
      await waitFor(() => code() !== undefined, { what: 'the job to fail', timeoutMs: 30_000 });
    } finally {
      run.child.kill('SIGKILL');
    }
    expect(code()).not.toBe(0);
    // What was committed before stays committed, once.
    expect(await committedIds(output)).toEqual(oneToN(before));
    return { run, topic: output };
  }

  it("over the producer's max.request.size (1 MiB): the task fails with the topic and the record's size", async () => {
    const { run, topic } = await oversized('too-large-for-producer', 2_000_000);
    expectCleanError(run, 'KAFKA_RECORD_TOO_LARGE');
    expect(run.stderr).toMatch(new RegExp(`record for topic '${topic}' .* is 20000\\d\\d bytes`));
    expect(run.stderr).toContain("'properties.max.request.size' = 1048576");
  }, 60_000);

  it("over the broker's message.max.bytes: the broker's refusal, with the topic and the record's size", async () => {
    const { run, topic } = await oversized('too-large-for-broker', BROKER_MAX_MESSAGE_BYTES + 50_000);
    expectCleanError(run, 'KAFKA_RECORD_TOO_LARGE');
    expect(run.stderr).toMatch(new RegExp(`topic '${topic}' .*the largest 2500\\d\\d bytes`));
    expect(run.stderr).toContain('MESSAGE_TOO_LARGE');
  }, 60_000);
});

describe('the broker stopped and restarted under an exactly-once job', () => {
  it('the job fails over until the broker is back, then ends with every record exactly once', async () => {
    const topic = unique('weir-broker-restart');
    await createTopic(topic, 2, servers());
    const rows = 10_000;
    const job = await jobFile(
      'restart',
      `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000',
         'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}');
       CREATE TABLE out (id BIGINT) WITH ('connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${broker.bootstrapServers}', 'format' = 'json',
         'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${topic}');
       INSERT INTO out SELECT id FROM src;\n`,
    );
    const { run, code } = runJob(job, {
      'execution.checkpointing.interval': '200ms',
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '1000',
      'restart-strategy.fixed-delay.delay': '200ms',
    });
    try {
      await waitFor(async () => code() !== undefined || (await committedIds(topic)).length > 0, {
        what: 'first committed records',
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      expect(code(), run.stderr).toBeUndefined();
      await broker.halt!();
      await waitFor(() => /Restarting in/.test(run.stderr), {
        what: 'the job to fail over while the broker is down',
        timeoutMs: 30_000,
      });
      await broker.restart!();
      await waitFor(() => code() !== undefined, { what: 'the job to end', timeoutMs: 60_000 });
    } finally {
      await broker.restart!();
      run.child.kill('SIGKILL');
    }
    expect(code(), run.stderr.slice(-3000)).toBe(0);
    expect(run.stderr).toMatch(/KAFKA_BROKER|Kafka/);
    expect(await committedIds(topic)).toEqual(oneToN(rows));
  }, 150_000);
});
