import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FlinkCluster } from '../../src/testing/index.js';
import { runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};

function scriptFile(name: string, text: string): string {
  const file = join(tempDir('weir-flink-cli-'), name);
  writeFileSync(file, text);
  return file;
}

async function flinkJobState(restUrl: string, jobId: string): Promise<string> {
  const job = (await (await fetch(`${restUrl}/jobs/${jobId}`)).json()) as { state: string };
  return job.state;
}

/** `weir run/sql --target flink=<gateway>` and `weir list/savepoint/cancel --target flink=<rest>`. */
export function cliTests(cluster: () => FlinkCluster): void {
  describe('weir --target flink', () => {
    afterAll(() => {
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    });
    it('runs a script: DDL, a SELECT whose changelog is printed, an INSERT whose job id is printed', async () => {
      const file = scriptFile(
        'job.sql',
        `-- a comment before the first statement
SET 'parallelism.default' = '1';
CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');
CREATE TABLE sink (id INT) WITH ('connector' = 'blackhole');
SELECT k, COUNT(*) AS n FROM (VALUES (1), (2), (1)) AS t(k) GROUP BY k;
INSERT INTO sink SELECT id FROM src;
`,
      );
      const { code, stdout, stderr } = await runWeir([
        'run',
        '--target',
        `flink=${cluster().gatewayUrl}`,
        '-f',
        file,
      ]);
      expect(code, stderr).toBe(0);
      const changes = stdout.split('\n').filter((l) => /^[+-][IUD]\[/.test(l));
      expect(changes.filter((c) => c.startsWith('+I'))).toContain('+I[2, 1]');
      // The changelog ends with k=1 counted twice, however Flink interleaves the updates.
      expect(changes).toContain('+U[1, 2]');
      const jobId = /Job has been submitted with JobID ([0-9a-f]{32})/.exec(stdout)?.[1];
      expect(jobId, stdout).toBeDefined();
      await waitFor(async () => (await flinkJobState(cluster().restUrl, jobId as string)) === 'FINISHED', {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: 'the bounded INSERT job to finish on Flink',
      });
    }, 120_000);

    it('reports a connector Flink does not have before anything is submitted', async () => {
      const file = scriptFile(
        'nexmark.sql',
        `CREATE TABLE sink (id INT) WITH ('connector' = 'blackhole');
CREATE TABLE datagen (event_type INT) WITH ('connector' = 'nexmark', 'events.num' = '10');
`,
      );
      const before = (
        (await (await fetch(`${cluster().restUrl}/jobs/overview`)).json()) as { jobs: unknown[] }
      ).jobs.length;
      const { code, stderr } = await runWeir([
        'run',
        '--target',
        `flink=${cluster().gatewayUrl}`,
        '-f',
        file,
      ]);
      expect(code).toBe(1);
      expect(stderr).toContain('FLINK_TARGET_UNSUPPORTED');
      expect(stderr).toContain(`${file}:2: connector 'nexmark' is not on a Flink cluster`);
      expect(stderr).not.toContain('Running');
      const after = (
        (await (await fetch(`${cluster().restUrl}/jobs/overview`)).json()) as { jobs: unknown[] }
      ).jobs.length;
      expect(after).toBe(before);
    }, 60_000);

    it("reports Flink's SQL error at the line and column of the file, without a stack trace", async () => {
      const file = scriptFile(
        'bad.sql',
        "SET 'parallelism.default' = '1';\n\nSELECT nope\n  FROM (VALUES (1)) AS t(a);\n",
      );
      const { code, stderr } = await runWeir([
        'run',
        '--target',
        `flink=${cluster().gatewayUrl}`,
        '-f',
        file,
      ]);
      expect(code).toBe(1);
      expect(stderr).toContain(`Flink rejected the statement at ${file}:3:8`);
      expect(stderr).toContain("Column 'nope' not found");
      expect(stderr).not.toMatch(/\tat org\.apache/);
    }, 60_000);

    it('warns before submission about options weir does not know', async () => {
      const file = scriptFile('opts.sql', "SET 'pipeline.operator-chaining.enabled' = 'false';\nSELECT 1;\n");
      const { code, stderr, stdout } = await runWeir([
        'sql',
        '--target',
        `flink=${cluster().gatewayUrl}`,
        '-f',
        file,
        '-D',
        'sql-client.execution.result-mode=tableau',
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(
        `${file}:1: weir does not know option 'pipeline.operator-chaining.enabled'; Flink will apply it`,
      );
      expect(stderr).toContain("'sql-client.execution.result-mode' shapes the SQL client's output");
      expect(stdout).toContain('+I[1]');
    }, 60_000);

    it('reads statements at the prompt of weir sql --target, and goes on after a mistake', async () => {
      const client = startWeir(['sql', '--target', `flink=${cluster().gatewayUrl}`]);
      client.child.stdin.write(
        "SELECT 'a' ||\n  'b';\nSELECT nope;\nSET 'parallelism.default' = '1';\nQUIT;\n",
      );
      client.child.stdin.end();
      const code = await client.exit;
      expect(client.stdout).toContain('+I[ab]');
      expect(client.stderr).toContain("Column 'nope' not found");
      expect(client.stdout).toContain('Flink SQL> ');
      expect(code).toBe(1);
    }, 60_000);

    it('lists, savepoints and cancels a running Flink job through its REST API', async () => {
      const file = scriptFile(
        'endless.sql',
        `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '10');
CREATE TABLE sink (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO sink SELECT id FROM src;
`,
      );
      const gateway = `flink=${cluster().gatewayUrl}`;
      const rest = `flink=${cluster().restUrl}`;
      const run = await runWeir([
        'run',
        '--target',
        gateway,
        '-f',
        file,
        '-D',
        'execution.checkpointing.interval=1s',
      ]);
      expect(run.code, run.stderr).toBe(0);
      const jobId = /JobID ([0-9a-f]{32})/.exec(run.stdout)?.[1] as string;
      await waitFor(async () => (await flinkJobState(cluster().restUrl, jobId)) === 'RUNNING', {
        timeoutMs: 60_000,
        intervalMs: 200,
        what: 'the job to run',
      });

      const list = await runWeir(['list', '--target', rest]);
      expect(list.stdout).toContain(`${jobId} : insert-into_default_catalog.default_database.sink (RUNNING)`);

      const dir = tempDir('weir-flink-savepoints-');
      const savepoint = await runWeir(['savepoint', jobId.slice(0, 8), dir, '--target', rest]);
      expect(savepoint.code, savepoint.stderr).toBe(0);
      const path = /Savepoint completed\. Path: file:(\S+)/.exec(savepoint.stdout)?.[1];
      expect(path, savepoint.stdout).toBeDefined();
      expect(existsSync(join(path as string, '_metadata'))).toBe(true);

      const cancel = await runWeir(['cancel', jobId, '--target', rest]);
      expect(cancel.code, cancel.stderr).toBe(0);
      expect(cancel.stdout).toContain(`Cancelled job ${jobId}.`);
      await waitFor(async () => (await flinkJobState(cluster().restUrl, jobId)) === 'CANCELED', {
        timeoutMs: 30_000,
        intervalMs: 200,
        what: 'the job to be cancelled',
      });
      const after = await runWeir(['list', '--target', rest]);
      expect(after.stdout).not.toContain(jobId);
    }, 120_000);
  });
}
