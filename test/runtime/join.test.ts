import { describe, expect, it } from 'vitest';
import { call, inputRef, literal } from '../../src/common/expr.js';
import { JOB_GRAPH_VERSION, type JobGraph, type JoinType } from '../../src/common/jobgraph.js';
import { RowKind, Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type { RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob } from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink, failOnce } from '../helpers/committing-sink.js';

type Change = readonly [kind: number, row: unknown[]];

const LEFT_ROWS = 6_000;
const RIGHT_ROWS = 3_000;

const BIGINT = Types.BIGINT(false);

function source(id: string, table: string, end: number, parallelism: number) {
  return {
    id,
    name: table,
    parallelism,
    operator: {
      kind: 'source' as const,
      connector: {
        table,
        connector: 'datagen',
        options: {
          'rows-per-second': '40000',
          'fields.id.kind': 'sequence',
          'fields.id.start': '1',
          'fields.id.end': String(end),
        },
        schema: { fields: [{ name: 'id', type: BIGINT }] },
      },
    },
  };
}

/**
 * Two datagen sources at different parallelisms: left ids 1..6000 → Calc [id, id * 10], right
 * ids 1..3000 → Calc [id, id % 7] → a two-input Join (parallelism 3) keyed by id on both sides
 * (hash edges into input 0 and input 1) → a two-phase-commit sink.
 */
function job(joinType: JoinType, config: Record<string, string>): JobGraph {
  const pair = (second: string) => ({
    fields: [
      { name: 'id', type: BIGINT },
      { name: second, type: BIGINT },
    ],
  });
  const left = pair('lv');
  const right = pair('rv');
  const out = { fields: [...left.fields, ...right.fields] };
  const calc = (id: string, type: typeof left, second: ReturnType<typeof call>) => ({
    id,
    name: 'calc',
    operator: { kind: 'calc' as const, projection: [inputRef(0, BIGINT), second], outputType: type },
  });
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'join',
    config,
    vertices: [
      source('l'.repeat(32), 'lefts', LEFT_ROWS, 2),
      {
        ...calc('m'.repeat(32), left, call('*', [inputRef(0, BIGINT), literal(10, BIGINT)], BIGINT)),
        parallelism: 2,
      },
      source('r'.repeat(32), 'rights', RIGHT_ROWS, 1),
      {
        ...calc('s'.repeat(32), right, call('%', [inputRef(0, BIGINT), literal(7, BIGINT)], BIGINT)),
        parallelism: 1,
      },
      {
        id: 'j'.repeat(32),
        name: 'join',
        parallelism: 3,
        keyed: { fields: [0], secondInputFields: [0] },
        operator: {
          kind: 'join',
          joinType,
          leftKeys: [0],
          rightKeys: [0],
          filterNulls: [true],
          leftType: left,
          rightType: right,
          outputType: out,
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
      { source: 'l'.repeat(32), target: 'm'.repeat(32), partitioner: 'forward' },
      { source: 'r'.repeat(32), target: 's'.repeat(32), partitioner: 'forward' },
      { source: 'm'.repeat(32), target: 'j'.repeat(32), partitioner: 'hash', keys: [0] },
      { source: 's'.repeat(32), target: 'j'.repeat(32), partitioner: 'hash', keys: [0], inputIndex: 1 },
      { source: 'j'.repeat(32), target: 'k'.repeat(32), partitioner: 'forward' },
    ],
  };
}

async function run(joinType: JoinType, options: { failAt?: number; unaligned?: boolean } = {}) {
  const committed: CommittedStore = new Map();
  const failWhen = failOnce((row) => row[0] === options.failAt);
  const quiet = { write: () => true, once: () => undefined };
  const connectors = new Map<string, RuntimeConnector>([
    ...builtinConnectors({ stdout: quiet, stderr: quiet }).map(
      (c) => [c.runtime.identifier, c.runtime] as const,
    ),
    [
      'collect',
      { identifier: 'collect', sink: { createWriter: () => new CommittingSink(committed, { failWhen }) } },
    ],
  ]);
  const result = await executeJob(
    job(joinType, {
      'execution.checkpointing.interval': '5ms',
      'execution.checkpointing.storage': 'jobmanager',
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.delay': '0 ms',
      ...(options.unaligned ? { 'execution.checkpointing.unaligned': 'true' } : {}),
    }),
    { connectors, log: { info: () => {}, warn: () => {} } },
  ).result;
  // Per subtask, transactions in checkpoint order (a key's changes all come from one subtask).
  const bySubtask = new Map<string, readonly Change[]>();
  for (const [txn, { subtask, changes }] of committed) {
    bySubtask.set(`${subtask}-${txn.split('-').at(-1)!.padStart(8, '0')}`, changes);
  }
  const changes = [...bySubtask.keys()].sort().flatMap((k) => bySubtask.get(k)!);
  return { result, changes };
}

/** Applies a changelog to a multiset of rows; every retraction must remove a row that is there. */
function apply(changes: readonly Change[]): string[] {
  const rows = new Map<string, number>();
  for (const [kind, row] of changes) {
    const key = JSON.stringify(row);
    if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) rows.set(key, (rows.get(key) ?? 0) + 1);
    else {
      expect(rows.get(key) ?? 0, `retraction of a row that is not there: ${key}`).toBeGreaterThan(0);
      rows.set(key, rows.get(key)! - 1);
    }
  }
  return [...rows].flatMap(([key, n]) => Array.from({ length: n }, () => key)).sort();
}

const innerExpected = Array.from({ length: RIGHT_ROWS }, (_, i) =>
  JSON.stringify([i + 1, (i + 1) * 10, i + 1, (i + 1) % 7]),
).sort();
const leftExpected = [
  ...innerExpected,
  ...Array.from({ length: LEFT_ROWS - RIGHT_ROWS }, (_, i) =>
    JSON.stringify([RIGHT_ROWS + i + 1, (RIGHT_ROWS + i + 1) * 10, null, null]),
  ),
].sort();

describe('a two-input Join vertex in a job', () => {
  it('joins two parallel inputs hash-partitioned by their own keys', async () => {
    const { result, changes } = await run('INNER');
    expect(result.status).toBe('FINISHED');
    expect(changes.every(([kind]) => kind === RowKind.INSERT)).toBe(true);
    expect(apply(changes)).toEqual(innerExpected);
  });

  it('a left join ends with every left row, matched or NULL-padded, after a failover from a checkpoint', async () => {
    const { result, changes } = await run('LEFT', { failAt: 2_500 });
    expect(result.restarts).toBe(1);
    expect(apply(changes)).toEqual(leftExpected);
  });

  it('restores in-flight records of both inputs from an unaligned checkpoint', async () => {
    const { result, changes } = await run('FULL', { failAt: 1_200, unaligned: true });
    expect(result.status).toBe('FINISHED');
    expect(result.restarts).toBe(1);
    expect(apply(changes)).toEqual(leftExpected);
  });
});
