import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Producer } from '@platformatic/kafka';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobGraph } from '../../src/common/jobgraph.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { SqlSession } from '../../src/planner/session.js';
import { executeJob, loadCheckpointMetadata } from '../../src/runtime/index.js';
import { waitFor } from '../helpers/wait.js';
import { brokers, createTopic, readTopic, unique } from './kafka-helpers.js';

const quiet = { write: () => true, once: () => quiet };
const logs: string[] = [];
const log = { info: (m: string) => logs.push(m), warn: (m: string) => logs.push(`WARN ${m}`) };
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function produceUsers(topic: string, users: readonly [id: number, region: string | null][]) {
  const producer = new Producer({ clientId: 'weir-test', bootstrapBrokers: brokers() });
  try {
    await producer.send({
      messages: users.map(([id, region]) => ({
        topic,
        partition: id % 2,
        key: Buffer.from(JSON.stringify({ id })),
        value: (region === null ? null : Buffer.from(JSON.stringify({ id, region }))) as Buffer,
      })),
    });
  } finally {
    await producer.close();
  }
}

/** The output topic as a read_committed consumer compacts it: region → count. */
async function committedCounts(topic: string): Promise<Record<string, number>> {
  const table: Record<string, number> = {};
  for (const r of await readTopic(topic, 'read_committed')) {
    const region = JSON.parse(r.key ?? '{}').region as string;
    if (r.tombstone) delete table[region];
    else table[region] = JSON.parse(r.value).cnt;
  }
  return table;
}

function countsOf(users: Map<number, string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const region of users.values()) counts[region] = (counts[region] ?? 0) + 1;
  return counts;
}

function plan(input: string, output: string, prefix: string, parallelism: number, dir: string): JobGraph {
  const connectors = builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => c.descriptor);
  const kafka = `'properties.bootstrap.servers' = '${brokers().join(',')}', 'key.format' = 'json', 'value.format' = 'json'`;
  const results = new SqlSession({ connectors }).executeScript(`
    SET 'parallelism.default' = '${parallelism}';
    SET 'execution.checkpointing.interval' = '100ms';
    SET 'execution.checkpointing.dir' = 'file://${dir}';
    CREATE TABLE users (id BIGINT, region STRING, PRIMARY KEY (id) NOT ENFORCED)
      WITH ('connector' = 'upsert-kafka', 'topic' = '${input}', ${kafka});
    CREATE TABLE regions (region STRING, cnt BIGINT, PRIMARY KEY (region) NOT ENFORCED)
      WITH ('connector' = 'upsert-kafka', 'topic' = '${output}', ${kafka},
        'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${prefix}');
    INSERT INTO regions SELECT region, COUNT(*) FROM users GROUP BY region;`);
  const job = results[results.length - 1];
  if (job.kind !== 'job') throw new Error(job.kind);
  return job.jobGraph;
}

/*
 * Restored at parallelism 3 from 2: ChangelogNormalize and aggregate state re-split by key group,
 * and one source subtask reads no partition of the 2-partition input (it once spun on empty fetch
 * rounds and starved the process, which hung this test).
 */
describe('upsert-kafka exactly-once across a stop-with-savepoint and a restore at another parallelism', () => {
  it('ChangelogNormalize, aggregate and source offsets are restored: the counts stay right', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-upsert-restore-'));
    dirs.push(dir);
    const input = unique('weir-upsert-in');
    const output = unique('weir-upsert-out');
    const prefix = unique('weir-upsert-eo');
    await createTopic(input, 2);
    await createTopic(output, 3);
    const users = new Map<number, string>();
    const round1: [number, string][] = [];
    for (let id = 1; id <= 40; id++) round1.push([id, `r${id % 4}`]);
    await produceUsers(input, round1);
    for (const [id, region] of round1) users.set(id, region);

    const first = executeJob(plan(input, output, prefix, 2, join(dir, 'ck')), { connectors: runtime(), log });
    const afterFirst = countsOf(users);
    await waitFor(
      async () =>
        JSON.stringify(sorted(await committedCounts(output))) === JSON.stringify(sorted(afterFirst)),
      {
        what: 'the first round committed',
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    const { savepoint, result } = await first.stop({ savepointDirectory: join(dir, 'savepoints') });
    expect(result.status).toBe('FINISHED');

    // Moves between regions (the old row must be retracted from its count: it is in the restored
    // ChangelogNormalize state only), unchanged rows, and deletions that empty 'r0'.
    const round2: [number, string | null][] = [];
    for (let id = 1; id <= 40; id++) {
      if (id % 4 === 0) round2.push([id, null]);
      else if (id <= 20) round2.push([id, `m${id % 3}`]);
      else round2.push([id, `r${id % 4}`]);
    }
    await produceUsers(input, round2);
    for (const [id, region] of round2) {
      if (region === null) users.delete(id);
      else users.set(id, region);
    }
    const second = executeJob(plan(input, output, prefix, 3, join(dir, 'ck')), {
      connectors: runtime(),
      log,
      restoreFrom: await loadCheckpointMetadata(savepoint!),
    });
    let ended: string | undefined;
    void second.result.then((r) => {
      ended = `${r.status} ${r.error?.message ?? ''}\n${logs.join('\n')}`;
    });
    const expected = sorted(countsOf(users));
    expect(expected.r0).toBeUndefined();
    await waitFor(
      async () => {
        if (ended !== undefined) throw new Error(`the resumed job ended: ${ended}`);
        const now = sorted(await committedCounts(output));
        return JSON.stringify(now) === JSON.stringify(expected);
      },
      {
        what: `the second round committed: ${JSON.stringify(expected)}`,
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );
    await second.cancel();
    expect(sorted(await committedCounts(output))).toEqual(expected);
    // 'r0' lost every user: its last committed record is a tombstone.
    const r0 = (await readTopic(output)).filter((r) => r.key === '{"region":"r0"}');
    expect(r0.at(-1)?.tombstone).toBe(true);
  }, 120_000);
});

function runtime() {
  return new Map(
    builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
  );
}

function sorted(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}
