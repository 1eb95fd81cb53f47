import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

// `weir run` on the disk-backed backend with incremental checkpoints, SIGKILLed mid-run, then
// `weir run -s <latest retained chk-N>`: the committed output equals the failure-free output.
// Runs bin/weir.js, which loads dist/: `npm run build` first (`npm test` does).

const ROWS = 3000;
const KEYS = 20;
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

function script(out: string): string {
  return `
CREATE TABLE seq (
  id BIGINT,
  k AS id % ${KEYS},
  ts AS TIMESTAMP '2024-01-01 00:00:00' + id * 10 * INTERVAL '0.001' SECOND,
  WATERMARK FOR ts AS ts
) WITH (
  'connector' = 'datagen', 'rows-per-second' = '600',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}'
);
CREATE TABLE out (first_id BIGINT, k BIGINT, n BIGINT, total BIGINT)
  WITH ('connector' = 'filesystem', 'path' = '${out}', 'format' = 'csv');
INSERT INTO out
SELECT MIN(id), k, COUNT(*), SUM(id)
FROM TABLE(TUMBLE(TABLE seq, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, k;
`;
}

/** One row per (one-second window, key): ids 100w .. 100w + 99 (from 1), split by id % KEYS. */
function expected(): string[] {
  const rows: string[] = [];
  for (let start = 0; start <= ROWS; start += 100) {
    const byKey = new Map<number, { first: number; n: number; total: number }>();
    for (let id = Math.max(1, start); id <= Math.min(ROWS, start + 99); id++) {
      const a = byKey.get(id % KEYS) ?? { first: id, n: 0, total: 0 };
      byKey.set(id % KEYS, { first: a.first, n: a.n + 1, total: a.total + id });
    }
    for (const [k, a] of byKey) rows.push(`${a.first},${k},${a.n},${a.total}`);
  }
  return rows.sort();
}

async function committedRows(out: string): Promise<string[]> {
  const files = (await readdir(out)).filter((f) => !f.startsWith('.') && !f.startsWith('_'));
  const lines = await Promise.all(files.map((f) => readFile(join(out, f), 'utf8')));
  return lines
    .flatMap((text) => text.split('\n'))
    .filter((l) => l !== '')
    .sort();
}

describe('disk-backed state from the command line: SIGKILL and run -s, savepoint --type', () => {
  it('resumes from the latest retained incremental checkpoint with exactly the failure-free output', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-disk-kill-'));
    dirs.push(dir);
    const job = join(dir, 'job.sql');
    const out = join(dir, 'out');
    await writeFile(job, script(out));
    const args = [
      'run',
      '-f',
      job,
      '-p',
      '2',
      '-D',
      'state.backend.type=rocksdb',
      '-D',
      'execution.checkpointing.incremental=true',
      '-D',
      'state.backend.rocksdb.writebuffer.size=8kb',
      '-D',
      'execution.checkpointing.interval=200ms',
      '-D',
      `state.checkpoints.dir=${join(dir, 'ck')}`,
      '-D',
      `state.backend.rocksdb.localdir=${join(dir, 'local')}`,
    ];
    const first = startWeir(args, { env: { WEIR_HOME: dir } });
    const jobId = await waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(first.stderr)?.[1], {
      what: 'job id',
      timeoutMs: 20_000,
    });
    const jobDir = join(dir, 'ck', jobId);
    // Killed once three checkpoints are complete (a chk-<n> counts once its _metadata exists).
    const completed = async () => {
      const names = await readdir(jobDir).catch(() => [] as string[]);
      const done: number[] = [];
      for (const n of names.filter((d) => d.startsWith('chk-'))) {
        if ((await readdir(join(jobDir, n)).catch(() => [] as string[])).includes('_metadata'))
          done.push(Number(n.slice(4)));
      }
      return done.sort((a, b) => a - b);
    };
    await waitFor(async () => ((await completed()).at(-1) ?? 0) >= 3, {
      timeoutMs: 20_000,
      what: 'three completed checkpoints',
    });
    first.child.kill('SIGKILL');
    await first.exit;
    const latest = (await completed()).at(-1)!;
    // Incremental: the retained checkpoint refers to run files in shared/.
    const metadata = await readFile(join(jobDir, `chk-${latest}`, '_metadata'), 'utf8');
    expect(metadata).toContain('../shared/');
    expect((await readdir(join(jobDir, 'shared'))).length).toBeGreaterThan(0);

    // The killed process left its working folders behind.
    expect((await readdir(join(dir, 'local'))).length).toBeGreaterThan(0);

    const resumed = startWeir([...args, '-s', join(jobDir, `chk-${latest}`)], { env: { WEIR_HOME: dir } });
    expect(await resumed.exit, resumed.stderr).toBe(0);
    // The next run removed them (their process is gone), and its own went with its job.
    expect(await readdir(join(dir, 'local'))).toEqual([]);
    expect(await committedRows(out)).toEqual(expected());
  }, 90_000);

  it('weir savepoint --type native copies the run files into the savepoint; --type canonical inlines the state', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-disk-savepoint-'));
    dirs.push(dir);
    const job = join(dir, 'job.sql');
    await writeFile(job, script(join(dir, 'out')).replace("'600'", "'100'"));
    const env = { WEIR_HOME: dir };
    const running = startWeir(
      [
        'run',
        '-f',
        job,
        '-D',
        'state.backend.type=rocksdb',
        '-D',
        `state.checkpoints.dir=${join(dir, 'ck')}`,
        '-D',
        `state.backend.rocksdb.localdir=${join(dir, 'local')}`,
      ],
      { env },
    );
    try {
      const jobId = await waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(running.stderr)?.[1], {
        what: 'job id',
        timeoutMs: 20_000,
      });
      const bad = await runWeir(['savepoint', jobId, join(dir, 'sp'), '--type', 'portable'], { env });
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/Unknown savepoint type 'portable'/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);

      const native = await runWeir(['savepoint', jobId, join(dir, 'sp'), '--type', 'native'], { env });
      expect(native.code, native.stderr).toBe(0);
      const nativePath = /Savepoint completed\. Path: file:(\S+)/.exec(native.stdout)![1];
      expect((await readdir(nativePath)).some((f) => f.endsWith('.sst'))).toBe(true);
      expect(await readFile(join(nativePath, '_metadata'), 'utf8')).toContain('weir-sorted-runs-v1');

      const canonical = await runWeir(['savepoint', jobId, join(dir, 'sp')], { env });
      expect(canonical.code, canonical.stderr).toBe(0);
      const canonicalPath = /Savepoint completed\. Path: file:(\S+)/.exec(canonical.stdout)![1];
      expect(await readdir(canonicalPath)).toEqual(['_metadata']);
      expect(await readFile(join(canonicalPath, '_metadata'), 'utf8')).not.toContain('weir-sorted-runs-v1');
    } finally {
      running.child.kill('SIGKILL');
      await running.exit;
    }
  }, 60_000);
});
