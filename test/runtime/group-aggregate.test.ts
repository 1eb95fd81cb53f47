import { describe, expect, it } from 'vitest';
import { call, inputRef, literal } from '../../src/common/expr.js';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { RowKind, Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type { RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob } from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink, failOnce } from '../helpers/committing-sink.js';

type Change = readonly [kind: number, row: unknown[]];

const ROWS = 20_000;
const KEYS = 25;

/** datagen ids 1..20000 → Calc [id, id % 25] → hash(k) → GroupAggregate COUNT(*), SUM(id) by k → sink. */
function job(config: Record<string, string>): JobGraph {
  const source = { fields: [{ name: 'id', type: Types.BIGINT(false) }] };
  const keyed = {
    fields: [
      { name: 'id', type: Types.BIGINT(false) },
      { name: 'k', type: Types.BIGINT(false) },
    ],
  };
  const out = {
    fields: [
      { name: 'k', type: Types.BIGINT(false) },
      { name: 'cnt', type: Types.BIGINT(false) },
      { name: 'total', type: Types.BIGINT(false) },
    ],
  };
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'group-aggregate',
    config,
    vertices: [
      {
        id: 's'.repeat(32),
        name: 'source',
        parallelism: 2,
        operator: {
          kind: 'source',
          connector: {
            table: 'numbers',
            connector: 'datagen',
            options: {
              'rows-per-second': '50000',
              'fields.id.kind': 'sequence',
              'fields.id.start': '1',
              'fields.id.end': String(ROWS),
            },
            schema: source,
          },
        },
      },
      {
        id: 'c'.repeat(32),
        name: 'calc',
        parallelism: 2,
        operator: {
          kind: 'calc',
          projection: [
            inputRef(0, Types.BIGINT(false)),
            call('%', [inputRef(0, Types.BIGINT(false)), literal(KEYS, Types.INT(false))], Types.INT(false)),
          ],
          outputType: keyed,
        },
      },
      {
        id: 'a'.repeat(32),
        name: 'aggregate',
        parallelism: 3,
        keyed: { fields: [1] },
        operator: {
          kind: 'group-aggregate',
          grouping: [1],
          aggCalls: [
            { fn: 'COUNT', args: [], distinct: false, type: Types.BIGINT(false), name: 'cnt' },
            { fn: 'SUM', args: [0], distinct: false, type: Types.BIGINT(false), name: 'total' },
          ],
          inputType: keyed,
          outputType: out,
          inputInsertOnly: true,
          generateUpdateBefore: true,
        },
      },
      {
        id: 'k'.repeat(32),
        name: 'sink',
        parallelism: 3,
        operator: {
          kind: 'sink',
          inputChangelogMode: 'retract',
          connector: { table: 'out', connector: 'collect', options: {}, schema: out },
        },
      },
    ],
    edges: [
      { source: 's'.repeat(32), target: 'c'.repeat(32), partitioner: 'forward' },
      { source: 'c'.repeat(32), target: 'a'.repeat(32), partitioner: 'hash', keys: [1] },
      { source: 'a'.repeat(32), target: 'k'.repeat(32), partitioner: 'forward' },
    ],
  };
}

async function run(fail?: { key: number; count: number }) {
  const committed: CommittedStore = new Map();
  const failWhen = failOnce((row) => fail !== undefined && row[0] === fail.key && row[1] === fail.count);
  const quiet = { write: () => true, once: () => undefined };
  const connectors = new Map<string, RuntimeConnector>([
    ...builtinConnectors({ stdout: quiet, stderr: quiet }).map(
      (c) => [c.runtime.identifier, c.runtime] as const,
    ),
    [
      'collect',
      {
        identifier: 'collect',
        sink: { createWriter: () => new CommittingSink(committed, { failWhen }) },
      },
    ],
  ]);
  const result = await executeJob(
    job({
      'execution.checkpointing.interval': '5ms',
      'execution.checkpointing.storage': 'jobmanager',
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.delay': '0 ms',
    }),
    { connectors, log: { info: () => {}, warn: () => {} } },
  ).result;
  // Per subtask, transactions in checkpoint order; a key's changes all come from one subtask.
  const bySubtask = new Map<string, readonly Change[]>();
  for (const [txn, { subtask, changes }] of committed) {
    const id = txn.split('-').at(-1)!;
    bySubtask.set(`${subtask}-${id.padStart(8, '0')}`, changes);
  }
  const changes = [...bySubtask.keys()].sort().flatMap((k) => bySubtask.get(k)!);
  return { result, changes };
}

/** Applies the changelog, requiring every -U to retract exactly the key's current row. */
function apply(changes: readonly Change[]): Map<unknown, unknown[]> {
  const table = new Map<unknown, unknown[]>();
  for (const [kind, row] of changes) {
    if (kind === RowKind.INSERT) {
      expect(table.has(row[0])).toBe(false);
      table.set(row[0], row);
    } else if (kind === RowKind.UPDATE_AFTER) table.set(row[0], row);
    else {
      expect(table.get(row[0])).toEqual(row);
      table.delete(row[0]);
    }
  }
  return table;
}

const expected = new Map<unknown, unknown[]>();
for (let id = 1; id <= ROWS; id++) {
  const k = id % KEYS;
  const [, cnt, total] = (expected.get(k) ?? [k, 0, 0]) as number[];
  expected.set(k, [k, cnt + 1, total + id]);
}

describe('GroupAggregate in a job', () => {
  it('aggregates by key across parallel subtasks', async () => {
    const { result, changes } = await run();
    expect(result.status).toBe('FINISHED');
    expect(apply(changes)).toEqual(expected);
    expect(changes).toHaveLength(KEYS + 2 * (ROWS - KEYS));
  });

  it("restores the aggregate's keyed state after a failover: every row counted exactly once", async () => {
    const { result, changes } = await run({ key: 7, count: 600 });
    expect(result.restarts).toBe(1);
    expect(apply(changes)).toEqual(expected);
    // Committed output is exactly that of a run without a failure: nothing lost, nothing twice.
    expect(changes).toHaveLength(KEYS + 2 * (ROWS - KEYS));
  });
});
