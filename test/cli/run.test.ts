import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'weir-cli-'));
  dirs.push(d);
  return d;
};

describe('weir --help and usage errors', () => {
  it('describes the commands and every flag of run', async () => {
    const top = await runWeir(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/run \[options\]/);
    const run = await runWeir(['run', '--help']);
    expect(run.code).toBe(0);
    for (const flag of [
      '-f, --file <path>',
      '-D <key=value>',
      '-p, --parallelism <n>',
      '-s, --fromSavepoint <path>',
      '-n, --allowNonRestoredState',
    ]) {
      expect(run.stdout).toContain(flag);
    }
  });

  it.each([
    [['run', '-f', 'sql-examples/quickstart.sql', '--frobnicate'], /^weir: unknown option '--frobnicate'/],
    [['run'], /^weir: required option '-f, --file <path>' not specified/],
    [['run', '-f', 'no/such/file.sql'], /^weir: cannot read 'no\/such\/file.sql': no such file/],
    [['run', '-f', 'sql-examples'], /^weir: cannot read 'sql-examples': it is a directory/],
    [['run', '-f', 'sql-examples/quickstart.sql', '-D', 'novalue'], /^weir: invalid -D 'novalue'/],
    [['frobnicate'], /^weir: unknown command 'frobnicate'/],
  ])('weir %j fails with one line and exit code 2', async (args, message) => {
    const { code, stderr, stdout } = await runWeir(args);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stdout).toBe('');
  });

  it('reports a SQL mistake with its line and column and no stack trace', async () => {
    const dir = await tempDir();
    const file = join(dir, 'bad.sql');
    await writeFile(
      file,
      "CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nINSERT INTO nowhere SELECT a FROM t;\n",
    );
    const { code, stderr } = await runWeir(['run', '-f', file]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:2:13`);
    expect(stderr).toContain('nowhere');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('rejects an invalid -D value with the key and what it takes', async () => {
    const { code, stderr } = await runWeir([
      'run',
      '-f',
      'sql-examples/quickstart.sql',
      '-D',
      'execution.checkpointing.interval=sometimes',
    ]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/execution\.checkpointing\.interval/);
    expect(stderr).toMatch(/duration/);
  });
});

describe('weir explain -f', () => {
  it("prints Flink's EXPLAIN sections and the JobGraph with stable operator ids, running nothing", async () => {
    const first = await runWeir(['explain', '-f', 'sql-examples/quickstart.sql']);
    expect(first.code).toBe(0);
    for (const section of [
      '== Abstract Syntax Tree ==',
      '== Optimized Physical Plan ==',
      '== Optimized Execution Plan ==',
      '== Job Graph ==',
    ]) {
      expect(first.stdout).toContain(section);
    }
    expect(first.stdout).toMatch(
      /Calc\(select=\[order_id, UPPER\(buyer\) AS EXPR\$1, price, ts\], where=\[\(price > 50\.00\)\]\)/,
    );
    const ids = [...first.stdout.matchAll(/^vertex ([0-9a-f]{32}) /gm)].map((m) => m[1]);
    expect(ids).toHaveLength(3);
    const second = await runWeir(['explain', '-f', 'sql-examples/quickstart.sql']);
    expect([...second.stdout.matchAll(/^vertex ([0-9a-f]{32}) /gm)].map((m) => m[1])).toEqual(ids);
  });
});

describe('weir run -f sql-examples/quickstart.sql', () => {
  it('prints rows, checkpoints in Flink layout, stops on Ctrl-C keeping the checkpoint, and resumes with -s', async () => {
    const dir = await tempDir();
    const args = [
      '-D',
      'execution.checkpointing.interval=200ms',
      '-D',
      `state.checkpoints.dir=file://${dir}`,
    ];
    const first = startWeir(['run', '-f', 'sql-examples/quickstart.sql', ...args]);
    const jobId = await waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(first.stderr)?.[1], {
      what: 'job id',
    });
    await waitFor(() => /^\+I\[\d+, [0-9A-F]{8}, \d+\.\d\d, \d{4}-\d\d-\d\dT[\d:.]+\]$/m.test(first.stdout), {
      what: 'a printed row',
    });
    // The quickstart's own SET (5 s) wins over -D, as in Flink's SQL client: the first checkpoint
    // completes about 5 s after the start. A chk-<n> directory counts once its _metadata exists.
    await waitFor(
      async () => {
        const entries = await readdir(join(dir, jobId)).catch(() => [] as string[]);
        for (const e of entries.filter((name) => name.startsWith('chk-'))) {
          if (await stat(join(dir, jobId, e, '_metadata')).catch(() => undefined)) return e;
        }
        return undefined;
      },
      { what: 'a completed checkpoint', timeoutMs: 20_000 },
    );
    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    expect(first.stderr).toMatch(/was cancelled/);
    const retained = /Latest retained checkpoint of job [0-9a-f]+: (\S+)/.exec(first.stderr)?.[1];
    expect(retained).toMatch(new RegExp(`${jobId}/chk-\\d+$`));
    expect((await stat(join(retained!, '_metadata'))).isFile()).toBe(true);
    const printedIds = [...first.stdout.matchAll(/^\+I\[(\d+),/gm)].map((m) => Number(m[1]));
    // Only orders over 50 are printed; ids come from a sequence, so they only increase.
    expect(printedIds).toEqual([...printedIds].sort((a, b) => a - b));

    const resumed = startWeir(['run', '-f', 'sql-examples/quickstart.sql', ...args, '-s', retained!]);
    await waitFor(() => /^\+I\[(\d+),/m.exec(resumed.stdout), { what: 'a row after resuming' });
    resumed.child.kill('SIGTERM');
    expect(await resumed.exit).toBe(0);
    const resumedIds = [...resumed.stdout.matchAll(/^\+I\[(\d+),/gm)].map((m) => Number(m[1]));
    expect(resumedIds.length).toBeGreaterThan(0);
    // The sequence continues after the checkpointed position instead of starting again at 1.
    const metadata = JSON.parse(await readFile(join(retained!, '_metadata'), 'utf8'));
    const positions = Object.values(
      metadata.operators as Record<string, { subtasks: Record<string, { emitted: number }[]>[] }>,
    )
      .map((op) => op.subtasks[0]['datagen-splits']?.[0]?.emitted)
      .filter((p) => p !== undefined);
    expect(positions).toHaveLength(1);
    expect(resumedIds[0]).toBeGreaterThan(positions[0]);
  });
});
