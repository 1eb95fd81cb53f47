import type { WindowJoinSpec } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, MapState } from '../../api/state.js';
import { keyString } from '../../state/key-string.js';
import { KeyedTimerService } from '../../time/timer-service.js';
import type { Predicate } from '../calc/index.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { compileJoinCondition, JoinKeySelector } from './join-key.js';

/** Per join key: window end → the rows of that side in that window, in arrival order. */
const LEFT_ROWS = 'window-join.left';
const RIGHT_ROWS = 'window-join.right';

/**
 * Flink's WindowJoinOperator. Both inputs carry their window in the row (window_end); rows wait in
 * keyed state by join key and window end, and a timer at the window's last millisecond joins the
 * window's left rows with its right rows once, then clears them — nothing is emitted before the
 * window ends, so the output is insert-only. A row whose window has already fired (the watermark is
 * at or past its end - 1) is late: dropped and counted (numLateRecordsDropped), as in Flink.
 *
 * INNER emits the matching pairs; LEFT/RIGHT/FULL also the rows of their outer side(s) that matched
 * nothing, padded with NULLs; SEMI the left rows with a match, ANTI those without. A NULL join key
 * matches nothing (SQL's `=`), and rows of one end but different starts (sessions of other
 * partitions) do not meet. Lists are replaced, never changed in place, as copy-on-write snapshots
 * require.
 */
export class WindowJoinOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private timers!: KeyedTimerService;
  private leftRows!: MapState<number, readonly (readonly unknown[])[]>;
  private rightRows!: MapState<number, readonly (readonly unknown[])[]>;
  private condition?: Predicate;
  private readonly leftKey: JoinKeySelector;
  private readonly rightKey: JoinKeySelector;
  private readonly leftNulls: readonly null[];
  private readonly rightNulls: readonly null[];
  private out: unknown[][] = [];
  numLateRecordsDropped = 0;

  constructor(private readonly spec: WindowJoinSpec) {
    this.leftKey = new JoinKeySelector(spec.leftKeys, spec.filterNulls);
    this.rightKey = new JoinKeySelector(spec.rightKeys, spec.filterNulls);
    this.leftNulls = spec.leftType.fields.map(() => null);
    this.rightNulls = spec.rightType.fields.map(() => null);
  }

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'WindowJoin');
    this.leftRows = this.backend.getMapState(LEFT_ROWS);
    this.rightRows = this.backend.getMapState(RIGHT_ROWS);
    // Built after the keyed state is restored: it re-reads the timers from it.
    this.timers = new KeyedTimerService(this.backend, ctx.processingTimeService, (_domain, ts) =>
      this.fire(ts + 1),
    );
    this.condition = compileJoinCondition(this.spec.nonEquiCondition, ctx.config);
  }

  processBatch(batch: RecordBatch, inputIndex = 0): void {
    const isLeft = inputIndex === 0;
    const keys = isLeft ? this.leftKey : this.rightKey;
    const endIndex = isLeft ? this.spec.leftWindowEndIndex : this.spec.rightWindowEndIndex;
    const state = isLeft ? this.leftRows : this.rightRows;
    const watermark = this.timers.watermark;
    // A batch's rows of one key and window are added to its list at once: the list is replaced,
    // never changed in place, so adding row by row would copy it for every row (quadratic in a
    // window's rows, which a join without keys has all of: Nexmark q5).
    const groups = new Map<string, { key: unknown[]; end: number; rows: unknown[][] }>();
    for (const row of batch.rows) {
      const end = row[endIndex] as number;
      if (end - 1 <= watermark) {
        this.numLateRecordsDropped++;
        continue;
      }
      const key = keys.select(row);
      const id = `${end}|${keyString(key)}`;
      const group = groups.get(id);
      if (group) group.rows.push(row.slice());
      else groups.set(id, { key, end, rows: [row.slice()] });
    }
    for (const { key, end, rows } of groups.values()) {
      this.backend.setCurrentKey(key);
      const stored = state.get(end);
      state.put(end, stored ? [...stored, ...rows] : rows);
      this.timers.registerEventTimeTimer(end - 1);
    }
  }

  /** The current key's window ending at `end` fires: its rows joined, its state cleared. */
  private fire(end: number): void {
    const left = this.leftRows.get(end) ?? [];
    const right = this.rightRows.get(end) ?? [];
    this.leftRows.remove(end);
    this.rightRows.remove(end);
    // Rows of one key share the key: a NULL in it (where `=` compares) matches nothing.
    const leftMatchable = left.length > 0 && !this.hasNullKey(this.leftKey, left[0]);
    const rightMatchable = right.length > 0 && !this.hasNullKey(this.rightKey, right[0]);
    const canMatch = leftMatchable && rightMatchable;
    const { joinType } = this.spec;
    const rightMatched = new Array<boolean>(right.length).fill(false);
    for (const l of left) {
      let matched = false;
      if (canMatch) {
        const start = l[this.spec.leftWindowStartIndex];
        for (let j = 0; j < right.length; j++) {
          if (right[j][this.spec.rightWindowStartIndex] !== start) continue;
          const joined = [...l, ...right[j]];
          if (this.condition && !this.condition(joined)) continue;
          matched = true;
          rightMatched[j] = true;
          if (joinType === 'SEMI' || joinType === 'ANTI') break;
          this.out.push(joined);
        }
      }
      if (joinType === 'SEMI' && matched) this.out.push(l.slice());
      else if (joinType === 'ANTI' && !matched) this.out.push(l.slice());
      else if ((joinType === 'LEFT' || joinType === 'FULL') && !matched)
        this.out.push([...l, ...this.rightNulls]);
    }
    if (joinType === 'RIGHT' || joinType === 'FULL')
      right.forEach((r, j) => {
        if (!rightMatched[j]) this.out.push([...this.leftNulls, ...r]);
      });
  }

  private hasNullKey(selector: JoinKeySelector, row: readonly unknown[]): boolean {
    selector.select(row);
    return selector.lastHasNull;
  }

  async processWatermark(watermark: number): Promise<void> {
    await this.timers.advanceWatermark(watermark);
    if (this.out.length > 0) {
      const rows = this.out;
      this.out = [];
      await this.output.emit({ rows });
    }
    await this.output.emitWatermark(watermark);
  }

  close(): void {
    this.timers?.close();
  }
}
