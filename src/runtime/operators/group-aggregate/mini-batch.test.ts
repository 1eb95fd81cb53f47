import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { formatRow } from '../../../common/format.js';
import type {
  AggregateCallSpec,
  GlobalGroupAggregateSpec,
  GroupAggregateSpec,
  LocalGroupAggregateSpec,
  MiniBatchSpec,
} from '../../../common/jobgraph.js';
import { type LogicalType, type RowKind, type RowType, Types } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, StreamOperator } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { LocalGroupAggregateOperator } from './local-group-aggregate.js';
import {
  GlobalGroupAggregateOperator,
  MiniBatchGroupAggregateOperator,
} from './mini-batch-group-aggregate.js';

const KIND: Record<string, number> = { '+I': 0, '-U': 1, '+U': 2, '-D': 3 };

/** A processing-time service whose timers fire only when the test says so. */
class ManualTime {
  now = 0;
  private timers: { at: number; fn: () => void | Promise<void> }[] = [];
  readonly service = {
    now: () => this.now,
    registerTimer: (at: number, fn: () => void | Promise<void>) => {
      const timer = { at, fn };
      this.timers.push(timer);
      return () => {
        this.timers = this.timers.filter((t) => t !== timer);
      };
    },
  };

  get pending(): number {
    return this.timers.length;
  }

  advance(ms: number): void {
    this.now += ms;
    const due = this.timers.filter((t) => t.at <= this.now);
    this.timers = this.timers.filter((t) => t.at > this.now);
    for (const t of due) void t.fn();
  }
}

interface Harness {
  op: StreamOperator;
  time: ManualTime;
  backend: TestKeyedStateBackend;
  /** Everything emitted since the last call, as Flink prints rows. */
  drain(): string[];
  /** Raw emitted rows since the last call (for feeding a downstream operator). */
  drainBatches(): RecordBatch[];
}

function run(
  op: StreamOperator,
  outputTypes: readonly LogicalType[],
  restoreFrom?: TestKeyedStateBackend,
): Harness {
  const time = new ManualTime();
  const backend = createTestBackend(128, 1, 0);
  if (restoreFrom) backend.restore([restoreFrom.snapshot()]);
  let emitted: RecordBatch[] = [];
  void op.open(
    {
      config: new Configuration(),
      keyedStateBackend: backend,
      operatorName: 'op',
      processingTimeService: time.service,
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        emitted.push(b);
      },
      emitWatermark: () => {},
    },
  );
  return {
    op,
    time,
    backend,
    drain() {
      const out = emitted.flatMap((b) =>
        b.rows.map((r, i) => formatRow(outputTypes, (b.kinds?.[i] ?? 0) as RowKind, r)),
      );
      emitted = [];
      return out;
    },
    drainBatches() {
      const out = emitted;
      emitted = [];
      return out;
    },
  };
}

const push = (op: StreamOperator, ...rows: [string, ...unknown[]][]) =>
  void op.processBatch({
    rows: rows.map(([, ...fields]) => fields),
    kinds: Uint8Array.from(rows.map(([k]) => KIND[k])),
  });

const call = (fn: AggregateCallSpec['fn'], args: number[], type: LogicalType): AggregateCallSpec => ({
  fn,
  args,
  type,
  distinct: false,
  name: `${fn}${args.join('_')}`,
});

const clicksType: RowType = {
  fields: [
    { name: 'usr', type: Types.STRING() },
    { name: 'n', type: Types.BIGINT() },
  ],
};
const calls = [
  call('COUNT', [], Types.BIGINT(false)),
  call('SUM', [1], Types.BIGINT()),
  call('MAX', [1], Types.BIGINT()),
];
const outputTypes = [Types.STRING(), Types.BIGINT(false), Types.BIGINT(), Types.BIGINT()];
const batch = (size: number, allowLatency = 1000): MiniBatchSpec => ({ size, allowLatency });

function miniBatchAggregate(
  miniBatch: MiniBatchSpec,
  inputInsertOnly = false,
  restoreFrom?: TestKeyedStateBackend,
) {
  const spec: GroupAggregateSpec & { miniBatch: MiniBatchSpec } = {
    kind: 'group-aggregate',
    grouping: [0],
    aggCalls: inputInsertOnly ? calls : calls.slice(0, 2),
    inputType: clicksType,
    outputType: { fields: [] },
    inputInsertOnly,
    generateUpdateBefore: true,
    miniBatch,
  };
  return run(
    new MiniBatchGroupAggregateOperator(spec),
    outputTypes.slice(0, 1 + spec.aggCalls.length),
    restoreFrom,
  );
}

describe('MiniBatchGroupAggregateOperator', () => {
  it('folds a batch into one change per key: one +I for a new key, one -U/+U for a known one', () => {
    const h = miniBatchAggregate(batch(100), true);
    push(h.op, ['+I', 'a', 1], ['+I', 'b', 5], ['+I', 'a', 2], ['+I', 'a', 3]);
    expect(h.drain()).toEqual([]);
    void h.op.prepareSnapshotPreBarrier?.(1);
    expect(h.drain()).toEqual(['+I[a, 3, 6, 3]', '+I[b, 1, 5, 5]']);
    push(h.op, ['+I', 'a', 10], ['+I', 'a', 1]);
    void h.op.endInput?.();
    expect(h.drain()).toEqual(['-U[a, 3, 6, 3]', '+U[a, 5, 17, 10]']);
  });

  it("ends a batch when 'table.exec.mini-batch.size' rows are buffered", () => {
    const h = miniBatchAggregate(batch(3), true);
    push(h.op, ['+I', 'a', 1], ['+I', 'a', 2]);
    expect(h.drain()).toEqual([]);
    push(h.op, ['+I', 'b', 1]);
    expect(h.drain()).toEqual(['+I[a, 2, 3, 2]', '+I[b, 1, 1, 1]']);
    expect(h.time.pending).toBe(0);
  });

  it("ends a batch 'table.exec.mini-batch.allow-latency' after its first row", () => {
    const h = miniBatchAggregate(batch(1000, 500), true);
    push(h.op, ['+I', 'a', 1]);
    h.time.advance(300);
    push(h.op, ['+I', 'a', 4]);
    expect(h.drain()).toEqual([]);
    h.time.advance(200);
    expect(h.drain()).toEqual(['+I[a, 2, 5, 4]']);
    // The next batch has its own timer, from its own first row.
    push(h.op, ['+I', 'a', 1]);
    h.time.advance(499);
    expect(h.drain()).toEqual([]);
    h.time.advance(1);
    expect(h.drain()).toEqual(['-U[a, 2, 5, 4]', '+U[a, 3, 6, 4]']);
  });

  it('emits nothing for a key whose result the batch did not change, and -D for a key it emptied', () => {
    const h = miniBatchAggregate(batch(100));
    push(h.op, ['+I', 'a', 1], ['+I', 'b', 2]);
    void h.op.endInput?.();
    h.drain();
    push(h.op, ['+I', 'a', 7], ['-D', 'a', 7], ['-D', 'b', 2]);
    void h.op.endInput?.();
    expect(h.drain()).toEqual(['-D[b, 1, 2]']);
  });

  it("drops retractions that come first for a key without state, as Flink's MiniBatchGroupAggFunction", () => {
    const h = miniBatchAggregate(batch(100));
    push(h.op, ['-D', 'a', 1], ['-U', 'a', 2], ['+I', 'a', 5], ['-D', 'z', 1]);
    void h.op.endInput?.();
    expect(h.drain()).toEqual(['+I[a, 1, 5]']);
  });

  it('keeps no buffered row in a checkpoint: the batch ends before the barrier, the state is restored', () => {
    const h = miniBatchAggregate(batch(100), true);
    push(h.op, ['+I', 'a', 1], ['+I', 'a', 2]);
    void h.op.prepareSnapshotPreBarrier?.(1);
    h.drain();
    const restored = miniBatchAggregate(batch(100), true, h.backend);
    push(restored.op, ['+I', 'a', 3]);
    void restored.op.endInput?.();
    expect(restored.drain()).toEqual(['-U[a, 2, 3, 2]', '+U[a, 3, 6, 3]']);
  });
});

describe('LocalGroupAggregateOperator and GlobalGroupAggregateOperator', () => {
  const local = (miniBatch: MiniBatchSpec, inputInsertOnly: boolean) => {
    const spec: LocalGroupAggregateSpec = {
      kind: 'local-group-aggregate',
      grouping: [0],
      aggCalls: inputInsertOnly ? calls : calls.slice(0, 2),
      inputType: clicksType,
      inputInsertOnly,
      miniBatch,
    };
    return run(new LocalGroupAggregateOperator(spec), []);
  };
  const global = (
    miniBatch: MiniBatchSpec,
    inputInsertOnly: boolean,
    restoreFrom?: TestKeyedStateBackend,
  ) => {
    const spec: GlobalGroupAggregateSpec = {
      kind: 'global-group-aggregate',
      keyCount: 1,
      aggCalls: inputInsertOnly ? calls : calls.slice(0, 2),
      localInputType: clicksType,
      inputInsertOnly,
      generateUpdateBefore: true,
      outputType: { fields: [] },
      miniBatch,
    };
    return run(
      new GlobalGroupAggregateOperator(spec),
      outputTypes.slice(0, 1 + spec.aggCalls.length),
      restoreFrom,
    );
  };
  /** Two local subtasks' partial rows into one global, as the hash exchange would bring them. */
  const forward = (from: Harness, to: Harness) => {
    for (const b of from.drainBatches()) void to.op.processBatch(b);
  };

  it('sends one partial accumulator per key and batch; the global merges them into one change', () => {
    const l1 = local(batch(100), true);
    const l2 = local(batch(100), true);
    const g = global(batch(100), true);
    push(l1.op, ['+I', 'a', 1], ['+I', 'a', 2], ['+I', 'b', 9]);
    push(l2.op, ['+I', 'a', 5]);
    void l1.op.prepareSnapshotPreBarrier?.(1);
    void l2.op.prepareSnapshotPreBarrier?.(1);
    const partials = l1.drainBatches();
    expect(partials.map((b) => b.rows.length)).toEqual([2]);
    expect(partials[0].kinds).toBeUndefined();
    for (const b of partials) void g.op.processBatch(b);
    forward(l2, g);
    void g.op.prepareSnapshotPreBarrier?.(1);
    expect(g.drain()).toEqual(['+I[a, 3, 8, 5]', '+I[b, 1, 9, 9]']);
    push(l2.op, ['+I', 'a', 0], ['+I', 'b', 10]);
    void l2.op.endInput?.();
    forward(l2, g);
    void g.op.endInput?.();
    expect(g.drain()).toEqual(['-U[a, 3, 8, 5]', '+U[a, 4, 8, 5]', '-U[b, 1, 9, 9]', '+U[b, 2, 19, 10]']);
  });

  it('over a changelog, counts rows so the global deletes a group whose rows were all retracted', () => {
    const l = local(batch(100), false);
    const g = global(batch(100), false);
    push(l.op, ['+I', 'a', 1], ['+I', 'a', 2]);
    void l.op.endInput?.();
    forward(l, g);
    void g.op.endInput?.();
    expect(g.drain()).toEqual(['+I[a, 2, 3]']);
    // Retractions and inserts for a key meet in the local accumulator of one batch.
    push(l.op, ['-D', 'a', 1], ['+I', 'b', 4], ['-D', 'a', 2]);
    void l.op.endInput?.();
    forward(l, g);
    void g.op.endInput?.();
    expect(g.drain()).toEqual(['-D[a, 2, 3]', '+I[b, 1, 4]']);
    // Only retractions for a group the global has no state for: nothing to emit.
    push(l.op, ['-D', 'z', 1]);
    void l.op.endInput?.();
    forward(l, g);
    void g.op.endInput?.();
    expect(g.drain()).toEqual([]);
  });

  it("restores the global's accumulators from a checkpoint", () => {
    const l = local(batch(100), true);
    const g = global(batch(100), true);
    push(l.op, ['+I', 'a', 4]);
    void l.op.prepareSnapshotPreBarrier?.(1);
    forward(l, g);
    void g.op.prepareSnapshotPreBarrier?.(1);
    g.drain();
    const restored = global(batch(100), true, g.backend);
    push(l.op, ['+I', 'a', 6]);
    void l.op.endInput?.();
    forward(l, restored);
    void restored.op.endInput?.();
    expect(restored.drain()).toEqual(['-U[a, 1, 4, 4]', '+U[a, 2, 10, 6]']);
  });
});
