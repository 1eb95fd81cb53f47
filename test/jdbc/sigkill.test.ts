import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { useTestDatabase } from '../infra/context.js';
import { jdbcUrl, preparedGids, useResources } from './helpers.js';

const db = useTestDatabase(import.meta.url);
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const ROWS = 20_000;

function jobSql(url: string, table: string): string {
  return `
CREATE TABLE numbers (id BIGINT, label STRING) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '4000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}',
  'fields.label.length' = '8'
);
CREATE TABLE sequence_out (id BIGINT, label STRING) WITH (
  'connector' = 'jdbc',
  'url' = '${jdbcUrl(url)}',
  'table-name' = '${table}',
  'username' = 'postgres',
  'password' = 'not-a-real-secret',
  'sink.delivery-guarantee' = 'exactly-once',
  'sink.buffer-flush.max-rows' = '500'
);
INSERT INTO sequence_out SELECT id, label FROM numbers;
`;
}

/** The completed checkpoints (chk-<n> with its _metadata) of a job, newest first. */
async function completedCheckpoints(jobDir: string): Promise<number[]> {
  const entries = await readdir(jobDir).catch(() => [] as string[]);
  const ids = entries
    .map((e) => /^chk-(\d+)$/.exec(e)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  const done: number[] = [];
  for (const n of ids) {
    if (await stat(join(jobDir, `chk-${n}`, '_metadata')).catch(() => undefined)) done.push(n);
  }
  return done;
}

// Runs bin/weir.js, which loads dist/: `npm run build` first (`npm test` does).
describe('weir run with a jdbc exactly-once sink, SIGKILLed and resumed with -s', () => {
  const res = useResources();

  it('holds every sequence value exactly once and leaves no prepared transaction of the job', async () => {
    const admin = await res.client(db().url);
    const table = 'sequence_out';
    await admin.query(`CREATE TABLE ${table} (id bigint, label text)`);
    const dir = await mkdtemp(join(tmpdir(), 'weir-jdbc-kill-'));
    dirs.push(dir);
    const file = join(dir, 'job.sql');
    await writeFile(file, jobSql(db().url, table));
    const args = [
      'run',
      '-f',
      file,
      '-D',
      'execution.checkpointing.interval=200ms',
      '-D',
      `state.checkpoints.dir=${dir}/chk`,
      '-D',
      'execution.checkpointing.num-retained=3',
    ];

    // The first run dies between checkpoints completing and their commits (a failpoint keeps the
    // commits from running), the window a crash leaves prepared transactions in.
    process.env.WEIR_FAILPOINTS = 'jdbc-sink.skip-commit';
    const first = startWeir(args);
    delete process.env.WEIR_FAILPOINTS;
    const jobId = await waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(first.stderr)?.[1], {
      what: 'job id',
    });
    const jobDir = join(dir, 'chk', jobId);
    // Three completed checkpoints. The job resumes from the second newest, as a user may pick an
    // older retained checkpoint: the newest one's transaction must then be rolled back, the older
    // ones committed.
    // On a busy machine the first checkpoint may come before any row and prepare nothing: wait
    // until the second newest checkpoint holds at least two prepared transactions and one is newer.
    await waitFor(
      async () => {
        const [, second] = await completedCheckpoints(jobDir);
        if (second === undefined) return false;
        const of = (await preparedGids(admin))
          .filter((g) => g.startsWith(`weir:${jobId}:`))
          .map((g) => Number(g.split(':').at(-1)));
        return of.filter((c) => c <= second).length >= 2 && of.some((c) => c > second);
      },
      { what: 'three completed checkpoints with prepared transactions', timeoutMs: 20_000 },
    );
    first.child.kill('SIGKILL');
    await first.exit;
    expect(first.stderr).not.toContain('not-a-real-secret');

    const lingering = (await preparedGids(admin)).filter((g) => g.startsWith(`weir:${jobId}:`));
    expect(Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)).toBe(0);
    const [, resumeAt] = await completedCheckpoints(jobDir);
    const restoreFrom = join(jobDir, `chk-${resumeAt}`);
    const checkpointOf = (gid: string) => Number(gid.split(':').at(-1));
    const toCommit = lingering.filter((g) => checkpointOf(g) <= resumeAt);
    const toRollBack = lingering.filter((g) => checkpointOf(g) > resumeAt);
    expect(toCommit.length).toBeGreaterThanOrEqual(2);
    expect(toRollBack.length).toBeGreaterThanOrEqual(1);

    const started = Date.now();
    const second = startWeir([...args, '-s', restoreFrom]);
    await waitFor(() => lingering.every((gid) => second.stderr.includes(gid)), {
      what: 'recovery of the prepared transactions',
      timeoutMs: 20_000,
    });
    const recoveredMs = Date.now() - started;
    expect(await second.exit).toBe(0);
    const finishedMs = Date.now() - started;
    expect(second.stderr).toMatch(/finished/);
    expect(second.stderr).not.toContain('not-a-real-secret');

    const { rows } = await admin.query<{ n: string; distinct: string; min: string; max: string }>(
      `SELECT count(*) AS n, count(DISTINCT id) AS distinct, min(id), max(id) FROM ${table}`,
    );
    expect(rows[0]).toEqual({ n: String(ROWS), distinct: String(ROWS), min: '1', max: String(ROWS) });
    // Nothing prepared is left in this database: not the first run's, not the second's.
    expect(await preparedGids(admin)).toEqual([]);
    for (const gid of toCommit) expect(second.stderr).toContain(`committed prepared transaction ${gid}`);
    for (const gid of toRollBack) expect(second.stderr).toContain(`rolled back prepared transaction ${gid}`);
    console.log(
      `jdbc SIGKILL recovery: ${toCommit.length} prepared transactions committed and ${toRollBack.length} rolled back ${recoveredMs} ms after the restart; job finished after ${finishedMs} ms`,
    );
  }, 60_000);
});
