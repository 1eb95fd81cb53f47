import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { formatRow } from '../../../common/format.js';
import type {
  AggregateCallSpec,
  WindowAggregateSpec,
  WindowingSpec,
  WindowProperty,
} from '../../../common/jobgraph.js';
import { type RowKind, Types } from '../../../common/types.js';
import type { OperatorContext, OperatorStateSnapshot, ProcessingTimeService } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { assignWindows } from './assigners.js';
import { sliceAssigner } from './slices.js';
import { SlicingWindowAggregateOperator } from './slicing-window-aggregate.js';
import { WindowAggregateOperator } from './window-aggregate.js';

/** A processing-time clock the test moves by hand; due callbacks run when it does. */
class ManualClock implements ProcessingTimeService {
  time = 0;
  private timers: { at: number; cb: (t: number) => void | Promise<void> }[] = [];
  now(): number {
    return this.time;
  }
  registerTimer(at: number, cb: (t: number) => void | Promise<void>): () => void {
    const timer = { at, cb };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  async advance(to: number): Promise<void> {
    this.time = to;
    for (let due = this.timers.find((t) => t.at <= to); due; due = this.timers.find((t) => t.at <= to)) {
      this.timers = this.timers.filter((t) => t !== due);
      await due.cb(to);
    }
  }
}

const inputType = {
  fields: [
    { name: 'k', type: Types.STRING() },
    { name: 'v', type: Types.BIGINT() },
    { name: 'ts', type: Types.TIMESTAMP(3) },
  ],
};

const COUNT: AggregateCallSpec = {
  fn: 'COUNT',
  args: [],
  distinct: false,
  type: Types.BIGINT(false),
  name: 'cnt',
};
const SUM: AggregateCallSpec = { fn: 'SUM', args: [1], distinct: false, type: Types.BIGINT(), name: 's' };
const COUNT_DISTINCT: AggregateCallSpec = { ...COUNT, args: [1], distinct: true, name: 'd' };

interface Options {
  window: WindowingSpec;
  calls?: AggregateCallSpec[];
  grouping?: number[];
  processingTime?: boolean;
  properties?: WindowProperty[];
  backend?: TestKeyedStateBackend;
  clock?: ManualClock;
  /** Run the slicing operator (as the planner picks for aligned windows of mergeable calls). */
  slicing?: boolean;
  /** Operator state to restore (the slicing operator's progress). */
  restored?: OperatorStateSnapshot;
}

function harnessOf(o: Options) {
  const calls = o.calls ?? [COUNT, SUM];
  const grouping = o.grouping ?? [0];
  const properties = o.properties ?? ['start', 'end'];
  const spec: WindowAggregateSpec = {
    kind: 'window-aggregate',
    window: o.window,
    timeDomain: o.processingTime ? 'processing-time' : 'event-time',
    timeIndex: 2,
    grouping,
    aggCalls: calls,
    properties,
    inputType,
    outputType: {
      fields: [
        ...grouping.map((g) => inputType.fields[g]),
        ...calls.map((c) => ({ name: c.name, type: c.type })),
        ...properties.map((p) => ({ name: p, type: Types.BIGINT() })),
      ],
    },
  };
  const backend = o.backend ?? createTestBackend(128, 1, 0);
  const clock = o.clock ?? new ManualClock();
  const op = o.slicing
    ? new SlicingWindowAggregateOperator({ ...spec, slicing: true })
    : new WindowAggregateOperator(spec);
  if (o.slicing) (op as SlicingWindowAggregateOperator).initializeState(o.restored);
  let emitted: string[] = [];
  const watermarks: number[] = [];
  const types = spec.outputType.fields.map((f) => f.type);
  op.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'WindowAggregate',
      processingTimeService: clock,
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        for (const r of b.rows) emitted.push(formatRow(types, (b.kinds?.[0] ?? 0) as RowKind, r));
      },
      emitWatermark: (wm) => {
        watermarks.push(wm);
      },
    },
  );
  const take = () => {
    const out = emitted.sort();
    emitted = [];
    return out;
  };
  return {
    op,
    backend,
    clock,
    watermarks,
    push(...rows: [string, number | null, number][]) {
      void op.processBatch({ rows: rows.map((r) => [...r]) });
      return take();
    },
    async watermark(wm: number) {
      await op.processWatermark(wm);
      return take();
    },
    async advanceClock(to: number) {
      await clock.advance(to);
      return take();
    },
  };
}

describe('window assigners', () => {
  it('TUMBLE: one window aligned to the size (and offset), negative timestamps included', () => {
    expect(assignWindows({ kind: 'tumble', size: 10, offset: 0 }, 13)).toEqual([{ start: 10, end: 20 }]);
    expect(assignWindows({ kind: 'tumble', size: 10, offset: 3 }, 12)).toEqual([{ start: 3, end: 13 }]);
    expect(assignWindows({ kind: 'tumble', size: 10, offset: 0 }, -3)).toEqual([{ start: -10, end: 0 }]);
  });
  it('HOP: size / slide windows, latest first', () => {
    expect(assignWindows({ kind: 'hop', size: 10, slide: 5, offset: 0 }, 7)).toEqual([
      { start: 5, end: 15 },
      { start: 0, end: 10 },
    ]);
  });
  it('CUMULATE: each growing window of the period that still covers the timestamp', () => {
    const spec: WindowingSpec = { kind: 'cumulate', size: 15, step: 5, offset: 0 };
    expect(assignWindows(spec, 3)).toEqual([
      { start: 0, end: 5 },
      { start: 0, end: 10 },
      { start: 0, end: 15 },
    ]);
    expect(assignWindows(spec, 7)).toEqual([
      { start: 0, end: 10 },
      { start: 0, end: 15 },
    ]);
    expect(assignWindows(spec, 15)).toEqual([
      { start: 15, end: 20 },
      { start: 15, end: 25 },
      { start: 15, end: 30 },
    ]);
  });
});

describe.each([
  ['WindowAggregateOperator', false],
  ['SlicingWindowAggregateOperator', true],
])('%s', (_, slicing) => {
  const harness = (o: Options) => harnessOf({ slicing, ...o });
  it('TUMBLE: emits each key and window once, when the watermark passes the window end, out-of-order rows included', async () => {
    const h = harness({ window: { kind: 'tumble', size: 10, offset: 0 } });
    expect(h.push(['a', 1, 3], ['b', 10, 12], ['a', 2, 11], ['a', 4, 1])).toEqual([]);
    // 8 < 9, the last millisecond of [0, 10): nothing yet.
    expect(await h.watermark(8)).toEqual([]);
    expect(await h.watermark(9)).toEqual(['+I[a, 2, 5, 0, 10]']);
    expect(h.watermarks).toEqual([8, 9]);
    expect(await h.watermark(25)).toEqual(['+I[a, 1, 2, 10, 20]', '+I[b, 1, 10, 10, 20]']);
    // Windows that saw no row produce nothing.
    expect(await h.watermark(100)).toEqual([]);
    expect(h.op.numLateRecordsDropped).toBe(0);
  });

  it('drops and counts rows whose window has fired, and keeps rows of windows still open', async () => {
    const h = harness({ window: { kind: 'tumble', size: 10, offset: 0 } });
    h.push(['a', 1, 5], ['a', 1, 15]);
    expect(await h.watermark(12)).toEqual(['+I[a, 1, 1, 0, 10]']);
    // 3 is in [0, 10), which fired: late. 11 is behind the watermark but its window is open.
    h.push(['a', 100, 3], ['a', 7, 11]);
    expect(h.op.numLateRecordsDropped).toBe(1);
    expect(await h.watermark(19)).toEqual(['+I[a, 2, 8, 10, 20]']);
  });

  it('HOP: a row counts in size / slide windows; a late row still joins the windows not fired', async () => {
    const h = harness({ window: { kind: 'hop', size: 10, slide: 5, offset: 0 }, calls: [COUNT] });
    h.push(['a', 1, 7], ['a', 1, 12]);
    expect(await h.watermark(9)).toEqual(['+I[a, 1, 0, 10]']);
    // 8: [0, 10) fired, [5, 15) has not: Flink adds the row there.
    h.push(['a', 1, 8]);
    expect(h.op.numLateRecordsDropped).toBe(0);
    expect(await h.watermark(30)).toEqual(['+I[a, 1, 10, 20]', '+I[a, 3, 5, 15]']);
  });

  it('CUMULATE: emits each growing window of the period', async () => {
    const h = harness({ window: { kind: 'cumulate', size: 15, step: 5, offset: 0 }, calls: [SUM] });
    h.push(['a', 1, 3], ['a', 10, 7], ['a', 100, 14], ['a', 1000, 15]);
    expect(await h.watermark(14)).toEqual(['+I[a, 1, 0, 5]', '+I[a, 11, 0, 10]', '+I[a, 111, 0, 15]']);
    expect(await h.watermark(29)).toEqual([
      '+I[a, 1000, 15, 20]',
      '+I[a, 1000, 15, 25]',
      '+I[a, 1000, 15, 30]',
    ]);
  });

  it('a global window aggregation (no GROUP BY keys) and the window_time property', async () => {
    const h = harness({
      window: { kind: 'tumble', size: 10, offset: 0 },
      grouping: [],
      calls: [COUNT],
      properties: ['start', 'end', 'rowtime'],
    });
    h.push(['a', 1, 1], ['b', 1, 2]);
    expect(await h.watermark(10)).toEqual(['+I[2, 0, 10, 9]']);
  });

  it('processing time: windows by the clock, fired by processing-time timers', async () => {
    const clock = new ManualClock();
    clock.time = 1_003;
    const h = harness({ window: { kind: 'tumble', size: 1000, offset: 0 }, processingTime: true, clock });
    h.push(['a', 1, 0], ['a', 2, 0]);
    clock.time = 1_500;
    h.push(['b', 3, 0]);
    expect(await h.advanceClock(1_998)).toEqual([]);
    expect(await h.advanceClock(1_999)).toEqual(['+I[a, 2, 3, 1000, 2000]', '+I[b, 1, 3, 1000, 2000]']);
  });
});

describe('WindowAggregateOperator (per window: DISTINCT, SESSION)', () => {
  const harness = harnessOf;
  it('COUNT(DISTINCT) keeps its values per window', async () => {
    const h = harness({ window: { kind: 'tumble', size: 10, offset: 0 }, calls: [COUNT_DISTINCT] });
    h.push(['a', 1, 1], ['a', 1, 2], ['a', 2, 3], ['a', 1, 11], ['a', null, 12]);
    expect(await h.watermark(20)).toEqual(['+I[a, 1, 10, 20]', '+I[a, 2, 0, 10]']);
  });

  it('SESSION: rows less than a gap apart merge, a row bridging two sessions merges them', async () => {
    const h = harness({ window: { kind: 'session', gap: 10 } });
    // [0, 10) and [18, 28) for a; [1, 11) for b. Then 9 opens [9, 19), which touches both of
    // a's sessions: one session [0, 28).
    h.push(['a', 1, 0], ['a', 2, 18], ['b', 5, 1], ['a', 4, 9]);
    expect(await h.watermark(10)).toEqual(['+I[b, 1, 5, 1, 11]']);
    expect(await h.watermark(26)).toEqual([]);
    expect(await h.watermark(27)).toEqual(['+I[a, 3, 7, 0, 28]']);
    // b's session fired: a row at 5 is late; one at 40 opens a new session.
    h.push(['b', 1, 5], ['b', 1, 40]);
    expect(h.op.numLateRecordsDropped).toBe(1);
    expect(await h.watermark(100)).toEqual(['+I[b, 1, 1, 40, 50]']);
  });

  it('SESSION: a session that keeps growing past its first timer fires once, at its last end', async () => {
    const h = harness({ window: { kind: 'session', gap: 10 } });
    h.push(['a', 1, 0], ['a', 2, 8]);
    // The timer set for [0, 10) comes first: the session grew to [0, 18), so nothing fires.
    expect(await h.watermark(9)).toEqual([]);
    h.push(['a', 3, 16], ['a', 4, 24]);
    expect(await h.watermark(20)).toEqual([]);
    expect(await h.watermark(32)).toEqual([]);
    expect(await h.watermark(33)).toEqual(['+I[a, 4, 10, 0, 34]']);
    expect(await h.watermark(100)).toEqual([]);
  });

  it('SESSION with a call that cannot merge (DISTINCT) keeps the rows and merges sessions alike', async () => {
    const h = harness({ window: { kind: 'session', gap: 10 }, calls: [COUNT_DISTINCT] });
    h.push(['a', 1, 0], ['a', 1, 18], ['a', 2, 9], ['b', 3, 1], ['b', 3, 5]);
    expect(await h.watermark(14)).toEqual(['+I[b, 1, 1, 15]']);
    expect(await h.watermark(27)).toEqual(['+I[a, 2, 0, 28]']);
  });

  it('restores windows and timers from a snapshot, also at another parallelism', async () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
    const first = harness({ window: { kind: 'session', gap: 10 } });
    for (const k of keys) first.push([k, 1, 0], [k, 2, 5]);
    const tumble = harness({ window: { kind: 'hop', size: 10, slide: 5, offset: 0 } });
    for (const k of keys) tumble.push([k, 1, 3], [k, 2, 7]);
    const sessionSnapshot = first.backend.snapshot();
    const hopSnapshot = tumble.backend.snapshot();
    // Rows after the snapshot never reach the restored job's state.
    first.push(['a', 100, 6]);

    for (const parallelism of [1, 2, 3]) {
      const sessions: string[] = [];
      const hops: string[] = [];
      for (let subtask = 0; subtask < parallelism; subtask++) {
        const sb = createTestBackend(128, parallelism, subtask);
        sb.restore([structuredClone(sessionSnapshot)]);
        const s = harness({ window: { kind: 'session', gap: 10 }, backend: sb });
        // A restored session still merges with new rows of its key.
        if (ownsKey(sb, 'a')) s.push(['a', 10, 12]);
        sessions.push(...(await s.watermark(100)));
        const hb = createTestBackend(128, parallelism, subtask);
        hb.restore([structuredClone(hopSnapshot)]);
        const t = harness({ window: { kind: 'hop', size: 10, slide: 5, offset: 0 }, backend: hb });
        hops.push(...(await t.watermark(100)));
      }
      expect(sessions.sort()).toEqual([
        '+I[a, 3, 13, 0, 22]',
        ...keys.slice(1).map((k) => `+I[${k}, 2, 3, 0, 15]`),
      ]);
      // 3 is in [-5, 5) and [0, 10); 7 in [0, 10) and [5, 15).
      expect(hops.sort()).toEqual(
        keys.flatMap((k) => [`+I[${k}, 1, 1, -5, 5]`, `+I[${k}, 1, 2, 5, 15]`, `+I[${k}, 2, 3, 0, 10]`]),
      );
    }
  });
});

describe('slice assigners', () => {
  it('TUMBLE: the slice is the window', () => {
    const a = sliceAssigner({ kind: 'tumble', size: 10, offset: 3 })!;
    expect([a.sliceEnd(12), a.sliceEnd(13), a.sliceEnd(-8)]).toEqual([13, 23, -7]);
    expect([a.windowStart(13), a.lastWindowEnd(13)]).toEqual([3, 13]);
    expect([a.firstWindowEndAfter(13, 11), a.firstWindowEndAfter(13, 12)]).toEqual([13, undefined]);
    expect(a.nextWindowEnd(13)).toBeUndefined();
  });
  it('HOP: slices of the slide; a slice is in size / slide windows', () => {
    const a = sliceAssigner({ kind: 'hop', size: 10, slide: 2, offset: 0 })!;
    expect([a.sliceEnd(7), a.sliceEnd(8), a.sliceEnd(-1)]).toEqual([8, 10, 0]);
    // Slice [6, 8) is in the windows ending 8, 10, 12, 14 and 16.
    expect([a.windowStart(8), a.lastWindowEnd(8)]).toEqual([-2, 16]);
    expect([8, 9, 10, 11, 14, 15].map((t) => a.firstWindowEndAfter(8, t))).toEqual([
      10,
      12,
      12,
      14,
      16,
      undefined,
    ]);
    expect(a.nextWindowEnd(8)).toBe(10);
  });
  it('HOP whose size is not a multiple of the slide, and CUMULATE whose size is not a multiple of the step, are not sliced', () => {
    expect(sliceAssigner({ kind: 'hop', size: 10, slide: 4, offset: 0 })).toBeUndefined();
    expect(sliceAssigner({ kind: 'cumulate', size: 10, step: 4, offset: 0 })).toBeUndefined();
    expect(sliceAssigner({ kind: 'session', gap: 4 })).toBeUndefined();
  });
  it('CUMULATE: slices of the step; a slice is in the windows of its period ending at or after it', () => {
    const a = sliceAssigner({ kind: 'cumulate', size: 15, step: 5, offset: 0 })!;
    expect([a.sliceEnd(3), a.sliceEnd(7), a.sliceEnd(15)]).toEqual([5, 10, 20]);
    expect([a.windowStart(5), a.windowStart(15), a.windowStart(20)]).toEqual([0, 0, 15]);
    expect([a.lastWindowEnd(5), a.lastWindowEnd(15), a.lastWindowEnd(20)]).toEqual([15, 15, 30]);
    expect([3, 4, 9, 14].map((t) => a.firstWindowEndAfter(5, t))).toEqual([5, 10, 15, undefined]);
    expect([a.nextWindowEnd(10), a.nextWindowEnd(15)]).toEqual([15, undefined]);
  });
});

describe('SlicingWindowAggregateOperator against the per-window operator', () => {
  /** A deterministic pseudo-random sequence (a linear congruential generator). */
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const windows: WindowingSpec[] = [
    { kind: 'tumble', size: 10, offset: 0 },
    { kind: 'hop', size: 10, slide: 2, offset: 1 },
    { kind: 'hop', size: 6, slide: 6, offset: 0 },
    { kind: 'cumulate', size: 12, step: 4, offset: 0 },
  ];
  for (const window of windows)
    it(`${JSON.stringify(window)}: the same results and late rows for out-of-order rows, batches and watermarks`, async () => {
      const next = random(42);
      const calls: AggregateCallSpec[] = [
        COUNT,
        SUM,
        { fn: 'MAX', args: [1], distinct: false, type: Types.BIGINT(), name: 'mx' },
        { fn: 'MIN', args: [1], distinct: false, type: Types.BIGINT(), name: 'mn' },
        { fn: 'AVG', args: [1], distinct: false, type: Types.BIGINT(), name: 'av' },
      ];
      const sliced = harnessOf({ window, calls, slicing: true, properties: ['start', 'end', 'rowtime'] });
      const perWindow = harnessOf({ window, calls, properties: ['start', 'end', 'rowtime'] });
      const outputs: [string[], string[]] = [[], []];
      let watermark = -5;
      for (let batch = 0; batch < 60; batch++) {
        const rows: [string, number | null, number][] = [];
        for (let i = 0; i < 1 + Math.floor(next() * 20); i++)
          rows.push([
            `k${Math.floor(next() * 5)}`,
            next() < 0.1 ? null : Math.floor(next() * 100),
            watermark - 8 + Math.floor(next() * 20),
          ]);
        outputs[0].push(...sliced.push(...rows));
        outputs[1].push(...perWindow.push(...rows));
        if (next() < 0.5) {
          watermark += Math.floor(next() * 6);
          outputs[0].push(...(await sliced.watermark(watermark)));
          outputs[1].push(...(await perWindow.watermark(watermark)));
        }
      }
      outputs[0].push(...(await sliced.watermark(10_000)));
      outputs[1].push(...(await perWindow.watermark(10_000)));
      expect(outputs[1].length).toBeGreaterThan(30);
      expect(outputs[0].sort()).toEqual(outputs[1].sort());
      expect(perWindow.op.numLateRecordsDropped).toBeGreaterThan(0);
      expect(sliced.op.numLateRecordsDropped).toBe(perWindow.op.numLateRecordsDropped);
    });
});

describe('SlicingWindowAggregateOperator buffer and restore', () => {
  const window: WindowingSpec = { kind: 'hop', size: 10, slide: 5, offset: 0 };
  const keys = ['a', 'b', 'c', 'd', 'e', 'f'];

  it('keyed state is touched only when the buffer is flushed: on a watermark, before a snapshot, at the end of input', async () => {
    const h = harnessOf({ window, slicing: true });
    const op = h.op as SlicingWindowAggregateOperator;
    h.push(['a', 1, 3], ['a', 2, 4]);
    const slices = () => {
      h.backend.setCurrentKey(['a']);
      return [...h.backend.getMapState<number, unknown[]>('window-aggregate.slices').entries()];
    };
    expect(slices()).toEqual([]);
    op.prepareSnapshotPreBarrier();
    // One accumulator row for the slice [0, 5): 2 rows, COUNT 2, SUM 3 (sum and count of values).
    expect(slices()).toEqual([[5, [2, 2, 3, 2]]]);
    h.push(['a', 4, 6]);
    op.endInput();
    expect(slices()).toEqual([
      [5, [2, 2, 3, 2]],
      [10, [1, 1, 4, 1]],
    ]);
    h.push(['a', 8, 7]);
    expect(await h.watermark(9)).toEqual(['+I[a, 2, 3, -5, 5]', '+I[a, 4, 15, 0, 10]']);
  });

  it('a snapshot holds the buffered rows and how far windows fired, also restored at another parallelism', async () => {
    const first = harnessOf({ window, slicing: true });
    const op = first.op as SlicingWindowAggregateOperator;
    for (const k of keys) first.push([k, 1, 3], [k, 2, 7]);
    // [-5, 5) fires before the snapshot; the rows at 7 are still in the buffer.
    expect(await first.watermark(4)).toEqual(keys.map((k) => `+I[${k}, 1, 1, -5, 5]`));
    for (const k of keys) first.push([k, 4, 8]);
    op.prepareSnapshotPreBarrier();
    const operatorState = op.snapshotState();
    const keyed = first.backend.snapshot();
    // Rows after the snapshot never reach the restored job's state.
    first.push(['a', 100, 6]);

    for (const parallelism of [1, 2, 3]) {
      const out: string[] = [];
      for (let subtask = 0; subtask < parallelism; subtask++) {
        const backend = createTestBackend(128, parallelism, subtask);
        backend.restore([structuredClone(keyed)]);
        const h = harnessOf({ window, slicing: true, backend, restored: structuredClone(operatorState) });
        // Time restarts at the restore: the window that fired before it does not fire again.
        out.push(...(await h.watermark(100)));
        expect(await h.watermark(200)).toEqual([]);
      }
      // 3 is in [-5, 5) (fired) and [0, 10); 7 and 8 in [0, 10) and [5, 15).
      expect(out.sort()).toEqual(keys.flatMap((k) => [`+I[${k}, 2, 6, 5, 15]`, `+I[${k}, 3, 7, 0, 10]`]));
    }
  });

  it('a restored job snapshotted before any watermark keeps the restored progress', async () => {
    const first = harnessOf({ window, slicing: true });
    first.push(['a', 1, 3], ['a', 2, 7]);
    expect(await first.watermark(4)).toEqual(['+I[a, 1, 1, -5, 5]']);
    const second = harnessOf({
      window,
      slicing: true,
      backend: restored(first.backend.snapshot()),
      restored: (first.op as SlicingWindowAggregateOperator).snapshotState(),
    });
    const third = harnessOf({
      window,
      slicing: true,
      backend: restored(second.backend.snapshot()),
      restored: (second.op as SlicingWindowAggregateOperator).snapshotState(),
    });
    expect(await third.watermark(100)).toEqual(['+I[a, 1, 2, 5, 15]', '+I[a, 2, 3, 0, 10]']);
  });
});

function restored(snapshot: ReturnType<TestKeyedStateBackend['snapshot']>): TestKeyedStateBackend {
  const backend = createTestBackend(128, 1, 0);
  backend.restore([structuredClone(snapshot)]);
  return backend;
}

/** Whether the backend's key groups hold `key` (where a hash partitioner would send its rows). */
function ownsKey(backend: TestKeyedStateBackend, key: string): boolean {
  const before = backend.getCurrentKey();
  backend.setCurrentKey([key]);
  const state = backend.getValueState<unknown>('window-aggregate.sessions');
  const owns = state.value() !== undefined;
  backend.setCurrentKey(before);
  return owns;
}
