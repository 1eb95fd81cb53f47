import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const TABLES = `CREATE TABLE numbers (n BIGINT) WITH (
  'connector' = 'datagen', 'number-of-rows' = '10',
  'fields.n.kind' = 'sequence', 'fields.n.start' = '1', 'fields.n.end' = '10'
);
CREATE TABLE odd (n BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'odd');
CREATE TABLE even (n BIGINT) WITH ('connector' = 'print', 'print-identifier' = 'even');
`;
const ODD = 'INSERT INTO odd SELECT n FROM numbers WHERE MOD(n, 2) = 1;';
const EVEN = 'INSERT INTO even SELECT n FROM numbers WHERE MOD(n, 2) = 0;';

const printed = (stdout: string, id: string) =>
  [...stdout.matchAll(new RegExp(`^${id}> \\+I\\[(\\d+)\\]$`, 'gm'))]
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('statement sets end to end', () => {
  it('weir run -f runs EXECUTE STATEMENT SET as one job feeding both sinks', async () => {
    dir = await mkdtemp(join(tmpdir(), 'weir-set-'));
    const script = join(dir, 'set.sql');
    await writeFile(script, `${TABLES}EXECUTE STATEMENT SET\nBEGIN\n  ${ODD}\n  ${EVEN}\nEND;\n`);
    const run = await runWeir(['run', '-f', script]);
    expect(run.code).toBe(0);
    expect(run.stderr.match(/Submitted job/g)).toHaveLength(1);
    expect(run.stderr).toContain(
      '(insert-into_default_catalog.default_database.odd,default_catalog.default_database.even)',
    );
    expect(printed(run.stdout, 'odd')).toEqual([1, 3, 5, 7, 9]);
    expect(printed(run.stdout, 'even')).toEqual([2, 4, 6, 8, 10]);
  });

  it('weir sql collects INSERTs between BEGIN STATEMENT SET and END and submits them as one job', async () => {
    const client = startWeir(['sql']);
    client.child.stdin.write(`${TABLES}BEGIN STATEMENT SET;\n${ODD}\n${EVEN}\n`);
    await waitFor(() => client.stdout.match(/Add SQL update statement to the statement set/g)?.length === 2, {
      what: 'both INSERTs added',
    });
    expect(client.stdout).not.toContain('Job ID:');
    client.child.stdin.write('END;\n');
    await waitFor(() => printed(client.stdout, 'odd').length + printed(client.stdout, 'even').length === 10, {
      what: 'all ten rows',
    });
    client.child.stdin.write('QUIT;\n');
    expect(await client.exit).toBe(0);
    expect(client.stdout.match(/Job ID: [0-9a-f]{32}/g)).toHaveLength(1);
    expect(printed(client.stdout, 'odd')).toEqual([1, 3, 5, 7, 9]);
    expect(printed(client.stdout, 'even')).toEqual([2, 4, 6, 8, 10]);
  });
});
