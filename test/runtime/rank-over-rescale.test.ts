import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorDescriptor } from '../../src/common/connector.js';
import type { JobGraph } from '../../src/common/jobgraph.js';
import { RowKind } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { SqlSession } from '../../src/planner/session.js';
import type { RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob, loadCheckpointMetadata } from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink } from '../helpers/committing-sink.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Rank, Deduplicate and OverAggregate jobs planned from SQL, stopped with a savepoint mid-run at
 * parallelism 2 and resumed from it at parallelism 3: their keyed state (sorted partitions, kept
 * rows, pending rows with their event-time timers, frames) is split by key group and found again,
 * so the two runs' committed changelogs together give exactly the uninterrupted result.
 */
const ORDERS = 2400;
const quiet = { write: () => true, once: () => quiet };

const SETUP = `CREATE TABLE orders (
  order_id BIGINT,
  buyer AS CAST(order_id % 7 AS INT),
  price AS CAST(order_id * 37 % 101 AS INT),
  ts AS TO_TIMESTAMP(FROM_UNIXTIME(order_id)),
  WATERMARK FOR ts AS ts
) WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.order_id.kind' = 'sequence',
  'fields.order_id.start' = '1', 'fields.order_id.end' = '${ORDERS}');
CREATE TABLE top_prices (buyer INT, price INT, rn BIGINT) WITH ('connector' = 'commit');
CREATE TABLE latest (buyer INT, order_id BIGINT) WITH ('connector' = 'commit');
CREATE TABLE running (order_id BIGINT, total INT) WITH ('connector' = 'commit');`;

const QUERIES = {
  rank: 'INSERT INTO top_prices SELECT buyer, price, rn FROM (SELECT buyer, price, ROW_NUMBER() OVER (PARTITION BY buyer ORDER BY price DESC) AS rn FROM orders) WHERE rn <= 3',
  deduplicate:
    'INSERT INTO latest SELECT buyer, order_id FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY buyer ORDER BY ts DESC) AS rn FROM orders) WHERE rn = 1',
  over: 'INSERT INTO running SELECT order_id, SUM(price) OVER (PARTITION BY buyer ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM orders',
};

const commitDescriptor: ConnectorDescriptor = {
  identifier: 'commit',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only', 'retract'] },
};

function plan(query: string, parallelism: number, dir: string): JobGraph {
  const builtins = builtinConnectors({ stdout: quiet, stderr: quiet });
  const session = new SqlSession({ connectors: [...builtins.map((c) => c.descriptor), commitDescriptor] });
  const results = session.executeScript(
    `SET 'parallelism.default' = '${parallelism}';\nSET 'execution.checkpointing.interval' = '50ms';\nSET 'execution.checkpointing.dir' = 'file://${dir}';\n${SETUP}\n${query}`,
  );
  const job = results[results.length - 1];
  if (job.kind !== 'job') throw new Error(job.kind);
  return job.jobGraph;
}

function connectors(committed: CommittedStore): Map<string, RuntimeConnector> {
  return new Map<string, RuntimeConnector>([
    ...builtinConnectors({ stdout: quiet, stderr: quiet }).map(
      (c) => [c.runtime.identifier, c.runtime] as const,
    ),
    ['commit', { identifier: 'commit', sink: { createWriter: () => new CommittingSink(committed) } }],
  ]);
}

type Change = readonly [kind: number, row: unknown[]];

/**
 * One run's committed changes (its transactions carry its job id): per subtask in checkpoint
 * order, as a key's changes within a run all come from one subtask.
 */
function changesOf(committed: CommittedStore, jobId: string): Change[] {
  return [...committed]
    .filter(([txn]) => txn.startsWith(`${jobId}-`))
    .map(([txn, t]) => ({ at: `${t.subtask}-${txn.split('-').at(-1)!.padStart(8, '0')}`, t }))
    .sort((a, b) => (a.at < b.at ? -1 : 1))
    .flatMap(({ t }) => t.changes);
}

function apply(changes: readonly Change[], key: (row: unknown[]) => string): Map<string, unknown[]> {
  const table = new Map<string, unknown[]>();
  for (const [kind, row] of changes) {
    const k = key(row);
    if (kind === RowKind.INSERT) {
      expect(table.has(k), `+I for existing key ${k}`).toBe(false);
      table.set(k, row);
    } else if (kind === RowKind.UPDATE_AFTER) table.set(k, row);
    else {
      expect(table.get(k), `retraction for ${k}`).toEqual(row);
      table.delete(k);
    }
  }
  return table;
}

const log = { info: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Runs `query` at parallelism 2 until a checkpoint and a bit, stops it with a savepoint, resumes at 3. */
async function rescaled(query: string): Promise<Change[]> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-rank-rescale-'));
  dirs.push(dir);
  // One store for both runs, as one external system: the resumed sinks commit again what the
  // savepoint holds, which the store (idempotently) already has.
  const committed: CommittedStore = new Map();
  const first = executeJob(plan(query, 2, join(dir, 'ck')), { connectors: connectors(committed), log });
  await waitFor(() => [...committed.values()].some((t) => t.changes.length > 0), {
    what: 'committed output',
  });
  const { savepoint, result } = await first.stop({ savepointDirectory: join(dir, 'savepoints') });
  expect(result.status).toBe('FINISHED');
  const second = executeJob(plan(query, 3, join(dir, 'ck')), {
    connectors: connectors(committed),
    log,
    restoreFrom: await loadCheckpointMetadata(savepoint!),
  });
  expect((await second.result).status).toBe('FINISHED');
  const early = changesOf(committed, first.jobId);
  // Stopped mid-run: both runs wrote something.
  expect(early.length).toBeGreaterThan(0);
  expect(early.length).toBeLessThan(ORDERS);
  return [...early, ...changesOf(committed, second.jobId)];
}

const buyerOf = (id: number) => id % 7;
const priceOf = (id: number) => (id * 37) % 101;

describe('Rank, Deduplicate and OverAggregate across a savepoint and a rescale (2 → 3)', () => {
  it('Rank: the top 3 prices per buyer', async () => {
    const table = apply(await rescaled(QUERIES.rank), (r) => `${r[0]}/${r[2]}`);
    const expected = new Map<string, unknown>();
    for (let b = 0; b < 7; b++) {
      const prices = [];
      for (let id = 1; id <= ORDERS; id++) if (buyerOf(id) === b) prices.push(priceOf(id));
      prices.sort((x, y) => y - x);
      for (let r = 1; r <= 3; r++) expected.set(`${b}/${r}`, prices[r - 1]);
    }
    expect(new Map([...table].map(([k, row]) => [k, row[1]]))).toEqual(expected);
  }, 60_000);

  it('Deduplicate: the last order per buyer by event time', async () => {
    const table = apply(await rescaled(QUERIES.deduplicate), (r) => String(r[0]));
    const expected = new Map<string, unknown[]>();
    for (let id = ORDERS - 6; id <= ORDERS; id++) expected.set(String(buyerOf(id)), [buyerOf(id), id]);
    expect(table).toEqual(expected);
  }, 60_000);

  it('OverAggregate: every order exactly once, with the sum over its buyer’s last three orders', async () => {
    const changes = await rescaled(QUERIES.over);
    expect(changes.every(([k]) => k === RowKind.INSERT)).toBe(true);
    expect(changes).toHaveLength(ORDERS);
    const table = apply(changes, (r) => String(r[0]));
    for (let id = 1; id <= ORDERS; id++) {
      const sum = [id, id - 7, id - 14].filter((x) => x >= 1).reduce((a, x) => a + priceOf(x), 0);
      expect(table.get(String(id))).toEqual([id, sum]);
    }
  }, 60_000);
});
