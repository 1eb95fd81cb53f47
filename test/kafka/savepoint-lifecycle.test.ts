import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCheckpointMetadata } from '../../src/runtime/index.js';
import { runWeir, startWeir, submittedJobId, type WeirProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { brokers, createTopic, readTopic, unique } from './kafka-helpers.js';

/*
 * Issue #9's lifecycle as a user runs it, with real `weir` processes and a real Kafka broker:
 * savepoints taken and jobs stopped from another terminal, resumed with `weir run -s` at other
 * parallelisms and on the other state backend, from a savepoint folder that was moved. Runs
 * bin/weir.js, which loads dist/: `npm run build` first (`npm test` does).
 */

let dir: string;
const running: WeirProcess[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-savepoint-lifecycle-'));
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ WEIR_HOME: join(dir, 'home') });

function start(args: string[]): WeirProcess {
  const p = startWeir(['run', ...args], { env: env() });
  running.push(p);
  return p;
}

/** `weir stop --savepointPath <dir> <job>` from another terminal: the savepoint's path. */
async function stopWithSavepoint(jobId: string, target: string, job: WeirProcess): Promise<string> {
  const stop = await runWeir(['stop', '--savepointPath', target, jobId], { env: env() });
  expect(stop.code, stop.stderr).toBe(0);
  expect(await job.exit, job.stderr).toBe(0);
  expect(job.stderr).toContain(`Job ${jobId} finished.`);
  return /Savepoint completed\. Path: file:(\S+)/.exec(stop.stdout)![1];
}

async function produceEvents(topic: string, from: number, to: number): Promise<void> {
  const producer = new Producer({ clientId: 'weir-test', bootstrapBrokers: brokers(), idempotent: true });
  try {
    const messages = [];
    for (let id = from; id <= to; id++) {
      messages.push({ topic, partition: id % 4, value: Buffer.from(JSON.stringify({ id, k: id % 13 })) });
    }
    await producer.send({ messages });
  } finally {
    await producer.close();
  }
}

/** The upsert-kafka output as a read_committed consumer compacts it: k → "n,total,max". */
async function committedTable(topic: string): Promise<Record<string, string>> {
  const table: Record<string, string> = {};
  for (const r of await readTopic(topic, 'read_committed')) {
    const k = JSON.parse(r.key ?? '{}').k as number;
    if (r.tombstone) delete table[k];
    else {
      const v = JSON.parse(r.value) as { n: number; total: number; mx: number };
      table[k] = `${v.n},${v.total},${v.mx}`;
    }
  }
  return table;
}

/** COUNT, SUM and MAX of ids 1..n grouped by id % 13, as the job computes them. */
function expectedTable(n: number): Record<string, string> {
  const table: Record<string, string> = {};
  for (let k = 0; k < 13; k++) {
    let count = 0;
    let total = 0;
    let max = 0;
    for (let id = k === 0 ? 13 : k; id <= n; id += 13) {
      count++;
      total += id;
      max = id;
    }
    if (count > 0) table[k] = `${count},${total},${max}`;
  }
  return table;
}

const same = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

async function untilCommitted(topic: string, expected: Record<string, string>, job?: WeirProcess) {
  await waitFor(
    async () => {
      if (job && job.child.exitCode !== null) throw new Error(`the job ended: ${job.stderr}`);
      return same(await committedTable(topic), expected);
    },
    {
      what: `${topic} to hold the totals of ${JSON.stringify(expected)}`,
      timeoutMs: 60_000,
      intervalMs: 200,
    },
  );
}

function aggregationScript(input: string, output: string, prefix: string): string {
  const servers = brokers().join(',');
  return `
CREATE TABLE events (id BIGINT, k INT) WITH (
  'connector' = 'kafka', 'topic' = '${input}', 'properties.bootstrap.servers' = '${servers}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);
CREATE TABLE totals (k INT, n BIGINT, total BIGINT, mx BIGINT, PRIMARY KEY (k) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = '${output}', 'properties.bootstrap.servers' = '${servers}',
  'key.format' = 'json', 'value.format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${prefix}'
);
SET 'execution.checkpointing.interval' = '300ms';
INSERT INTO totals SELECT k, COUNT(*), SUM(id), MAX(id) FROM events GROUP BY k;
`;
}

describe('savepoints from the command line with Kafka', () => {
  it('savepoint, stop and run -s at parallelism 1 → 4 → 2, hashmap → rocksdb → hashmap, from a moved folder, give the uninterrupted result', async () => {
    const input = unique('weir-sp-in');
    const output = unique('weir-sp-out');
    const uninterrupted = unique('weir-sp-whole');
    await Promise.all([createTopic(input, 4), createTopic(output, 3), createTopic(uninterrupted, 3)]);
    const script = join(dir, 'totals.sql');
    await writeFile(script, aggregationScript(input, output, unique('weir-sp-eo')));
    const common = ['-f', script, '-D', `state.checkpoints.dir=${join(dir, 'ck')}`];
    const backend = (b: string) => [
      '-D',
      `state.backend.type=${b}`,
      '-D',
      `state.backend.rocksdb.localdir=${join(dir, 'local')}`,
    ];

    // 1. Parallelism 1 on the heap: one source subtask reads all four partitions.
    await produceEvents(input, 1, 400);
    const first = start([...common, '-p', '1', ...backend('hashmap')]);
    const firstId = await submittedJobId(first);
    await untilCommitted(output, expectedTable(400), first);
    // A savepoint while it runs leaves it running.
    const taken = await runWeir(['savepoint', firstId, join(dir, 'sp')], { env: env() });
    expect(taken.code, taken.stderr).toBe(0);
    expect((await runWeir(['list'], { env: env() })).stdout).toContain(`: ${firstId} : `);
    await produceEvents(input, 401, 700);
    const stopped1 = await stopWithSavepoint(firstId, join(dir, 'sp'), first);
    expect((await loadCheckpointMetadata(stopped1)).kind).toBe('savepoint');

    // The savepoint folder moved elsewhere; the original is gone.
    const moved = join(dir, 'moved', 'first-stop');
    await cp(stopped1, moved, { recursive: true });
    await rm(stopped1, { recursive: true });
    await produceEvents(input, 701, 1000);

    // 2. Parallelism 4 on the disk backend, from the moved canonical savepoint.
    const second = start([...common, '-p', '4', ...backend('rocksdb'), '-s', moved]);
    const secondId = await submittedJobId(second);
    await untilCommitted(output, expectedTable(1000), second);
    await produceEvents(input, 1001, 1300);
    const stopped2 = await stopWithSavepoint(secondId, join(dir, 'sp'), second);
    // Canonical (the default): the disk backend's state is inlined, no run files beside it.
    expect(await readdir(stopped2)).toEqual(['_metadata']);
    await produceEvents(input, 1301, 1600);

    // 3. Parallelism 2, back on the heap.
    const third = start([...common, '-p', '2', ...backend('hashmap'), '-s', stopped2]);
    const thirdId = await submittedJobId(third);
    await untilCommitted(output, expectedTable(1600), third);
    const cancel = await runWeir(['cancel', thirdId], { env: env() });
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(await third.exit).toBe(0);

    // The same query, never interrupted, over the same input.
    const wholeScript = join(dir, 'whole.sql');
    await writeFile(wholeScript, aggregationScript(input, uninterrupted, unique('weir-sp-whole-eo')));
    const whole = start(['-f', wholeScript, '-p', '2', '-D', `state.checkpoints.dir=${join(dir, 'ck')}`]);
    const wholeId = await submittedJobId(whole);
    await untilCommitted(uninterrupted, expectedTable(1600), whole);
    await runWeir(['cancel', wholeId], { env: env() });
    expect(await whole.exit).toBe(0);
    expect(await committedTable(output)).toEqual(await committedTable(uninterrupted));
  }, 240_000);

  it('stop --savepointPath with the exactly-once Kafka sink commits every record up to the savepoint, once', async () => {
    const topic = unique('weir-sp-stop');
    await createTopic(topic, 3);
    const n = 4000;
    const script = join(dir, 'sequence.sql');
    const rate = (r: number) => `
CREATE TABLE seq (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '${r}',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${n}');
CREATE TABLE out (id BIGINT) WITH ('connector' = 'kafka', 'topic' = '${topic}',
  'properties.bootstrap.servers' = '${brokers().join(',')}', 'format' = 'json',
  'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${unique('weir-sp-stop-eo')}');
-- Checkpoints are rare: what is committed before the stop is committed by the stop's savepoint.
SET 'execution.checkpointing.interval' = '1h';
INSERT INTO out SELECT id FROM seq;
`;
    await writeFile(script, rate(400));
    const common = ['-f', script, '-D', `state.checkpoints.dir=${join(dir, 'ck')}`];
    const job = start([...common, '-p', '2']);
    const jobId = await submittedJobId(job);
    // Written, not committed: the transactions are open until the savepoint.
    await waitFor(async () => (await readTopic(topic, 'read_uncommitted')).length >= 300, {
      what: 'records written',
      timeoutMs: 20_000,
      intervalMs: 100,
    });
    expect(await readTopic(topic, 'read_committed')).toEqual([]);
    const savepoint = await stopWithSavepoint(jobId, join(dir, 'sp'), job);

    // Once `weir stop` returned, everything the sources emitted up to the savepoint is committed, once.
    const metadata = await loadCheckpointMetadata(savepoint);
    const emitted = Object.values(metadata.operators)
      .flatMap((op) =>
        op.subtasks.map((s) => (s['datagen-splits']?.[0] as { emitted: number } | undefined)?.emitted),
      )
      .filter((e): e is number => e !== undefined)
      .reduce((a, b) => a + b, 0);
    const ids = (await readTopic(topic, 'read_committed')).map((r) => JSON.parse(r.value).id as number);
    expect(ids.length).toBe(emitted);
    expect(new Set(ids).size).toBe(ids.length);

    // Resumed at parallelism 3 and run to the end of the sequence: every id committed exactly once.
    await writeFile(script, rate(100_000));
    const resumed = start([...common, '-p', '3', '-s', savepoint]);
    expect(await resumed.exit, resumed.stderr).toBe(0);
    const all = (await readTopic(topic, 'read_committed'))
      .map((r) => JSON.parse(r.value).id as number)
      .sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  }, 120_000);
});
