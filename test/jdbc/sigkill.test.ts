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

/** The newest chk-<n> of a job that has its _metadata, i.e. a completed checkpoint. */
async function latestCompleted(jobDir: string): Promise<string | undefined> {
  const entries = await readdir(jobDir).catch(() => [] as string[]);
  const ids = entries
    .map((e) => /^chk-(\d+)$/.exec(e)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  for (const n of ids) {
    if (await stat(join(jobDir, `chk-${n}`, '_metadata')).catch(() => undefined))
      return join(jobDir, `chk-${n}`);
  }
  return undefined;
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
    // Two completed checkpoints, so that one has been superseded: its gid must be committed too.
    await waitFor(async () => /chk-([2-9]|\d\d+)$/.test((await latestCompleted(jobDir)) ?? ''), {
      what: 'a second completed checkpoint',
      timeoutMs: 20_000,
    });
    first.child.kill('SIGKILL');
    await first.exit;
    expect(first.stderr).not.toContain('not-a-real-secret');

    const lingering = (await preparedGids(admin)).filter((g) => g.startsWith(`weir:${jobId}:`));
    expect(lingering.length).toBeGreaterThanOrEqual(2);
    expect(Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)).toBe(0);
    const restoreFrom = (await latestCompleted(jobDir))!;

    const started = Date.now();
    const second = startWeir([...args, '-s', restoreFrom]);
    await waitFor(() => /jdbc sink .*(committed|rolled back) prepared transaction/.test(second.stderr), {
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
    // Every gid the first run left was either committed (its checkpoint completed) or rolled back.
    for (const gid of lingering) expect(second.stderr).toContain(gid);
    console.log(
      `jdbc SIGKILL recovery: ${lingering.length} prepared transactions left (${(second.stderr.match(/jdbc sink .*committed prepared/g) ?? []).length} committed, ${(second.stderr.match(/rolled back prepared/g) ?? []).length} rolled back) resolved ${recoveredMs} ms after the restart; job finished after ${finishedMs} ms`,
    );
  }, 60_000);
});
