import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { brokers, createTopic, produce, readTopic, unique } from './kafka-helpers.js';

let dir: string;
beforeAll(async () => {
  // The CLI runs the compiled code.
  await promisify(execFile)('npm', ['run', 'build'], { cwd: REPO_ROOT }).catch(() => {});
  dir = await mkdtemp(join(tmpdir(), 'weir-kafka-cli-'));
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function latestCheckpoint(root: string): Promise<string | undefined> {
  let best: { n: number; path: string } | undefined;
  for (const job of await readdir(root).catch(() => [] as string[])) {
    for (const e of await readdir(join(root, job)).catch(() => [] as string[])) {
      const m = /^chk-(\d+)$/.exec(e);
      if (!m) continue;
      const path = join(root, job, e);
      if (!(await stat(join(path, '_metadata')).catch(() => undefined))) continue;
      if (!best || Number(m[1]) > best.n) best = { n: Number(m[1]), path };
    }
  }
  return best?.path;
}

describe('weir run with a Kafka sink, killed and resumed', () => {
  it('writes every sequence value exactly once after SIGKILL and a restore from the latest checkpoint', async () => {
    const topic = unique('weir-eo-cli');
    await createTopic(topic, 2);
    const n = 6000;
    const prefix = unique('weir-cli');
    const job = join(dir, 'job.sql');
    await writeFile(
      job,
      `CREATE TABLE src (id BIGINT, label STRING) WITH (
         'connector' = 'datagen', 'rows-per-second' = '1500',
         'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${n}',
         'fields.label.length' = '4'
       );
       CREATE TABLE out (id BIGINT, label STRING) WITH (
         'connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${brokers().join(',')}',
         'format' = 'json',
         'sink.delivery-guarantee' = 'exactly-once',
         'sink.transactional-id-prefix' = '${prefix}'
       );
       INSERT INTO out SELECT id, label FROM src;\n`,
    );
    const checkpoints = join(dir, 'chk');
    const args = [
      'run',
      '-f',
      job,
      '-D',
      'execution.checkpointing.interval=200ms',
      '-D',
      `state.checkpoints.dir=file://${checkpoints}`,
    ];
    const first = startWeir(args);
    // Killed after a checkpoint, with rows written since: an open transaction is left behind.
    const killedAt = await waitFor(
      async () => {
        const chk = await latestCheckpoint(checkpoints);
        return chk && /chk-([3-9]|\d\d+)$/.test(chk) ? chk : undefined;
      },
      { timeoutMs: 20_000, what: `a third checkpoint (stderr: ${first.stderr})` },
    );
    first.child.kill('SIGKILL');
    await first.exit;
    const before = await readTopic(topic);
    expect(before.length).toBeLessThan(n);
    const uncommitted = await readTopic(topic, 'read_uncommitted');
    expect(uncommitted.length).toBeGreaterThanOrEqual(before.length);

    const restoreFrom = (await latestCheckpoint(checkpoints))!;
    expect(restoreFrom >= killedAt).toBe(true);
    const started = Date.now();
    const second = startWeir([...args, '-s', restoreFrom]);
    let code: number | null | undefined;
    void second.exit.then((c) => {
      code = c;
    });
    await waitFor(() => code !== undefined, {
      timeoutMs: 40_000,
      what: `the resumed run to end (stderr: ${second.stderr})`,
    }).catch((err) => {
      second.child.kill('SIGKILL');
      throw new Error(`${(err as Error).message}\n${second.stderr}`);
    });
    expect(code, second.stderr).toBe(0);
    const recoverySeconds = (Date.now() - started) / 1000;
    expect(second.stderr).toMatch(/finished/);

    const ids = (await readTopic(topic)).map((r) => JSON.parse(r.value).id as number).sort((a, b) => a - b);
    expect(ids.length).toBe(n);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // Whatever the killed attempt wrote after its last checkpoint stays in the log, aborted: had
    // its transaction been left open, read_committed readers would be stuck before it.
    const everything = await readTopic(topic, 'read_uncommitted');
    expect(everything.length).toBeGreaterThanOrEqual(n);
    console.log(
      `kafka exactly-once CLI: killed after ${killedAt.split('/').at(-1)}, restored from ${restoreFrom.split('/').at(-1)}; resumed run took ${recoverySeconds.toFixed(1)} s; ${everything.length - n} aborted records in the log`,
    );
  }, 90_000);

  it('reads a topic with a Kafka source and prints it (bounded)', async () => {
    const topic = unique('weir-cli-src');
    await createTopic(topic, 2);
    await produce(topic, [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, 'not json'], { partitions: 2 });
    const job = join(dir, 'read.sql');
    await writeFile(
      job,
      `CREATE TABLE src (id BIGINT, name STRING) WITH (
         'connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${brokers().join(',')}',
         'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2-secret";',
         'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
         'format' = 'json', 'json.ignore-parse-errors' = 'true'
       );
       CREATE TABLE out (id BIGINT, name STRING) WITH ('connector' = 'print');
       INSERT INTO out SELECT * FROM src;\n`,
    );
    // No restarts: a failover would re-read from the start and print rows twice.
    const proc = startWeir(['run', '-f', job, '-D', 'restart-strategy.type=none']);
    expect(await proc.exit, proc.stderr).toBe(0);
    expect(
      proc.stdout
        .split('\n')
        .filter((l) => l !== '')
        .sort(),
    ).toEqual(['+I[1, a]', '+I[2, b]']);
    expect(proc.stderr).not.toContain('hunter2-secret');
  }, 60_000);
});
