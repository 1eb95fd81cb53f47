import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/cli/session.js';
import type { JobGraph } from '../../src/common/jobgraph.js';
import { executeJob, type RuntimeConnector } from '../../src/runtime/index.js';

const quiet = { write: () => true, once: () => undefined };
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Copies a csv file with a NULL in row 3 into a table whose `name` column is NOT NULL. */
async function run(enforcer?: 'ERROR' | 'DROP') {
  dir = mkdtempSync(join(tmpdir(), 'weir-not-null-'));
  mkdirSync(join(dir, 'in'));
  writeFileSync(join(dir, 'in', 'rows.csv'), '1,a\n2,b\n3,\n4,d\n');
  const { session, runtimeConnectors } = createSession(
    [
      ['restart-strategy.type', 'fixed-delay'],
      ['restart-strategy.fixed-delay.delay', '0 ms'],
      ...(enforcer ? [['table.exec.sink.not-null-enforcer', enforcer] as [string, string]] : []),
    ],
    { stdout: quiet, stderr: quiet },
  );
  let job: JobGraph | undefined;
  for (const s of session.parseScript(`
    CREATE TABLE src (n INT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}/in', 'format' = 'csv', 'csv.null-literal' = '');
    CREATE TABLE dst (n INT, name STRING NOT NULL) WITH ('connector' = 'filesystem', 'path' = '${dir}/out', 'format' = 'csv');
    INSERT INTO dst SELECT n, name FROM src;`)) {
    const r = session.execute(s);
    if (r.kind === 'job') job = r.jobGraph;
  }
  const connectors = new Map<string, RuntimeConnector>(runtimeConnectors);
  const warnings: string[] = [];
  const result = await executeJob(job!, {
    connectors,
    log: { info: () => {}, warn: (m) => warnings.push(m) },
  }).result;
  const out = join(dir, 'out');
  const lines = readdirSync(out)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
  return { result, lines, warnings, job: job! };
}

describe("NOT NULL sink columns ('table.exec.sink.not-null-enforcer')", () => {
  it("by default fail the job with Flink's message naming the column, without restarting it", async () => {
    const { result, lines, job } = await run();
    expect(job.vertices.find((v) => v.operator.kind === 'sink')?.operator).toMatchObject({
      notNullColumns: [{ index: 1, name: 'name' }],
    });
    expect(result.status).toBe('FAILED');
    expect(result.restarts).toBe(0);
    expect(result.error?.message).toBe(
      "Column 'name' is NOT NULL, however, a null value is being written into it. You can set job configuration 'table.exec.sink.not-null-enforcer'='DROP' to suppress this exception and drop such records silently.",
    );
    expect(lines).toEqual([]);
  });

  it('with DROP drop exactly the offending rows, once warned', async () => {
    const { result, lines, warnings } = await run('DROP');
    expect(result.status).toBe('FINISHED');
    expect(lines).toEqual(['1,a', '2,b', '4,d']);
    expect(warnings.filter((w) => w.includes('Dropping rows with NULL'))).toHaveLength(1);
  });
});
