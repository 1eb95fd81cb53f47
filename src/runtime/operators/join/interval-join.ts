import type { IntervalJoinSpec } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, MapState, ValueState } from '../../api/state.js';
import { KeyedTimerService } from '../../time/timer-service.js';
import type { Predicate } from '../calc/index.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { compileJoinCondition, JoinKeySelector } from './join-key.js';

/** A buffered row and whether it has matched anything yet (an outer row that never did is emitted padded). */
type Buffered = readonly [row: readonly unknown[], matched: boolean];

const LEFT_BUFFER = 'interval-join.left';
const RIGHT_BUFFER = 'interval-join.right';
const CLEANUP_TIMER = 'interval-join.cleanup-timer';

/**
 * Flink's RowTimeIntervalJoin. With `lowerBound <= l.rt - r.rt <= upperBound`, a left row at tL
 * matches right rows at [tL - upperBound, tL - lowerBound], a right row at tR left rows at
 * [tR + lowerBound, tR + upperBound]. Each arriving row is joined with the other side's buffered
 * rows of its key and, while rows of the other side could still come that match it (the watermark
 * is below the end of its range), buffered itself. When the watermark passes a row's range, an
 * event-time timer removes it — emitting it NULL-padded first if its side is outer and it never
 * matched. Output is insert-only. The output watermark is the input's minus the larger of the two
 * relative window sizes, as Flink holds it back, so that rows emitted late are not late downstream.
 */
export class IntervalJoinOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private timers!: KeyedTimerService;
  private leftBuffer!: MapState<number, readonly Buffered[]>;
  private rightBuffer!: MapState<number, readonly Buffered[]>;
  private cleanupTimer!: ValueState<number>;
  private condition?: Predicate;
  private readonly leftKey: JoinKeySelector;
  private readonly rightKey: JoinKeySelector;
  private readonly leftOuter: boolean;
  private readonly rightOuter: boolean;
  private readonly leftNulls: readonly null[];
  private readonly rightNulls: readonly null[];
  /** How far a left row's matches may lie after it (-lowerBound) and a right row's after it (upperBound). */
  private readonly leftRelativeSize: number;
  private readonly rightRelativeSize: number;
  private out: unknown[][] = [];

  constructor(private readonly spec: IntervalJoinSpec) {
    this.leftKey = new JoinKeySelector(spec.leftKeys, spec.filterNulls);
    this.rightKey = new JoinKeySelector(spec.rightKeys, spec.filterNulls);
    this.leftOuter = spec.joinType === 'LEFT' || spec.joinType === 'FULL';
    this.rightOuter = spec.joinType === 'RIGHT' || spec.joinType === 'FULL';
    this.leftNulls = spec.leftType.fields.map(() => null);
    this.rightNulls = spec.rightType.fields.map(() => null);
    this.leftRelativeSize = -spec.lowerBound;
    this.rightRelativeSize = spec.upperBound;
  }

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'IntervalJoin');
    this.leftBuffer = this.backend.getMapState(LEFT_BUFFER);
    this.rightBuffer = this.backend.getMapState(RIGHT_BUFFER);
    this.cleanupTimer = this.backend.getValueState(CLEANUP_TIMER);
    this.timers = new KeyedTimerService(this.backend, ctx.processingTimeService, () => this.cleanUp());
    this.condition = compileJoinCondition(this.spec.nonEquiCondition, ctx.config);
  }

  processBatch(batch: RecordBatch, inputIndex = 0): void | Promise<void> {
    const isLeft = inputIndex === 0;
    const keys = isLeft ? this.leftKey : this.rightKey;
    for (const row of batch.rows) {
      const key = keys.select(row);
      const nullKey = keys.lastHasNull;
      const time = row[isLeft ? this.spec.leftTimeIndex : this.spec.rightTimeIndex] as number | null;
      if (nullKey || time === null || time === undefined) {
        // It can never match: an outer side's row goes out padded at once.
        if (isLeft ? this.leftOuter : this.rightOuter) this.emitPadded(row, isLeft);
        continue;
      }
      this.backend.setCurrentKey(key);
      this.processRow(row, time, isLeft);
    }
    return this.flush();
  }

  private processRow(row: readonly unknown[], time: number, isLeft: boolean): void {
    // The other side's times this row matches.
    const from = isLeft ? time - this.rightRelativeSize : time + this.spec.lowerBound;
    const to = isLeft ? time + this.leftRelativeSize : time + this.spec.upperBound;
    const other = isLeft ? this.rightBuffer : this.leftBuffer;
    let matched = false;
    for (const [otherTime, rows] of [...other.entries()]) {
      if (otherTime < from || otherTime > to) continue;
      let changed = false;
      const updated = rows.map((b): Buffered => {
        const [otherRow, otherMatched] = b;
        const joined = isLeft ? [...row, ...otherRow] : [...otherRow, ...row];
        if (this.condition && !this.condition(joined)) return b;
        this.out.push(joined);
        matched = true;
        if (otherMatched) return b;
        changed = true;
        return [otherRow, true];
      });
      if (changed) other.put(otherTime, updated);
    }
    // Rows of the other side that could still match this one may yet come: keep it.
    const watermark = this.timers.watermark;
    if (watermark < to) {
      const buffer = isLeft ? this.leftBuffer : this.rightBuffer;
      buffer.put(time, [...(buffer.get(time) ?? []), [row, matched]]);
      this.scheduleCleanUp(this.expiry(time, isLeft));
    } else if (!matched && (isLeft ? this.leftOuter : this.rightOuter)) {
      this.emitPadded(row, isLeft);
    }
  }

  /** The first watermark at which a row of this side at `time` can match nothing more (Flink's expiration time). */
  private expiry(time: number, isLeft: boolean): number {
    return time + (isLeft ? this.leftRelativeSize : this.rightRelativeSize) + 1;
  }

  /** One cleanup timer per key, at the earliest expiry of its buffered rows. */
  private scheduleCleanUp(at: number): void {
    const current = this.cleanupTimer.value();
    if (current !== undefined && current <= at) return;
    if (current !== undefined) this.timers.deleteEventTimeTimer(current);
    this.cleanupTimer.update(at);
    this.timers.registerEventTimeTimer(at);
  }

  /** The timer of the current key fired: drop the rows the watermark has passed; outer ones that never matched go out padded. */
  private cleanUp(): void {
    this.cleanupTimer.clear();
    const watermark = this.timers.watermark;
    let next = Number.POSITIVE_INFINITY;
    for (const isLeft of [true, false]) {
      const buffer = isLeft ? this.leftBuffer : this.rightBuffer;
      const outer = isLeft ? this.leftOuter : this.rightOuter;
      for (const [time, rows] of [...buffer.entries()]) {
        const expiry = this.expiry(time, isLeft);
        if (expiry > watermark) {
          next = Math.min(next, expiry);
          continue;
        }
        if (outer) for (const [row, matched] of rows) if (!matched) this.emitPadded(row, isLeft);
        buffer.remove(time);
      }
    }
    if (next !== Number.POSITIVE_INFINITY) this.scheduleCleanUp(next);
  }

  private emitPadded(row: readonly unknown[], isLeft: boolean): void {
    this.out.push(isLeft ? [...row, ...this.rightNulls] : [...this.leftNulls, ...row]);
  }

  private flush(): void | Promise<void> {
    if (this.out.length === 0) return;
    const rows = this.out;
    this.out = [];
    return this.output.emit({ rows });
  }

  async processWatermark(watermark: number): Promise<void> {
    await this.timers.advanceWatermark(watermark);
    await this.flush();
    const delay = Math.max(this.leftRelativeSize, this.rightRelativeSize, 0);
    await this.output.emitWatermark(watermark - delay);
  }

  close(): void {
    this.timers?.close();
  }
}
