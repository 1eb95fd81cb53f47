import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeir, startWeir, submittedJobId, type WeirProcess } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

/*
 * Restoring a savepoint into an edited query with `weir run -s`: unrelated edits (a filter, renamed
 * columns) keep the operators' ids and their state; a changed aggregation is another operator, and
 * its old state fails the restore with a message naming it, unless -n drops it. Runs bin/weir.js
 * (dist/): `npm run build` first.
 */

const SOURCE = `CREATE TABLE src (id BIGINT, k AS id % 3) WITH ('connector' = 'datagen', 'rows-per-second' = '300',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100000');`;
const ORIGINAL = `${SOURCE}
CREATE TABLE out (k BIGINT, n BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT k, COUNT(*) FROM src GROUP BY k;`;
const EDITED = `${SOURCE}
CREATE TABLE out (k BIGINT, n BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT k AS key_of_group, COUNT(*) AS how_many FROM src WHERE id > 0 GROUP BY k;`;
const CHANGED = `${SOURCE}
CREATE TABLE out (k BIGINT, n BIGINT) WITH ('connector' = 'print');
INSERT INTO out SELECT k, COUNT(DISTINCT id) FROM src GROUP BY k;`;

let dir: string;
const running: WeirProcess[] = [];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-savepoint-compat-'));
});
afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

const env = () => ({ WEIR_HOME: dir });

async function script(name: string, text: string): Promise<string> {
  const path = join(dir, `${name}.sql`);
  await writeFile(path, text);
  return path;
}

function run(args: string[]): WeirProcess {
  const p = startWeir(['run', '-D', `state.checkpoints.dir=${join(dir, 'ck')}`, ...args], { env: env() });
  running.push(p);
  return p;
}

/** The printed counts, as [kind, k, n]. */
const printed = (p: WeirProcess) =>
  [...p.stdout.matchAll(/^([+-][IUD])\[(\d+), (\d+)\]$/gm)].map(
    (m) => [m[1], Number(m[2]), Number(m[3])] as const,
  );

describe('restoring a savepoint into an edited query', () => {
  it('keeps the state through a renamed column and an added filter; a changed aggregation is unmatched state', async () => {
    const original = run(['-f', await script('original', ORIGINAL)]);
    const originalId = await submittedJobId(original);
    await waitFor(() => printed(original).length >= 30, { what: 'counts', timeoutMs: 20_000 });
    const stop = await runWeir(['stop', '--savepointPath', join(dir, 'sp'), originalId], { env: env() });
    expect(stop.code, stop.stderr).toBe(0);
    const savepoint = /Savepoint completed\. Path: file:(\S+)/.exec(stop.stdout)![1];
    expect(await original.exit).toBe(0);
    const lastCount = new Map(printed(original).map(([, k, n]) => [k, n]));

    // Renamed columns and a filter: the same operators, so the counts go on from the savepoint.
    const edited = run(['-f', await script('edited', EDITED), '-s', savepoint]);
    const editedId = await submittedJobId(edited);
    await waitFor(() => printed(edited).length >= 6, {
      what: 'counts of the edited query',
      timeoutMs: 20_000,
    });
    expect(printed(edited).filter(([kind]) => kind === '+I')).toEqual([]);
    // Each key goes on from its count at the savepoint: -U[k, last] then +U[k, last + 1].
    for (const [k, last] of lastCount) {
      const rows = printed(edited).filter(([, key]) => key === k);
      expect(rows.slice(0, 2)).toEqual([
        ['-U', k, last],
        ['+U', k, last + 1],
      ]);
    }
    expect((await runWeir(['cancel', editedId], { env: env() })).code).toBe(0);
    expect(await edited.exit).toBe(0);

    // COUNT(DISTINCT id) keeps other state than COUNT(*): the restore names the operator it cannot map.
    const changed = run(['-f', await script('changed', CHANGED), '-s', savepoint]);
    expect(await changed.exit).toBe(1);
    expect(changed.stderr).toContain('error[RESTORE_UNMATCHED_STATE]');
    expect(changed.stderr).toMatch(
      /not in this job:\n\s+GroupAggregate\(groupBy=\[k\], select=\[k, COUNT\(\*\) AS EXPR\$1\]\) \(id [0-9a-f]{32}\)/,
    );
    expect(changed.stderr).toContain('--allowNonRestoredState (-n)');
    expect(changed.stderr).not.toMatch(/\n\s+at /);

    // With -n the aggregate starts empty; the source still resumes where it stopped.
    const dropped = run(['-f', await script('changed', CHANGED), '-s', savepoint, '-n']);
    const droppedId = await submittedJobId(dropped);
    await waitFor(() => printed(dropped).length >= 3, {
      what: 'counts of the changed query',
      timeoutMs: 20_000,
    });
    expect(printed(dropped)[0][0]).toBe('+I');
    expect((await runWeir(['cancel', droppedId], { env: env() })).code).toBe(0);
    expect(await dropped.exit).toBe(0);
  }, 120_000);
});
