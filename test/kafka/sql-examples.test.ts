import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { kafkaConnection } from '../infra/context.js';
import { unique } from './kafka-helpers.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/**
 * The first-Kafka-job scripts of docs/kafka.md, as written, against the test broker: only the
 * broker address and the topic names (unique per run) are substituted.
 */
async function script(name: string, dir: string, names: Record<string, string>): Promise<string> {
  let text = await readFile(join(REPO_ROOT, 'sql-examples', 'kafka', name), 'utf8');
  text = text.replaceAll("'localhost:9092'", `'${kafkaConnection().bootstrapServers}'`);
  for (const [from, to] of Object.entries(names)) text = text.replaceAll(`'${from}'`, `'${to}'`);
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

const rowsOf = (stdout: string) =>
  [...stdout.matchAll(/^\+I\[(\d+), (\w+), ([\d.]+), /gm)].map((m) => ({
    auction: Number(m[1]),
    price: Number(m[3]),
  }));

describe('sql-examples/kafka: the first Kafka job', () => {
  it('produce-bids -> big-bids (stopped with a savepoint) -> show-big-bids: every big bid once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-kafka-examples-'));
    dirs.push(dir);
    const names = {
      bids: unique('bids'),
      big_bids: unique('big-bids'),
      'weir-produce-bids': unique('produce'),
      'weir-big-bids': unique('big'),
    };
    const env = { WEIR_HOME: dir };
    const ck = `-Dstate.checkpoints.dir=${join(dir, 'ck')}`;

    const produce = await runWeir(['run', '-f', await script('produce-bids.sql', dir, names), ck], { env });
    expect(produce.stderr).toMatch(/finished\./);
    expect(produce.code).toBe(0);

    const job = startWeir(['run', '-f', await script('big-bids.sql', dir, names), ck], { env });
    const jobId = await waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(job.stderr)?.[1], {
      what: 'job id',
    });
    await waitFor(() => /REST API at/.test(job.stderr), { what: 'the REST API' });
    const stop = await runWeir(['stop', '--savepointPath', join(dir, 'savepoints'), jobId], { env });
    expect(stop.stdout).toMatch(/Savepoint completed\. Path: file:/);
    expect(await job.exit).toBe(0);

    // Read `bids` itself with the same kind of bounded job, to know which bids are big.
    const showBids = (await script('show-big-bids.sql', dir, names)).replace('show-big-bids', 'show-bids');
    const text = (await readFile(join(dir, 'show-big-bids.sql'), 'utf8')).replaceAll(
      `'${names.big_bids}'`,
      `'${names.bids}'`,
    );
    await writeFile(showBids, text);
    const all = rowsOf((await runWeir(['run', '-f', showBids], { env })).stdout);
    expect(all).toHaveLength(1000);

    const shown = await runWeir(['run', '-f', await script('show-big-bids.sql', dir, names)], { env });
    expect(shown.code).toBe(0);
    const big = rowsOf(shown.stdout);
    // The stop committed everything the job read before it: the topic holds every big bid of
    // what was read, each once. (It may not have read all 1000 by the time it was stopped.)
    expect(new Set(big.map((r) => r.auction)).size).toBe(big.length);
    expect(big.every((r) => r.price > 100)).toBe(true);
    const expected = all.filter(
      (r) => r.price > 100 && r.auction <= Math.max(0, ...big.map((b) => b.auction)),
    );
    expect(big.map((r) => r.auction).sort((a, b) => a - b)).toEqual(
      expected.map((r) => r.auction).sort((a, b) => a - b),
    );
  });
});
