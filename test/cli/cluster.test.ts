import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const JOB = `
CREATE TABLE numbers (n BIGINT) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '200',
  'fields.n.kind' = 'sequence',
  'fields.n.start' = '1',
  'fields.n.end' = '1000000'
);
CREATE TABLE out_numbers (n BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'numbers');
SET 'execution.checkpointing.interval' = '200ms';
INSERT INTO out_numbers SELECT n FROM numbers;
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let home: string | undefined;
let clusterPid: number | undefined;
afterAll(async () => {
  if (clusterPid !== undefined && alive(clusterPid)) process.kill(clusterPid, 'SIGKILL');
  if (home) await rm(home, { recursive: true, force: true });
});

/** The sequence numbers the print sink wrote to the cluster's output, in order. */
async function printed(log: string): Promise<number[]> {
  const text = await readFile(log, 'utf8');
  return [...text.matchAll(/^numbers> \+I\[(\d+)\]$/gm)].map((m) => Number(m[1]));
}

describe('weir cluster: a session cluster in the background that weir run -d submits to', () => {
  it('runs detached jobs, survives stop-with-savepoint and resubmission from it, and stops cleanly', async () => {
    home = await mkdtemp(join(tmpdir(), 'weir-cluster-'));
    const env = { WEIR_HOME: home };
    const script = join(home, 'job.sql');
    await writeFile(script, JOB);

    const noCluster = await runWeir(['run', '-d', '-f', script], { env });
    expect(noCluster.code).toBe(1);
    expect(noCluster.stderr).toContain('error[CLUSTER_NOT_RUNNING]: No weir cluster is running');

    const start = await runWeir(['cluster', 'start', '-D', 'rest.port=0'], { env, cwd: home });
    expect(start.code).toBe(0);
    const [, rest, pid, log] = /Cluster started at (\S+) \(pid (\d+)\)\. Its output goes to (\S+)/.exec(
      start.stdout,
    )!;
    clusterPid = Number(pid);
    expect(alive(clusterPid)).toBe(true);
    expect(log).toBe(join(home, 'log', 'cluster.out'));

    const again = await runWeir(['cluster', 'start', '-D', 'rest.port=0'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`A weir cluster is already running at ${rest}`);

    const submitted = await runWeir(['run', '-d', '-f', script], { env });
    expect(submitted.code).toBe(0);
    const first = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(submitted.stdout)![1];
    const list = await runWeir(['list'], { env });
    expect(list.stdout).toContain(
      `: ${first} : insert-into_default_catalog.default_database.out_numbers (RUNNING)`,
    );
    const overview = (await (await fetch(`${rest}/jobs`)).json()) as {
      jobs: { id: string; status: string }[];
    };
    expect(overview.jobs).toEqual([{ id: first, status: 'RUNNING' }]);
    // The cluster serves the dashboard and the Prometheus metrics on the same port.
    const dashboard = await fetch(`${rest}/`);
    expect(dashboard.headers.get('content-type')).toContain('text/html');
    expect(await dashboard.text()).toContain('/assets/app.js');
    const scrape = await (await fetch(`${rest}/metrics`)).text();
    expect(scrape).toContain(`flink_jobmanager_job_uptime{job_id="${first}"`);
    await waitFor(async () => (await printed(log)).length >= 20, { timeoutMs: 20_000, what: 'printed rows' });

    // A relative savepoint directory is this terminal's, not the cluster's working directory.
    const work = await mkdtemp(join(home, 'terminal-'));
    const stop = await runWeir(['stop', '--savepointPath', 'sps', first], { env, cwd: work });
    expect(stop.code).toBe(0);
    const savepoint = /Savepoint completed\. Path: file:(\S+)/.exec(stop.stdout)![1];
    expect(savepoint.startsWith(join(work, 'sps'))).toBe(true);
    const beforeResume = await printed(log);

    const resumed = await runWeir(['run', '-d', '-s', savepoint, '-f', script], { env });
    expect(resumed.code).toBe(0);
    const second = /JobID ([0-9a-f]{32})/.exec(resumed.stdout)![1];
    expect(second).not.toBe(first);
    await waitFor(async () => (await printed(log)).length >= beforeResume.length + 20, {
      timeoutMs: 20_000,
      what: 'rows of the resumed job',
    });

    const select = join(home, 'select.sql');
    await writeFile(select, JOB.replace(/INSERT INTO out_numbers /, ''));
    const detachedSelect = await runWeir(['run', '-d', '-f', select], { env });
    expect(detachedSelect.code).toBe(1);
    expect(detachedSelect.stderr).toContain('error[CLI_DETACHED_SELECT]');

    const stopCluster = await runWeir(['cluster', 'stop'], { env });
    expect(stopCluster.code).toBe(0);
    expect(stopCluster.stdout).toContain('Cluster stopped.');
    expect(alive(clusterPid)).toBe(false);
    expect(existsSync(join(home, 'cluster.json'))).toBe(false);
    const output = await readFile(log, 'utf8');
    expect(output).toContain(`Job ${first} finished.`);
    expect(output).toContain(`Job ${second} was cancelled.`);

    // Stop-with-savepoint then -s: the sequence goes on where it stopped, nothing twice, nothing skipped.
    const all = await printed(log);
    expect(all.length).toBeGreaterThan(beforeResume.length);
    expect(all).toEqual(all.map((_, i) => i + 1));

    const stopAgain = await runWeir(['cluster', 'stop'], { env });
    expect(stopAgain.stdout).toContain('No weir cluster is running.');
  }, 90_000);
});
