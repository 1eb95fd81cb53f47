import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCompletedCheckpoint } from '../../src/testing/crash-loop.js';
import { startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

// `weir run -s` given a damaged checkpoint: a clear error naming the file, and no job started from
// part of it. The checkpoint is a real one, taken by a job that was then SIGKILLed.
// Runs bin/weir.js, which loads dist/: `npm run build` first (`npm test` does).
let dir: string;
let job: string;
let metadata: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-restore-input-'));
  job = join(dir, 'job.sql');
  await writeFile(
    job,
    `CREATE TABLE seq (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000',
       'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '1000000');
     CREATE TABLE sink (id BIGINT) WITH ('connector' = 'blackhole');
     INSERT INTO sink SELECT id FROM seq;\n`,
  );
  const run = startWeir([
    'run',
    '-f',
    job,
    '-D',
    'execution.checkpointing.interval=100ms',
    '-D',
    `state.checkpoints.dir=${dir}/chk`,
  ]);
  await waitFor(async () => (await latestCompletedCheckpoint(join(dir, 'chk'))).path, {
    what: 'a completed checkpoint',
    timeoutMs: 20_000,
  });
  run.child.kill('SIGKILL');
  await run.exit;
  // The latest after the kill: the one seen before may have been subsumed and deleted meanwhile.
  const chk = (await latestCompletedCheckpoint(join(dir, 'chk'))).path!;
  metadata = await readFile(join(chk, '_metadata'), 'utf8');
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function restoreFrom(name: string, content: string) {
  const target = join(dir, name);
  await mkdir(target, { recursive: true });
  await writeFile(join(target, '_metadata'), content);
  const run = startWeir(['run', '-f', job, '-s', target]);
  const code = await run.exit;
  return { code, stderr: run.stderr, file: join(target, '_metadata') };
}

describe('weir run -s with damaged checkpoint metadata', () => {
  it('a good copy restores (the baseline the damaged ones are made from)', async () => {
    const target = join(dir, 'good');
    await cp(join(dir, 'chk'), target, { recursive: true });
    const path = (await latestCompletedCheckpoint(target)).path!;
    const run = startWeir(['run', '-f', job, '-s', path]);
    await waitFor(() => /Submitted job/.test(run.stderr) || undefined, { what: 'the restored job to start' });
    run.child.kill('SIGKILL');
    await run.exit;
    expect(run.stderr).not.toMatch(/error/i);
  }, 30_000);

  it('a truncated _metadata fails with the file named, before any job starts', async () => {
    const { code, stderr, file } = await restoreFrom(
      'truncated',
      metadata.slice(0, Math.floor(metadata.length / 2)),
    );
    expect(code).not.toBe(0);
    expect(stderr).toContain('RESTORE_INVALID');
    expect(stderr).toContain(file);
    expect(stderr).not.toContain('Submitted job');
  }, 30_000);

  it('an empty _metadata fails the same way', async () => {
    const { code, stderr, file } = await restoreFrom('empty', '');
    expect(code).not.toBe(0);
    expect(stderr).toContain('RESTORE_INVALID');
    expect(stderr).toContain(file);
    expect(stderr).not.toContain('Submitted job');
  }, 30_000);

  it('well-formed JSON with an operator state cut out is refused whole, not partly restored', async () => {
    const parsed = JSON.parse(metadata) as { operators: Record<string, { subtasks: unknown[] }> };
    const [first] = Object.keys(parsed.operators);
    parsed.operators[first].subtasks = [];
    const { code, stderr, file } = await restoreFrom('cut', JSON.stringify(parsed));
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      `Checkpoint metadata ${file} is damaged: the state of operator ${first} is incomplete`,
    );
    expect(stderr).not.toContain('Submitted job');
  }, 30_000);
});
