import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, WEIR_BIN } from '../helpers/cli.js';

// `weir run` on a terminal: util-linux's `script` gives it a pseudo-terminal, as a user's shell would.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-progress-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runOnTerminal(script: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(
    'script',
    [
      '-qfec',
      `${JSON.stringify(process.execPath)} ${JSON.stringify(WEIR_BIN)} run -f ${JSON.stringify(script)}`,
      '/dev/null',
    ],
    {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', WEIR_HOME: join(tmpdir(), 'weir-test-home'), COLUMNS: '120' },
    },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('weir run in the foreground', () => {
  it('on a terminal, keeps one live status line: records/s, the last checkpoint, restarts', async () => {
    const script = join(dir, 'job.sql');
    await writeFile(
      script,
      `SET 'execution.checkpointing.interval' = '300ms';
       CREATE TABLE orders (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '400', 'number-of-rows' = '1200');
       CREATE TABLE out (id BIGINT) WITH ('connector' = 'blackhole');
       INSERT INTO out SELECT id FROM orders;\n`,
    );
    const { code, output } = await runOnTerminal(script);
    expect(code, output).toBe(0);
    // Each redraw erases the line in place; the line shows the job's figures.
    const statuses = output
      .split('\r\x1b[2K')
      .filter((s) => s.startsWith('job '))
      .map((s) => s.replace(/\r?\n[\s\S]*$/, ''));
    expect(statuses.length, output).toBeGreaterThanOrEqual(2);
    for (const s of statuses) {
      expect(s).toMatch(
        /^job [0-9a-f]{8}: \d+ in\/s, \d+ out\/s, (checkpoint \d+ \(\d+ ms\)|no checkpoint yet), 0 restarts$/,
      );
    }
    expect(statuses.some((s) => /checkpoint \d+/.test(s))).toBe(true);
    expect(statuses.some((s) => !/^job \w+: 0 in\/s/.test(s))).toBe(true);
    // The status line is gone before the closing lines.
    const finished = /\[INFO\] Job [0-9a-f]{32} finished\./.exec(output);
    expect(finished, output).not.toBeNull();
    expect(output.slice(0, finished!.index).endsWith('\r\x1b[2K')).toBe(true);
  }, 60_000);

  it('on a pipe, writes no control sequences', async () => {
    const { runWeir } = await import('../helpers/cli.js');
    const script = join(dir, 'short.sql');
    await writeFile(
      script,
      `CREATE TABLE orders (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
       CREATE TABLE out (id BIGINT) WITH ('connector' = 'blackhole');
       INSERT INTO out SELECT id FROM orders;\n`,
    );
    const { code, stdout, stderr } = await runWeir(['run', '-f', script], { cwd: REPO_ROOT });
    expect(code, stderr).toBe(0);
    expect(stdout + stderr).not.toContain('\x1b');
  });
});
