import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { formatRow } from '../../../common/format.js';
import type { AggregateCallSpec, OverAggregateSpec } from '../../../common/jobgraph.js';
import { RowKind, Types } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { OverAggregateOperator } from './operator.js';

/** Rows [k, ts (epoch ms), v]; aggregates SUM(v), COUNT(*), MAX(v) appended. */
const INPUT = {
  fields: [
    { name: 'k', type: Types.STRING() },
    { name: 'ts', type: Types.BIGINT() },
    { name: 'v', type: Types.INT() },
  ],
};
const CALLS: AggregateCallSpec[] = [
  { fn: 'SUM', args: [2], distinct: false, type: Types.INT(), name: 's' },
  { fn: 'COUNT', args: [], distinct: false, type: Types.BIGINT(false), name: 'c' },
  { fn: 'MAX', args: [2], distinct: false, type: Types.INT(), name: 'm' },
];
const TYPES = [...INPUT.fields.map((f) => f.type), Types.INT(), Types.BIGINT(false), Types.INT()];

/** A processing-time service whose clock the test moves. */
function manualClock() {
  let now = 0;
  const pending: { at: number; cb: (ts: number) => unknown; cancelled: boolean }[] = [];
  return {
    service: {
      now: () => now,
      registerTimer: (at: number, cb: (ts: number) => unknown) => {
        const t = { at, cb, cancelled: false };
        pending.push(t);
        return () => {
          t.cancelled = true;
        };
      },
    },
    async advanceTo(time: number) {
      now = time;
      for (const t of pending.splice(0)) {
        if (t.cancelled) continue;
        if (t.at <= time) await t.cb(t.at);
        else pending.push(t);
      }
    },
  };
}

function harness(
  spec: Partial<OverAggregateSpec>,
  restoreFrom?: TestKeyedStateBackend,
  clock = manualClock(),
) {
  const backend = createTestBackend(128, 1, 0);
  if (restoreFrom) backend.restore([restoreFrom.snapshot()]);
  const op = new OverAggregateOperator({
    kind: 'over-aggregate',
    partitionKeys: [0],
    orderIndex: 1,
    rowtime: true,
    unit: 'ROWS',
    aggCalls: CALLS,
    inputType: INPUT,
    ...spec,
  });
  let emitted: RecordBatch[] = [];
  const watermarks: number[] = [];
  op.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'OverAggregate',
      processingTimeService: clock.service,
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        emitted.push(b);
      },
      emitWatermark: (w) => {
        watermarks.push(w);
      },
    },
  );
  const lines = () => {
    const out = emitted.flatMap((b) => b.rows.map((r) => formatRow(TYPES, RowKind.INSERT, r)));
    emitted = [];
    return out;
  };
  return {
    backend,
    watermarks,
    push(...rows: unknown[][]) {
      void op.processBatch({ rows });
      return lines();
    },
    async watermark(w: number) {
      await op.processWatermark(w);
      return lines();
    },
    async clockTo(time: number) {
      await clock.advanceTo(time);
      return lines();
    },
  };
}

describe('OverAggregateOperator on event time', () => {
  it('holds rows until the watermark passes their time, then emits them in time order', async () => {
    const h = harness({ unit: 'ROWS', preceding: 1 });
    expect(h.push(['a', 30, 3], ['a', 10, 1], ['b', 20, 5], ['a', 20, 2])).toEqual([]);
    // By time; keys of one time in the order their timers were registered.
    expect(await h.watermark(20)).toEqual([
      '+I[a, 10, 1, 1, 1, 1]',
      '+I[b, 20, 5, 5, 1, 5]',
      '+I[a, 20, 2, 3, 2, 2]',
    ]);
    expect(h.watermarks).toEqual([20]);
    // ROWS 1 PRECEDING: the row before and the row itself.
    expect(await h.watermark(40)).toEqual(['+I[a, 30, 3, 5, 2, 3]']);
  });

  it('drops a row whose time its key has already emitted (late)', async () => {
    const h = harness({ unit: 'ROWS' });
    h.push(['a', 10, 1]);
    await h.watermark(10);
    expect(h.push(['a', 10, 7], ['a', 5, 7])).toEqual([]);
    h.push(['a', 11, 2]);
    expect(await h.watermark(100)).toEqual(['+I[a, 11, 2, 3, 2, 2]']);
  });

  it('ROWS UNBOUNDED PRECEDING: rows of one time go one by one in arrival order', async () => {
    const h = harness({ unit: 'ROWS' });
    h.push(['a', 10, 1], ['a', 10, 2], ['a', 20, null]);
    expect(await h.watermark(20)).toEqual([
      '+I[a, 10, 1, 1, 1, 1]',
      '+I[a, 10, 2, 3, 2, 2]',
      '+I[a, 20, null, 3, 3, 2]',
    ]);
  });

  it('RANGE UNBOUNDED PRECEDING: rows of one time are peers and share a result', async () => {
    const h = harness({ unit: 'RANGE' });
    h.push(['a', 10, 1], ['a', 10, 2], ['a', 20, 4]);
    expect(await h.watermark(20)).toEqual([
      '+I[a, 10, 1, 3, 2, 2]',
      '+I[a, 10, 2, 3, 2, 2]',
      '+I[a, 20, 4, 7, 3, 4]',
    ]);
  });

  it('RANGE BETWEEN 10 ms PRECEDING AND CURRENT ROW: rows of [t - 10, t]', async () => {
    const h = harness({ unit: 'RANGE', preceding: 10 });
    h.push(['a', 0, 1], ['a', 10, 2], ['a', 15, 4], ['a', 21, 8]);
    expect(await h.watermark(100)).toEqual([
      '+I[a, 0, 1, 1, 1, 1]',
      '+I[a, 10, 2, 3, 2, 2]',
      // 0 is more than 10 ms before 15, and 0 and 10 before 21.
      '+I[a, 15, 4, 6, 2, 4]',
      '+I[a, 21, 8, 12, 2, 8]',
    ]);
  });

  it('restores pending rows, timers and frames from a snapshot', async () => {
    const first = harness({ unit: 'ROWS', preceding: 2 });
    first.push(['a', 10, 1], ['a', 20, 2]);
    expect(await first.watermark(10)).toEqual(['+I[a, 10, 1, 1, 1, 1]']);
    first.push(['a', 30, 4]);
    const restored = harness({ unit: 'ROWS', preceding: 2 }, first.backend);
    restored.push(['a', 40, 8]);
    expect(await restored.watermark(50)).toEqual([
      '+I[a, 20, 2, 3, 2, 2]',
      '+I[a, 30, 4, 7, 3, 4]',
      '+I[a, 40, 8, 14, 3, 8]',
    ]);
  });
});

describe('OverAggregateOperator on processing time', () => {
  it('emits each row at once: unbounded and ROWS bounded frames', () => {
    const unbounded = harness({ rowtime: false, unit: 'RANGE' });
    expect(unbounded.push(['a', 0, 1], ['b', 0, 5], ['a', 0, 2])).toEqual([
      '+I[a, 0, 1, 1, 1, 1]',
      '+I[b, 0, 5, 5, 1, 5]',
      '+I[a, 0, 2, 3, 2, 2]',
    ]);
    const rows = harness({ rowtime: false, unit: 'ROWS', preceding: 0 });
    expect(rows.push(['a', 0, 1], ['a', 0, 2])).toEqual(['+I[a, 0, 1, 1, 1, 1]', '+I[a, 0, 2, 2, 1, 2]']);
  });

  it('RANGE with a preceding interval: rows of one millisecond are peers, emitted once the clock has passed it', async () => {
    const clock = manualClock();
    const h = harness({ rowtime: false, unit: 'RANGE', preceding: 10 }, undefined, clock);
    await clock.advanceTo(100);
    expect(h.push(['a', 0, 1], ['a', 0, 2])).toEqual([]);
    expect(await h.clockTo(101)).toEqual(['+I[a, 0, 1, 3, 2, 2]', '+I[a, 0, 2, 3, 2, 2]']);
    await clock.advanceTo(110);
    h.push(['a', 0, 4]);
    expect(await h.clockTo(111)).toEqual(['+I[a, 0, 4, 7, 3, 4]']);
    // At 111 the rows of 100 are more than 10 ms old.
    h.push(['a', 0, 8]);
    expect(await h.clockTo(112)).toEqual(['+I[a, 0, 8, 12, 2, 8]']);
  });
});
