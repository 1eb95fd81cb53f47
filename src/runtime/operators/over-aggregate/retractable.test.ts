import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import type { AggregateCallSpec, OverAggregateSpec } from '../../../common/jobgraph.js';
import { RowKind, Types } from '../../../common/types.js';
import type { OperatorContext } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { RetractableOverAggregateOperator } from './retractable.js';

/** Rows [k, order, v]; SUM(v) and COUNT(*) over the frame appended. */
const INPUT = {
  fields: [
    { name: 'k', type: Types.STRING() },
    { name: 'o', type: Types.BIGINT() },
    { name: 'v', type: Types.INT() },
  ],
};
const CALLS: AggregateCallSpec[] = [
  { fn: 'SUM', args: [2], distinct: false, type: Types.INT(), name: 's' },
  { fn: 'COUNT', args: [], distinct: false, type: Types.BIGINT(false), name: 'c' },
];

function harness(preceding: number | undefined, restoreFrom?: TestKeyedStateBackend) {
  const backend = createTestBackend(128, 1, 0);
  if (restoreFrom) backend.restore([restoreFrom.snapshot()]);
  const spec: OverAggregateSpec = {
    kind: 'over-aggregate',
    partitionKeys: [0],
    orderIndex: 1,
    rowtime: false,
    unit: 'ROWS',
    ...(preceding !== undefined ? { preceding } : {}),
    aggCalls: CALLS,
    retractable: { orderKeys: [{ index: 1, descending: false, nullsFirst: true }] },
    inputType: INPUT,
  };
  const op = new RetractableOverAggregateOperator(spec);
  const changes: [number, unknown[]][] = [];
  op.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'OverAggregate',
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        b.rows.forEach((r, i) => {
          changes.push([b.kinds ? b.kinds[i] : RowKind.INSERT, r]);
        });
      },
      emitWatermark: () => {},
    },
  );
  return {
    backend,
    changes,
    push(kind: number, row: unknown[]) {
      void op.processBatch({ rows: [row], kinds: Uint8Array.of(kind) });
    },
  };
}

/** The changelog applied: a multiset of output rows. */
function materialize(changes: readonly [number, unknown[]][]): Map<string, number> {
  const table = new Map<string, number>();
  for (const [kind, row] of changes) {
    const key = JSON.stringify(row);
    const count = (table.get(key) ?? 0) + (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER ? 1 : -1);
    expect(count, `retraction of a row never emitted: ${key}`).toBeGreaterThanOrEqual(0);
    if (count === 0) table.delete(key);
    else table.set(key, count);
  }
  return table;
}

/** What a batch query over the rows present would return. */
function expected(rows: readonly unknown[][], preceding: number | undefined): Map<string, number> {
  const table = new Map<string, number>();
  for (const k of new Set(rows.map((r) => r[0]))) {
    const part = rows.filter((r) => r[0] === k).sort((a, b) => (a[1] as number) - (b[1] as number));
    part.forEach((row, i) => {
      const frame = part.slice(preceding === undefined ? 0 : Math.max(0, i - preceding), i + 1);
      const out = [...row, frame.reduce((s, r) => s + (r[2] as number), 0), frame.length];
      const key = JSON.stringify(out);
      table.set(key, (table.get(key) ?? 0) + 1);
    });
  }
  return table;
}

/** A small deterministic generator, so a failure reproduces. */
function random(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % n;
  };
}

describe('RetractableOverAggregateOperator', () => {
  it('updates the rows after an out-of-order insert whose frame now holds it', () => {
    const h = harness(1);
    h.push(RowKind.INSERT, ['a', 10, 1]);
    h.push(RowKind.INSERT, ['a', 30, 3]);
    h.push(RowKind.INSERT, ['a', 20, 2]);
    expect(h.changes).toEqual([
      [RowKind.INSERT, ['a', 10, 1, 1, 1]],
      [RowKind.INSERT, ['a', 30, 3, 4, 2]],
      [RowKind.INSERT, ['a', 20, 2, 3, 2]],
      [RowKind.UPDATE_BEFORE, ['a', 30, 3, 4, 2]],
      [RowKind.UPDATE_AFTER, ['a', 30, 3, 5, 2]],
    ]);
  });

  it('retracts a row and re-emits the rows whose frame it left', () => {
    const h = harness(undefined);
    h.push(RowKind.INSERT, ['a', 1, 5]);
    h.push(RowKind.INSERT, ['a', 2, 7]);
    h.changes.length = 0;
    h.push(RowKind.UPDATE_BEFORE, ['a', 1, 5]);
    expect(h.changes).toEqual([
      [RowKind.DELETE, ['a', 1, 5, 5, 1]],
      [RowKind.UPDATE_BEFORE, ['a', 2, 7, 12, 2]],
      [RowKind.UPDATE_AFTER, ['a', 2, 7, 7, 1]],
    ]);
  });

  it.each([0, 2, undefined])(
    'equals a batch computation after random inserts and retractions, across a restore (preceding %s)',
    (preceding) => {
      const next = random(7 + (preceding ?? 99));
      let h = harness(preceding);
      const present: unknown[][] = [];
      const changes: [number, unknown[]][] = [];
      let order = 0;
      for (let step = 0; step < 400; step++) {
        if (step === 200) {
          changes.push(...h.changes);
          h = harness(preceding, h.backend);
        }
        if (present.length > 0 && next(3) === 0) {
          const [row] = present.splice(next(present.length), 1);
          h.push(next(2) === 0 ? RowKind.DELETE : RowKind.UPDATE_BEFORE, row);
        } else {
          // Distinct order values in random order, so frames are deterministic.
          const row = ['abc'[next(3)], (order++ * 7919) % 1009, next(20)];
          present.push(row);
          h.push(next(2) === 0 ? RowKind.INSERT : RowKind.UPDATE_AFTER, row);
        }
      }
      changes.push(...h.changes);
      expect(materialize(changes)).toEqual(expected(present, preceding));
    },
  );

  it('ignores a retraction of a row it does not hold', () => {
    const h = harness(1);
    h.push(RowKind.INSERT, ['a', 1, 5]);
    h.push(RowKind.DELETE, ['a', 1, 6]);
    expect(h.changes).toEqual([[RowKind.INSERT, ['a', 1, 5, 5, 1]]]);
  });
});
