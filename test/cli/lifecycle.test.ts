import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('job lifecycle from another terminal: list, savepoint, stop, run -s, cancel, REST', () => {
  it('works on the quickstart as a Flink user would use it', async () => {
    const home = await mkdtemp(join(tmpdir(), 'weir-home-'));
    dirs.push(home);
    const env = { WEIR_HOME: home };
    const ck = `-Dstate.checkpoints.dir=${join(home, 'ck')}`;
    const job = startWeir(['run', '-f', 'sql-examples/quickstart.sql', ck], { env });
    const jobId = await waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(job.stderr)?.[1], {
      what: 'job id',
    });
    const rest = await waitFor(() => /REST API at (\S+)/.exec(job.stderr)?.[1], { what: 'REST address' });

    const list = await runWeir(['list'], { env });
    expect(list.stdout).toMatch(
      new RegExp(`: ${jobId} : insert-into_default_catalog\\.default_database\\.big_orders \\(RUNNING\\)`),
    );

    // Flink's REST shapes.
    const jobs = (await (await fetch(`${rest}/jobs`)).json()) as { jobs: { id: string; status: string }[] };
    expect(jobs.jobs).toEqual([{ id: jobId, status: 'RUNNING' }]);
    const details = (await (await fetch(`${rest}/jobs/${jobId}`)).json()) as Record<string, unknown>;
    expect(Object.keys(details)).toEqual(
      expect.arrayContaining([
        'jid',
        'name',
        'isStoppable',
        'state',
        'start-time',
        'end-time',
        'duration',
        'now',
        'timestamps',
        'vertices',
        'plan',
      ]),
    );

    const savepoint = await runWeir(['savepoint', jobId.slice(0, 8), join(home, 'savepoints')], { env });
    expect(savepoint.code).toBe(0);
    const first = /Savepoint completed\. Path: file:(\S+)/.exec(savepoint.stdout)?.[1];
    expect(first).toMatch(new RegExp(`savepoints/savepoint-${jobId.slice(0, 6)}-[0-9a-f]{12}$`));

    const checkpoints = (await (await fetch(`${rest}/jobs/${jobId}/checkpoints`)).json()) as {
      counts: Record<string, number>;
      latest: { savepoint: Record<string, unknown> };
      history: Record<string, unknown>[];
    };
    expect(Object.keys(checkpoints).sort()).toEqual(['counts', 'history', 'latest', 'summary']);
    expect(Object.keys(checkpoints.counts).sort()).toEqual([
      'completed',
      'failed',
      'in_progress',
      'restored',
      'total',
    ]);
    expect(checkpoints.latest.savepoint).toMatchObject({
      is_savepoint: true,
      status: 'COMPLETED',
      external_path: first,
    });
    expect(Object.keys(checkpoints.history[0])).toEqual(
      expect.arrayContaining([
        'id',
        'status',
        'is_savepoint',
        'trigger_timestamp',
        'latest_ack_timestamp',
        'state_size',
        'end_to_end_duration',
      ]),
    );

    const stop = await runWeir(['stop', '--savepointPath', join(home, 'savepoints'), jobId], { env });
    expect(stop.code).toBe(0);
    const final = /Savepoint completed\. Path: file:(\S+)/.exec(stop.stdout)?.[1] ?? '';
    expect(final).not.toBe('');
    expect(await job.exit).toBe(0);
    expect(job.stderr).toContain(`Job ${jobId} finished.`);
    expect((await runWeir(['list'], { env })).stdout).toBe('No running jobs.\n');
    expect((await readdir(join(home, 'savepoints'))).sort()).toEqual(
      [first!, final].map((p) => p.split('/').pop()).sort(),
    );

    // Resume from the stop savepoint: the generator continues exactly where it stopped.
    const metadata = JSON.parse(await readFile(join(final, '_metadata'), 'utf8'));
    const position = Object.values(
      metadata.operators as Record<string, { subtasks: Record<string, { emitted: number }[]>[] }>,
    )
      .map((op) => op.subtasks[0]['datagen-splits']?.[0]?.emitted)
      .find((p) => p !== undefined)!;
    const lastPrinted = Math.max(...[...job.stdout.matchAll(/^\+I\[(\d+),/gm)].map((m) => Number(m[1])));
    expect(lastPrinted).toBeLessThanOrEqual(position);
    const resumed = startWeir(['run', '-f', 'sql-examples/quickstart.sql', ck, '-s', final], { env });
    const resumedId = await waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(resumed.stderr)?.[1], {
      what: 'job id',
    });
    await waitFor(() => /^\+I\[(\d+),/m.exec(resumed.stdout), {
      what: 'a row after resuming',
      timeoutMs: 20_000,
    });
    expect(Number(/^\+I\[(\d+),/m.exec(resumed.stdout)![1])).toBeGreaterThan(position);

    const cancel = await runWeir(['cancel', resumedId], { env });
    expect(cancel.stdout).toBe(`Cancelled job ${resumedId}.\n`);
    expect(await resumed.exit).toBe(0);
    expect(resumed.stderr).toContain(`Job ${resumedId} was cancelled.`);
  });

  it('says so when the job is not running', async () => {
    const home = await mkdtemp(join(tmpdir(), 'weir-home-'));
    dirs.push(home);
    const { code, stderr } = await runWeir(['savepoint', 'feedfacefeedfacefeedfacefeedface'], {
      env: { WEIR_HOME: home },
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/No running job feedface/);
    expect(stderr).toMatch(/weir list/);
  });
});
