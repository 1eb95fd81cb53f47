import type { OverAggregateSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, ProcessingTimeService, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, MapState, StateTtl, ValueState } from '../../api/state.js';
import { KeyedTimerService } from '../../time/timer-service.js';
import { type Accumulator, createAccumulator } from '../group-aggregate/accumulators.js';
import { keyedStateOf } from '../keyed-state-of.js';

/**
 * Flink's OverAggregate (the Row/RangeUnbounded/BoundedPrecedingFunction family): per input row,
 * the row and the aggregates over its frame, insert-only.
 *
 * State per partition key: for an unbounded frame the running accumulator row ('over.acc'); for
 * a bounded one the preceding rows the next frame can still reach ('over.frame': the last N rows
 * for ROWS N PRECEDING, the rows of the last `preceding` ms for RANGE), whose aggregates are
 * computed afresh per frame with the group aggregate's accumulators (N is small in practice, and
 * a fresh fold needs no retraction).
 *
 * On event time rows wait in 'over.pending' (by rowtime) until the watermark passes their time —
 * an event-time timer per rowtime — and then go in time order, rows of one time in arrival order.
 * Under RANGE the rows of one time are peers: they share one frame and one result. A row whose
 * time was already emitted for its key ('over.last-triggered') is late and dropped, as in Flink.
 */
export class OverAggregateOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private accumulators: Accumulator[] = [];
  private width = 0;
  private accState!: ValueState<unknown[]>;
  private frameState!: ValueState<unknown[][]>;
  private pending!: MapState<number, unknown[][]>;
  private lastTriggered!: ValueState<number>;
  private timers?: KeyedTimerService;
  /** Rows emitted by timers while the watermark advances, sent before the watermark. */
  private fired: unknown[][] = [];
  private clock!: ProcessingTimeService;

  /**
   * A RANGE frame with a preceding interval on processing time (Flink's
   * ProcTimeRangeBoundedPrecedingFunction): rows wait under the millisecond they arrived in and
   * go, as peers, when the clock has passed it, with the rows of the preceding interval.
   */
  private get rangeOnProcessingTime(): boolean {
    return !this.spec.rowtime && this.spec.unit === 'RANGE' && this.spec.preceding !== undefined;
  }

  constructor(private readonly spec: OverAggregateSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'OverAggregate');
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    const ttl: StateTtl | undefined = ttlMs > 0 ? { ttlMs } : undefined;
    this.accState = this.backend.getValueState('over.acc', ttl);
    this.frameState = this.backend.getValueState('over.frame', ttl);
    this.pending = this.backend.getMapState('over.pending', ttl);
    this.lastTriggered = this.backend.getValueState('over.last-triggered', ttl);
    ({ accumulators: this.accumulators, width: this.width } = overAccumulators(this.spec, this.backend, ttl));
    this.clock = ctx.processingTimeService;
    if (this.spec.rowtime || this.rangeOnProcessingTime)
      this.timers = new KeyedTimerService(this.backend, ctx.processingTimeService, (domain, timestamp) =>
        domain === 'event-time' ? this.onEventTime(timestamp) : this.onProcessingTime(timestamp),
      );
  }

  private newAccumulator(): unknown[] {
    const acc: unknown[] = [];
    for (let i = 0; i < this.width; i++) acc.push(null);
    for (const a of this.accumulators) a.init(acc);
    return acc;
  }

  private values(acc: unknown[]): unknown[] {
    return this.accumulators.map((a) => a.value(acc));
  }

  /** The aggregates over `frame`, folded afresh. */
  private aggregate(frame: readonly unknown[][]): unknown[] {
    const acc = this.newAccumulator();
    for (const row of frame) for (const a of this.accumulators) a.accumulate(acc, row);
    return this.values(acc);
  }

  /**
   * Emits `rows` (the current key's rows of one time, or one row on processing time) with their
   * aggregates into `out`, updating the key's state.
   */
  private process(rows: readonly unknown[][], time: number, out: unknown[][]): void {
    const { unit, preceding, orderIndex } = this.spec;
    const peers = unit === 'RANGE' && this.spec.rowtime;
    if (preceding === undefined) {
      // A copy, never the stored array: copy-on-write snapshots may still hold it.
      const acc = this.accState.value()?.slice() ?? this.newAccumulator();
      if (peers) {
        for (const row of rows) for (const a of this.accumulators) a.accumulate(acc, row);
        const values = this.values(acc);
        for (const row of rows) out.push([...row, ...values]);
      } else {
        for (const row of rows) {
          for (const a of this.accumulators) a.accumulate(acc, row);
          out.push([...row, ...this.values(acc)]);
        }
      }
      this.accState.update(acc);
      return;
    }
    let frame = this.frameState.value() ?? [];
    if (unit === 'ROWS') {
      for (const row of rows) {
        const window = [...frame, row].slice(-(preceding + 1));
        out.push([...row, ...this.aggregate(window)]);
        frame = preceding === 0 ? [] : window.slice(-preceding);
      }
    } else {
      // RANGE: the frame is every row of the last `preceding` ms up to the peers of `time`. On
      // processing time a row's time is when it arrived, kept after the row in the frame.
      const lowest = time - preceding;
      if (this.spec.rowtime) {
        frame = [...frame.filter((r) => (r[orderIndex] as number) >= lowest), ...rows];
        const values = this.aggregate(frame);
        for (const row of rows) out.push([...row, ...values]);
      } else {
        const width = this.spec.inputType.fields.length;
        frame = [...frame.filter((r) => (r[width] as number) >= lowest), ...rows.map((r) => [...r, time])];
        const values = this.aggregate(frame);
        for (const row of rows) out.push([...row, ...values]);
      }
    }
    if (frame.length > 0) this.frameState.update(frame);
    else this.frameState.clear();
  }

  private key(row: readonly unknown[]): unknown[] {
    const key: unknown[] = [];
    for (const k of this.spec.partitionKeys) key.push(row[k]);
    return key;
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { rows, kinds } = batch;
    const out: unknown[][] = [];
    for (let r = 0; r < rows.length; r++) {
      if (kinds && kinds[r] !== RowKind.INSERT)
        throw new Error(
          'OverAggregate received an update or delete; the planner only plans it over insert-only inputs',
        );
      const row = rows[r];
      this.backend.setCurrentKey(this.key(row));
      if (this.rangeOnProcessingTime) {
        const now = this.clock.now();
        this.pending.put(now, [...(this.pending.get(now) ?? []), row.slice()]);
        this.timers!.registerProcessingTimeTimer(now + 1);
        continue;
      }
      if (!this.spec.rowtime) {
        this.process([row], 0, out);
        continue;
      }
      const time = row[this.spec.orderIndex] as number;
      const last = this.lastTriggered.value();
      if (time == null || (last !== undefined && time <= last)) continue;
      this.pending.put(time, [...(this.pending.get(time) ?? []), row.slice()]);
      this.timers!.registerEventTimeTimer(time);
    }
    return out.length > 0 ? this.output.emit({ rows: out }) : undefined;
  }

  private onEventTime(time: number): void {
    const rows = this.pending.get(time);
    if (!rows) return;
    this.pending.remove(time);
    this.lastTriggered.update(time);
    this.process(rows, time, this.fired);
  }

  /** The clock passed `timestamp - 1`: the rows that arrived in that millisecond go. */
  private onProcessingTime(timestamp: number): void | Promise<void> {
    const time = timestamp - 1;
    const rows = this.pending.get(time);
    if (!rows) return;
    this.pending.remove(time);
    const out: unknown[][] = [];
    this.process(rows, time, out);
    return out.length > 0 ? this.output.emit({ rows: out }) : undefined;
  }

  async processWatermark(watermark: number): Promise<void> {
    if (this.timers) await this.timers.advanceWatermark(watermark);
    if (this.fired.length > 0) {
      const rows = this.fired;
      this.fired = [];
      await this.output.emit({ rows });
    }
    await this.output.emitWatermark(watermark);
  }

  close(): void {
    this.timers?.close();
  }
}

/** The aggregates' accumulators over the input row, laid out side by side in one accumulator row. */
export function overAccumulators(
  spec: OverAggregateSpec,
  backend: KeyedStateBackend,
  ttl: StateTtl | undefined,
): { accumulators: Accumulator[]; width: number } {
  const inputTypes = spec.inputType.fields.map((f) => f.type);
  let width = 0;
  const accumulators = spec.aggCalls.map((call, i) => {
    const acc = createAccumulator(call, width, inputTypes, {
      backend,
      ttl,
      retracting: false,
      stateName: `over.${i}`,
    });
    width += acc.width;
    return acc;
  });
  return { accumulators, width };
}
