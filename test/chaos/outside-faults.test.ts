import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCompletedCheckpoint } from '../../src/testing/crash-loop.js';
import { startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { useTestDatabase } from '../infra/context.js';
import { brokers, createTopic, produce, unique } from '../kafka/kafka-helpers.js';

// Faults from outside the job — a checkpoint directory that cannot be written, records a format
// cannot read — on the real broker and database. Runs bin/weir.js (`npm run build` first).
const db = useTestDatabase(import.meta.url);
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-outside-faults-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A datagen sequence 1..rows written by an exactly-once jdbc sink into `table`, as a job file. */
async function sequenceIntoJdbc(name: string, table: string, rows: number): Promise<string> {
  const url = new URL(db().url);
  const job = join(dir, `${name}.sql`);
  await writeFile(
    job,
    `CREATE TABLE seq (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '3000',
       'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}');
     CREATE TABLE out (id BIGINT) WITH ('connector' = 'jdbc',
       'url' = 'jdbc:postgresql://${url.host}${url.pathname}', 'username' = '${url.username || 'postgres'}',
       'table-name' = '${table}', 'sink.delivery-guarantee' = 'exactly-once');
     INSERT INTO out SELECT id FROM seq;\n`,
  );
  return job;
}

/** `weir run` arguments: checkpoints every 200 ms into `root`, failed ones tolerated, no restarts. */
const tolerantRun = (job: string, root: string) => [
  'run',
  '-f',
  job,
  '-D',
  'execution.checkpointing.interval=200ms',
  '-D',
  `state.checkpoints.dir=${root}`,
  '-D',
  'execution.checkpointing.tolerable-failed-checkpoints=1000',
  '-D',
  'restart-strategy.type=none',
];

/** The table holds 1..rows exactly once, and no prepared transaction is left. */
async function expectSequenceOnce(admin: pg.Client, table: string, rows: number): Promise<void> {
  const { rows: result } = await admin.query<{ n: string; distinct: string; max: string }>(
    `SELECT count(*) AS n, count(DISTINCT id) AS distinct, max(id) AS max FROM ${table}`,
  );
  expect(result[0]).toEqual({ n: String(rows), distinct: String(rows), max: String(rows) });
  const prepared = await admin.query('SELECT gid FROM pg_prepared_xacts WHERE database = current_database()');
  expect(prepared.rows).toEqual([]);
}

describe('checkpoint directory unwritable for a while', () => {
  it('fails those checkpoints, keeps running within tolerable-failed-checkpoints, and ends exactly once', async () => {
    const rows = 12_000;
    const table = 'unwritable_out';
    const admin = new pg.Client({ connectionString: db().url });
    await admin.connect();
    try {
      await admin.query(`CREATE TABLE ${table} (id bigint)`);
      const job = await sequenceIntoJdbc('unwritable', table, rows);
      const root = join(dir, 'chk');
      const run = startWeir(tolerantRun(job, root));
      await waitFor(async () => (await latestCompletedCheckpoint(root)).path, {
        what: 'a first completed checkpoint',
        timeoutMs: 30_000,
      });
      // The job's folder becomes a file: creating chk-<n> in it fails (even for root, unlike a chmod).
      const [jobId] = await readdir(root);
      const jobDir = join(root, jobId);
      await rename(jobDir, `${jobDir}.away`);
      await writeFile(jobDir, 'not a directory');
      await waitFor(() => (run.stderr.match(/could not be stored/g) ?? []).length >= 2 || undefined, {
        what: 'two failed checkpoints',
        timeoutMs: 30_000,
      });
      // Nothing is committed while no checkpoint completes.
      const during = Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
      await rm(jobDir);
      await rename(`${jobDir}.away`, jobDir);
      expect(await run.exit, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/Checkpoint \d+ could not be stored: .*(ENOTDIR|EEXIST)/);
      expect(run.stderr).not.toMatch(/Restarting in/);
      expect(during).toBeLessThan(rows);
      await expectSequenceOnce(admin, table, rows);
    } finally {
      await admin.end();
    }
  }, 90_000);
});

describe('checkpoint directory full', () => {
  it('fails checkpoints with ENOSPC while the disk is full, keeps running, and ends exactly once once space is back', async () => {
    const rows = 12_000;
    const table = 'disk_full_out';
    const admin = new pg.Client({ connectionString: db().url });
    await admin.connect();
    try {
      await admin.query(`CREATE TABLE ${table} (id bigint)`);
      const job = await sequenceIntoJdbc('disk-full', table, rows);
      // A real full file system: a 2 MB tmpfs over the checkpoint folder, in a mount namespace of the
      // job's own (unshare maps the user to root there, so no privilege is needed), filled up before
      // weir starts. The test frees it through /proc/<pid>/root, which shows the job's mounts.
      const root = join(dir, 'chk-full');
      await mkdir(root);
      const fill =
        'mount -t tmpfs -o size=2m tmpfs "$0" && { dd if=/dev/zero of="$0/filler" bs=4k 2>/dev/null || true; } && exec "$@"';
      const run = startWeir(tolerantRun(job, root), {
        wrap: ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', fill, root],
      });
      await waitFor(() => (run.stderr.match(/could not be stored/g) ?? []).length >= 2 || undefined, {
        what: 'two checkpoints failed on the full disk',
        timeoutMs: 30_000,
      });
      // Nothing is committed while no checkpoint completes.
      const during = Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
      await rm(join(`/proc/${run.child.pid}/root`, root, 'filler'));
      expect(await run.exit, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/Checkpoint \d+ could not be stored: .*ENOSPC/);
      expect(run.stderr).not.toMatch(/Restarting in/);
      expect(during).toBe(0);
      await expectSequenceOnce(admin, table, rows);
    } finally {
      await admin.end();
    }
  }, 90_000);
});

describe('records a format cannot read, in a Kafka topic', () => {
  async function readJob(topic: string, format: string, extra = ''): Promise<string> {
    const job = join(dir, `${topic}.sql`);
    await writeFile(
      job,
      `CREATE TABLE src (id BIGINT, name STRING) WITH (
         'connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${brokers().join(',')}',
         'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset',
         'format' = '${format}'${extra}
       );
       CREATE TABLE out (id BIGINT, name STRING) WITH ('connector' = 'print');
       INSERT INTO out SELECT * FROM src;\n`,
    );
    return job;
  }

  it('malformed JSON fails the job with the topic, partition and offset of the record', async () => {
    const topic = unique('weir-bad-json');
    await createTopic(topic, 1);
    await produce(topic, [
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
      '{"id": 3, "name": ',
      { id: 4, name: 'd' },
    ]);
    const run = startWeir(['run', '-f', await readJob(topic, 'json'), '-D', 'restart-strategy.type=none']);
    expect(await run.exit).not.toBe(0);
    expect(run.stderr).toContain('JSON_PARSE_FAILED');
    expect(run.stderr).toContain(`(topic ${topic}, partition 0, offset 2)`);
    expect(run.stderr).toContain("'json.ignore-parse-errors'");
  }, 60_000);

  it("with 'json.ignore-parse-errors' the malformed record is skipped and the rest read", async () => {
    const topic = unique('weir-skip-json');
    await createTopic(topic, 1);
    await produce(topic, [{ id: 1, name: 'a' }, 'not json at all', { id: 3, name: 'c' }]);
    const run = startWeir([
      'run',
      '-f',
      await readJob(topic, 'json', ",\n 'json.ignore-parse-errors' = 'true'"),
      '-D',
      'restart-strategy.type=none',
    ]);
    expect(await run.exit, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').sort()).toEqual(['+I[1, a]', '+I[3, c]']);
  }, 60_000);

  it('a CSV field that does not fit its column fails with the record located', async () => {
    const topic = unique('weir-bad-csv');
    await createTopic(topic, 1);
    await produce(topic, ['1,a', 'two,b', '3,c']);
    const run = startWeir(['run', '-f', await readJob(topic, 'csv'), '-D', 'restart-strategy.type=none']);
    expect(await run.exit).not.toBe(0);
    expect(run.stderr).toContain(`(topic ${topic}, partition 0, offset 1)`);
  }, 60_000);

  it('a JSON number too large for BIGINT is an error, not a wrapped or rounded value', async () => {
    const topic = unique('weir-overflow');
    await createTopic(topic, 1);
    await produce(topic, ['{"id": 1, "name": "a"}', '{"id": 123456789012345678901234567890, "name": "b"}']);
    const run = startWeir(['run', '-f', await readJob(topic, 'json'), '-D', 'restart-strategy.type=none']);
    const code = await run.exit;
    expect(run.stdout).not.toMatch(/\+I\[-?\d{19,}|e\+/);
    expect(code).not.toBe(0);
    expect(run.stderr).toContain(`(topic ${topic}, partition 0, offset 1)`);
  }, 60_000);
});
