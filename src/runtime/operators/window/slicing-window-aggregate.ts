import type { WindowAggregateSpec } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, OperatorStateSnapshot, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, MapState } from '../../api/state.js';
import { assignToKeyGroup, hashFields } from '../../state/key-groups.js';
import { keyString } from '../../state/key-string.js';
import type { Accumulator } from '../group-aggregate/accumulators.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { FiredRows } from './fired-rows.js';
import { type SliceAssigner, sliceAssigner } from './slices.js';
import {
  accumulateRow,
  newAccumulatorRow,
  rowTime,
  windowAccumulators,
  windowProperty,
} from './window-aggregate.js';
import { WindowBuffer } from './window-buffer.js';
import { WindowTriggers } from './window-triggers.js';

/** Per key: slice end → the accumulator row of the slice's rows. */
const SLICES = 'window-aggregate.slices';
/**
 * (key, slice) accumulators the buffer holds before it is flushed into keyed state regardless of
 * time; it bounds the buffer's memory between two watermarks (Flink sizes its buffer by managed memory).
 */
const BUFFER_LIMIT = 100_000;
/**
 * Operator state, given whole to every subtask: per range of key groups, the time up to which its
 * windows had fired when the snapshot was taken, so a restore knows which window of each slice
 * is due next.
 */
const PROGRESS = 'union:window-aggregate.progress';
const NO_KEY: readonly unknown[] = [];

interface Progress {
  readonly keyGroups: readonly [start: number, end: number];
  /** Windows whose last millisecond is at or before this had fired; null when none had. */
  readonly firedUpTo: number | null;
}

/** Equal for equal keys: a one-field key's value (Map keys compare numbers, strings and bigints by value) or the key's canonical string. */
const keyId = (key: readonly unknown[]): unknown => (key.length === 1 ? key[0] : keyString(key));

/**
 * Window aggregation over aligned windows (TUMBLE, HOP, CUMULATE) by slices, as Flink's
 * SlicingWindowOperator with its SliceSharedWindowAggProcessor does: each row is added to the one
 * slice holding its time (see slices.ts), first in an in-memory buffer combining rows per key and
 * slice, then — when the watermark advances, before a checkpoint, at the end of input or when the
 * buffer is full — into keyed state, one accumulator row per key and slice. When time passes a
 * window's last millisecond, each key with slices in it has the slices merged, the result emitted
 * as an insert, the slices no later window needs freed, and its next window made due if slices
 * remain. Which windows are due is kept in memory (WindowTriggers) rather than as keyed timers:
 * it follows from the slices and the time windows have fired up to, which is operator state.
 *
 * Semantics are the per-window operator's (window-aggregate.ts): a row all of whose windows have
 * fired is late, dropped and counted in `numLateRecordsDropped`; a window is emitted once when
 * time passes its end, only if it saw a row. It needs every call's accumulator to merge, so the
 * planner picks it only then (`WindowAggregateSpec.slicing`). Slices are keyed state, checkpointed
 * by key group and re-split on rescale; the buffer never outlives a checkpoint.
 */
export class SlicingWindowAggregateOperator implements StreamOperator {
  private output!: Output;
  private ctx!: OperatorContext;
  private backend!: KeyedStateBackend;
  private readonly triggers = new WindowTriggers();
  /** Since the start or restore; event time: the watermark; processing time: when windows last fired. */
  private firedUpTo = Number.NEGATIVE_INFINITY;
  /** The restored key groups' progress, kept for the next snapshot until time passes it here. */
  private restored: readonly Progress[] = [];
  private wakeup?: { at: number; cancel: () => void };
  private slices!: MapState<number, unknown[]>;
  private accs: readonly Accumulator[] = [];
  private width = 1;
  private buffer!: WindowBuffer;
  private readonly assigner: SliceAssigner;
  private readonly eventTime: boolean;
  private readonly fired = new FiredRows();
  /** Rows dropped because every window they belong to had fired (Flink's numLateRecordsDropped). */
  numLateRecordsDropped = 0;

  constructor(private readonly spec: WindowAggregateSpec) {
    const assigner = sliceAssigner(spec.window);
    if (!assigner) throw new Error(`a ${spec.window.kind} window cannot be sliced`);
    this.assigner = assigner;
    this.eventTime = spec.timeDomain === 'event-time';
  }

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    this.restored = (restored?.[PROGRESS] ?? []) as Progress[];
  }

  /** The progress of the key group `group` restored from a snapshot. */
  private restoredProgress(group: number): number {
    const from = this.restored.find((p) => p.keyGroups[0] <= group && group <= p.keyGroups[1]);
    return from?.firedUpTo ?? Number.NEGATIVE_INFINITY;
  }

  open(ctx: OperatorContext, output: Output): void {
    this.ctx = ctx;
    this.output = output;
    this.backend = keyedStateOf(ctx, 'WindowAggregate');
    this.slices = this.backend.getMapState(SLICES);
    this.accs = windowAccumulators(this.spec, this.backend, 'sliced');
    const unmergeable = this.spec.aggCalls.find((_, i) => !this.accs[i].merge);
    if (unmergeable)
      throw new Error(`${unmergeable.fn} cannot merge slices; the window aggregate must not slice`);
    this.width = 1 + this.accs.reduce((w, a) => w + a.width, 0);
    this.buffer = new WindowBuffer(() => newAccumulatorRow(this.accs, this.width));
    this.restoreTriggers();
  }

  /**
   * After a restore, each key's slices are due at the first of their windows that had not fired
   * in the snapshot its key group came from (as a per-key timer would have been).
   */
  private restoreTriggers(): void {
    if (this.restored.length === 0) return;
    const { maxParallelism } = this.backend;
    this.backend.forEachKey(SLICES, (key) => {
      const group = assignToKeyGroup(
        hashFields(
          key,
          key.map((_, i) => i),
        ),
        maxParallelism,
      );
      const firedUpTo = this.restoredProgress(group);
      const id = keyId(key);
      for (const [sliceEnd] of this.slices.entries()) {
        const end = this.assigner.firstWindowEndAfter(sliceEnd, firedUpTo);
        if (end !== undefined) this.triggers.add(end, id, key);
      }
    });
    this.scheduleProcessingTime();
  }

  /**
   * Per key group range: how far its windows have fired. Time restarts at a restore (as Flink's
   * watermark does), so a restored range's progress stands until time here passes it.
   */
  snapshotState(): OperatorStateSnapshot {
    const { start, end } = this.backend.keyGroupRange;
    const progress: Progress[] = [];
    const known = (t: number) => (Number.isFinite(t) ? t : null);
    const here = known(this.firedUpTo);
    for (const p of this.restored) {
      const from = Math.max(p.keyGroups[0], start);
      const to = Math.min(p.keyGroups[1], end);
      if (from > to) continue;
      const firedUpTo =
        p.firedUpTo === null ? here : here === null ? p.firedUpTo : Math.max(p.firedUpTo, here);
      progress.push({ keyGroups: [from, to], firedUpTo });
    }
    // Key groups no restored range covered (a fresh start) have only the time seen here.
    if (progress.length === 0) progress.push({ keyGroups: [start, end], firedUpTo: here });
    return { [PROGRESS]: progress };
  }

  processBatch(batch: RecordBatch): void {
    const { grouping } = this.spec;
    const single = grouping.length === 1 ? grouping[0] : -1;
    const watermark = this.firedUpTo;
    for (const row of batch.rows) {
      const timestamp = this.eventTime ? rowTime(this.spec, row) : this.ctx.processingTimeService.now();
      const sliceEnd = this.assigner.sliceEnd(timestamp);
      if (this.eventTime && this.assigner.lastWindowEnd(sliceEnd) - 1 <= watermark) {
        this.numLateRecordsDropped++;
        continue;
      }
      // A one-field key is its own buffer id (Map keys compare numbers, strings and bigints by
      // value); a composite key needs its canonical string.
      let acc: unknown[];
      if (single >= 0) acc = this.buffer.accumulatorOf(row[single], () => [row[single]], sliceEnd);
      else if (grouping.length === 0) acc = this.buffer.accumulatorOf(NO_KEY, () => NO_KEY, sliceEnd);
      else {
        const key = grouping.map((g) => row[g]);
        acc = this.buffer.accumulatorOf(keyString(key), () => key, sliceEnd);
      }
      accumulateRow(acc, this.accs, row);
    }
    // Processing-time timers fire between batches, so the buffer must not hold rows across them.
    if (!this.eventTime || this.buffer.size >= BUFFER_LIMIT) this.flushBuffer();
  }

  /** Merges the buffered slices into keyed state, making each new slice's first window due. */
  private flushBuffer(): void {
    if (this.buffer.size === 0) return;
    for (const { key, slices } of this.buffer.drain()) {
      this.backend.setCurrentKey(key);
      const id = keyId(key);
      for (const [sliceEnd, buffered] of slices) {
        const stored = this.slices.get(sliceEnd);
        if (stored) {
          // A new row, never the stored one: a running snapshot may still be writing the old one out.
          const merged = stored.slice();
          merged[0] = (merged[0] as number) + (buffered[0] as number);
          for (const a of this.accs) a.merge!(merged, buffered);
          this.slices.put(sliceEnd, merged);
          continue;
        }
        this.slices.put(sliceEnd, buffered);
        // A slice whose first windows have fired already joins the first that has not.
        const windowEnd = this.assigner.firstWindowEndAfter(sliceEnd, this.firedUpTo);
        if (windowEnd !== undefined) this.triggers.add(windowEnd, id, key);
      }
    }
    this.scheduleProcessingTime();
  }

  /** Fires, in order of their ends, the windows whose last millisecond is at or before `time`. */
  private fireDue(time: number): void {
    this.firedUpTo = time;
    for (let due = this.triggers.pollDue(time); due; due = this.triggers.pollDue(time))
      for (const key of due.keys) {
        this.backend.setCurrentKey(key);
        this.fireWindow(due.end, key);
      }
  }

  /**
   * The window ending at `end` fires for the current key: its slices are merged and the result
   * emitted; slices no later window holds are freed; the next window is due if slices remain.
   */
  private fireWindow(end: number, key: readonly unknown[]): void {
    const start = this.assigner.windowStart(end);
    let result: unknown[] | undefined;
    let remaining = false;
    const expired: number[] = [];
    for (const [sliceEnd, acc] of this.slices.entries()) {
      if (sliceEnd <= start || sliceEnd > end) continue;
      result ??= newAccumulatorRow(this.accs, this.width);
      result[0] = (result[0] as number) + (acc[0] as number);
      for (const a of this.accs) a.merge!(result, acc);
      if (this.assigner.lastWindowEnd(sliceEnd) <= end) expired.push(sliceEnd);
      else remaining = true;
    }
    for (const sliceEnd of expired) this.slices.remove(sliceEnd);
    if (result && (result[0] as number) > 0) this.emitWindow(start, end, result);
    if (remaining) {
      const next = this.assigner.nextWindowEnd(end);
      if (next !== undefined) this.triggers.add(next, keyId(key), key);
    }
  }

  /** Processing time: wakes up when the earliest due window's last millisecond has passed. */
  private scheduleProcessingTime(): void {
    if (this.eventTime) return;
    const next = this.triggers.earliest;
    if (next === undefined || (this.wakeup && this.wakeup.at <= next - 1)) return;
    this.wakeup?.cancel();
    this.wakeup = {
      at: next - 1,
      cancel: this.ctx.processingTimeService.registerTimer(next - 1, async () => {
        this.wakeup = undefined;
        this.fireDue(this.ctx.processingTimeService.now());
        await this.fired.emitTo(this.output);
        this.scheduleProcessingTime();
      }),
    };
  }

  /** The window's output row: the key, each call's value, then the window properties. */
  private emitWindow(start: number, end: number, acc: unknown[]): void {
    const row: unknown[] = [...this.backend.getCurrentKey()];
    for (const a of this.accs) row.push(a.value(acc));
    const window = { start, end };
    for (const p of this.spec.properties) row.push(windowProperty(p, window, this.ctx.processingTimeService));
    this.fired.push(row);
  }

  async processWatermark(watermark: number): Promise<void> {
    // Rows buffered before the watermark belong in the windows it fires.
    this.flushBuffer();
    if (this.eventTime) this.fireDue(watermark);
    await this.fired.emitTo(this.output);
    await this.output.emitWatermark(watermark);
  }

  prepareSnapshotPreBarrier(): void {
    this.flushBuffer();
  }

  endInput(): void {
    this.flushBuffer();
  }

  close(): void {
    this.wakeup?.cancel();
  }
}
