import type { TemporalJoinSpec } from '../../../common/jobgraph.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, MapState, ValueState } from '../../api/state.js';
import { KeyedTimerService } from '../../time/timer-service.js';
import type { Predicate } from '../calc/index.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { compileJoinCondition, JoinKeySelector } from './join-key.js';

/** A row with its kind, as kept in state. */
type Kept = readonly [kind: number, row: readonly unknown[]];

const LEFT_ROWS = 'temporal-join.left';
const LEFT_SEQUENCE = 'temporal-join.left-sequence';
const RIGHT_VERSIONS = 'temporal-join.right';
const TIMER = 'temporal-join.timer';

const isAccumulate = (kind: number) => kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;

/**
 * Flink's TemporalRowTimeJoinOperator, per join key: left rows wait in state (numbered in arrival
 * order); right rows are the versioned table's versions, kept by their rowtime. When the watermark
 * passes a left row's rowtime, the row is joined with the latest version whose rowtime is not after
 * it — if that version is an insert or update, and the rest of the condition holds; otherwise a
 * LEFT join pads it with NULLs and an INNER join drops it. Left rows go out in arrival order, with
 * their own row kind. Versions older than the one valid at the watermark can never be joined
 * again and are dropped. One event-time timer per key, at the smallest time still waiting.
 */
export class TemporalJoinOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private timers!: KeyedTimerService;
  private leftRows!: MapState<number, Kept>;
  private leftSequence!: ValueState<number>;
  private rightVersions!: MapState<number, Kept>;
  private timer!: ValueState<number>;
  private condition?: Predicate;
  private readonly leftKey: JoinKeySelector;
  private readonly rightKey: JoinKeySelector;
  private readonly leftOuter: boolean;
  private readonly rightNulls: readonly null[];
  private out: unknown[][] = [];
  private outKinds: number[] = [];

  constructor(private readonly spec: TemporalJoinSpec) {
    const filterNulls = spec.leftKeys.map(() => true);
    this.leftKey = new JoinKeySelector(spec.leftKeys, filterNulls);
    this.rightKey = new JoinKeySelector(spec.rightKeys, filterNulls);
    this.leftOuter = spec.joinType === 'LEFT';
    this.rightNulls = spec.rightType.fields.map(() => null);
  }

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'TemporalJoin');
    this.leftRows = this.backend.getMapState(LEFT_ROWS);
    this.leftSequence = this.backend.getValueState(LEFT_SEQUENCE);
    this.rightVersions = this.backend.getMapState(RIGHT_VERSIONS);
    this.timer = this.backend.getValueState(TIMER);
    this.timers = new KeyedTimerService(this.backend, ctx.processingTimeService, () => this.onTimer());
    this.condition = compileJoinCondition(this.spec.nonEquiCondition, ctx.config);
  }

  processBatch(batch: RecordBatch, inputIndex = 0): void | Promise<void> {
    const isLeft = inputIndex === 0;
    const keys = isLeft ? this.leftKey : this.rightKey;
    const timeIndex = isLeft ? this.spec.leftTimeIndex : this.spec.rightTimeIndex;
    for (let r = 0; r < batch.rows.length; r++) {
      const row = batch.rows[r];
      const kind = batch.kinds ? batch.kinds[r] : RowKind.INSERT;
      const key = keys.select(row);
      const time = row[timeIndex] as number | null | undefined;
      if (keys.lastHasNull || time === null || time === undefined) {
        // A left row that can match no version; a version nothing can find.
        if (isLeft && this.leftOuter) this.emit(kind, [...row, ...this.rightNulls]);
        continue;
      }
      // A version is replaced by the next one (+U); the -U before it adds nothing.
      if (!isLeft && kind === RowKind.UPDATE_BEFORE) continue;
      this.backend.setCurrentKey(key);
      if (isLeft) {
        const seq = this.leftSequence.value() ?? 0;
        this.leftSequence.update(seq + 1);
        this.leftRows.put(seq, [kind, row]);
      } else {
        this.rightVersions.put(time, [kind, row]);
      }
      this.registerSmallestTimer(time);
    }
    return this.flush();
  }

  private registerSmallestTimer(time: number): void {
    const current = this.timer.value();
    if (current !== undefined && current <= time) return;
    if (current !== undefined) this.timers.deleteEventTimeTimer(current);
    this.timer.update(time);
    this.timers.registerEventTimeTimer(time);
  }

  /** The current key's timer fired: join the left rows the watermark has passed, drop old versions. */
  private onTimer(): void {
    this.timer.clear();
    const watermark = this.timers.watermark;
    const versions = [...this.rightVersions.entries()].sort((a, b) => a[0] - b[0]);
    let next = Number.POSITIVE_INFINITY;
    const due: [number, Kept][] = [];
    for (const [seq, kept] of [...this.leftRows.entries()]) {
      const time = kept[1][this.spec.leftTimeIndex] as number;
      if (time <= watermark) {
        due.push([seq, kept]);
        this.leftRows.remove(seq);
      } else next = Math.min(next, time);
    }
    due.sort((a, b) => a[0] - b[0]);
    for (const [, [kind, row]] of due) {
      const time = row[this.spec.leftTimeIndex] as number;
      const version = latestAtOrBefore(versions, time);
      let joined: unknown[] | undefined;
      if (version && isAccumulate(version[1][0])) {
        const candidate = [...row, ...version[1][1]];
        if (!this.condition || this.condition(candidate)) joined = candidate;
      }
      if (joined) this.emit(kind, joined);
      else if (this.leftOuter) this.emit(kind, [...row, ...this.rightNulls]);
    }
    if (this.leftRows.isEmpty()) this.leftSequence.clear();
    // Keep the version valid at the watermark and the newer ones.
    let keep = versions.findIndex(([t]) => t > watermark);
    keep = keep < 0 ? versions.length - 1 : keep - 1;
    for (let i = 0; i < keep; i++) this.rightVersions.remove(versions[i][0]);
    // Versions newer than the watermark are cleaned up once it passes them.
    const newer = versions.find(([t]) => t > watermark);
    if (newer) next = Math.min(next, newer[0]);
    if (next !== Number.POSITIVE_INFINITY) this.registerSmallestTimer(next);
  }

  private emit(kind: number, row: unknown[]): void {
    this.out.push(row);
    this.outKinds.push(kind);
  }

  private flush(): void | Promise<void> {
    if (this.out.length === 0) return;
    const rows = this.out;
    const kinds = this.outKinds;
    this.out = [];
    this.outKinds = [];
    return this.output.emit(
      kinds.every((k) => k === RowKind.INSERT) ? { rows } : { rows, kinds: Uint8Array.from(kinds) },
    );
  }

  async processWatermark(watermark: number): Promise<void> {
    await this.timers.advanceWatermark(watermark);
    await this.flush();
    await this.output.emitWatermark(watermark);
  }

  close(): void {
    this.timers?.close();
  }
}

/** The version with the largest rowtime not after `time` (versions sorted by rowtime). */
function latestAtOrBefore(
  versions: readonly (readonly [number, Kept])[],
  time: number,
): readonly [number, Kept] | undefined {
  let found: readonly [number, Kept] | undefined;
  for (const v of versions) {
    if (v[0] > time) break;
    found = v;
  }
  return found;
}
