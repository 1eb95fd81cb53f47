import type { JoinSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, ListState, MapState, StateTtl } from '../../api/state.js';
import { keyString } from '../../state/key-string.js';
import type { Predicate } from '../calc/index.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { compileJoinCondition, JoinKeySelector } from './join-key.js';

/**
 * One distinct row of a side in join state: the row, how many times it is there, and for an
 * outer side how many rows of the other side it currently matches (Flink's numOfAssociations:
 * while it is 0, the row is out NULL-padded). Stored values are replaced, never changed in place,
 * as the heap backend's copy-on-write snapshots require.
 */
type StoredRow = readonly [row: readonly unknown[], count: number, associations: number];

/** A row of the other side that matched the current input row. */
interface Match {
  readonly id: string;
  readonly stored: StoredRow;
}

const LEFT_STATE = 'join.left-records';
const RIGHT_STATE = 'join.right-records';
const LEFT_ROWS = 'join.left-rows';
const RIGHT_ROWS = 'join.right-rows';

/**
 * Flink's StreamingJoinOperator: a regular join of two changelog streams. Each side's rows are
 * kept in keyed state under their join key; a row that arrives is stored (or, for a retraction,
 * removed) and joined with the rows of the other side under the same key that also satisfy the
 * non-equi condition. Row kinds follow Flink:
 *
 * - an inner join forwards the input's kind (+I/+U for an accumulating row, -U/-D for a retracting one);
 * - an outer join emits only +I and -D: a row of an outer side with no match goes out padded with
 *   NULLs (+I[row, null]); when its first match arrives that padded row is retracted
 *   (-D[row, null]) before the joined rows; when its last match goes, the padded row comes back.
 *
 * A join key with a NULL (for `=` keys) never matches anything: such a row is still stored and,
 * on an outer side, still emitted padded. With `table.exec.state.ttl`, rows not written for that
 * long are forgotten (Flink's per-key state TTL).
 */
export class StreamingJoinOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private leftState!: MapState<string, StoredRow>;
  private rightState!: MapState<string, StoredRow>;
  /** Sides kept as plain lists: insert-only inputs of an inner join (see JoinSpec). */
  private leftRows?: ListState<readonly unknown[]>;
  private rightRows?: ListState<readonly unknown[]>;
  private condition?: Predicate;
  private readonly leftKey: JoinKeySelector;
  private readonly rightKey: JoinKeySelector;
  private readonly leftOuter: boolean;
  private readonly rightOuter: boolean;
  private readonly leftNulls: readonly null[];
  private readonly rightNulls: readonly null[];
  private outRows: unknown[][] = [];
  private outKinds: number[] = [];

  constructor(private readonly spec: JoinSpec) {
    this.leftKey = new JoinKeySelector(spec.leftKeys, spec.filterNulls);
    this.rightKey = new JoinKeySelector(spec.rightKeys, spec.filterNulls);
    this.leftOuter = spec.joinType === 'LEFT' || spec.joinType === 'FULL';
    this.rightOuter = spec.joinType === 'RIGHT' || spec.joinType === 'FULL';
    this.leftNulls = spec.leftType.fields.map(() => null);
    this.rightNulls = spec.rightType.fields.map(() => null);
  }

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'Join');
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    const ttl: StateTtl | undefined = ttlMs > 0 ? { ttlMs } : undefined;
    this.leftState = this.backend.getMapState(LEFT_STATE, ttl);
    this.rightState = this.backend.getMapState(RIGHT_STATE, ttl);
    if (this.spec.joinType === 'INNER') {
      if (this.spec.leftInputInsertOnly) this.leftRows = this.backend.getListState(LEFT_ROWS, ttl);
      if (this.spec.rightInputInsertOnly) this.rightRows = this.backend.getListState(RIGHT_ROWS, ttl);
    }
    this.condition = compileJoinCondition(this.spec.nonEquiCondition, ctx.config);
  }

  processBatch(batch: RecordBatch, inputIndex = 0): void | Promise<void> {
    const isLeft = inputIndex === 0;
    const keys = isLeft ? this.leftKey : this.rightKey;
    const { rows, kinds } = batch;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const kind = (kinds ? kinds[r] : RowKind.INSERT) as RowKind;
      const key = keys.select(row);
      const nullKey = keys.lastHasNull;
      this.backend.setCurrentKey(key);
      this.processRecord(row, kind, isLeft, nullKey);
    }
    if (this.outRows.length === 0) return;
    const out = { rows: this.outRows, kinds: Uint8Array.from(this.outKinds) };
    this.outRows = [];
    this.outKinds = [];
    return this.output.emit(out);
  }

  private processRecord(row: readonly unknown[], kind: RowKind, isLeft: boolean, nullKey: boolean): void {
    const accumulate = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
    const inputOuter = isLeft ? this.leftOuter : this.rightOuter;
    const otherOuter = isLeft ? this.rightOuter : this.leftOuter;
    const inputState = isLeft ? this.leftState : this.rightState;
    const otherState = isLeft ? this.rightState : this.leftState;
    const otherRows = isLeft ? this.rightRows : this.leftRows;
    const matches = nullKey
      ? []
      : otherRows
        ? this.listMatches(row, isLeft, otherRows)
        : this.matches(row, isLeft, otherState);
    const inputRows = isLeft ? this.leftRows : this.rightRows;
    if (inputRows) {
      // An insert-only side of an inner join: only ever accumulates, never counted or retracted.
      for (const m of matches) this.emitJoined(row, m.stored[0], isLeft, kind, m.stored[1]);
      inputRows.add(row);
      return;
    }
    const id = keyString(row as unknown[]);

    if (accumulate) {
      let associations = 0;
      for (const m of matches) {
        const [other, count, otherAssociations] = m.stored;
        associations += count;
        if (otherOuter) {
          // The other row had no match until now: its NULL-padded result is withdrawn.
          if (otherAssociations === 0) this.emitPadded(other, !isLeft, RowKind.DELETE, count);
          otherState.put(m.id, [other, count, otherAssociations + 1]);
        }
        // An inner join forwards the input's kind; an outer join speaks only +I and -D.
        const outKind = inputOuter || otherOuter ? RowKind.INSERT : kind;
        this.emitJoined(row, other, isLeft, outKind, count);
      }
      if (inputOuter && matches.length === 0) this.emitPadded(row, isLeft, RowKind.INSERT, 1);
      const stored = inputState.get(id);
      inputState.put(id, [stored ? stored[0] : row, (stored ? stored[1] : 0) + 1, associations]);
      return;
    }

    const stored = inputState.get(id);
    if (stored) {
      if (stored[1] > 1) inputState.put(id, [stored[0], stored[1] - 1, stored[2]]);
      else inputState.remove(id);
    }
    if (matches.length === 0) {
      if (inputOuter) this.emitPadded(row, isLeft, RowKind.DELETE, 1);
      return;
    }
    for (const m of matches) {
      const [other, count, otherAssociations] = m.stored;
      const outKind = inputOuter || otherOuter ? RowKind.DELETE : kind;
      this.emitJoined(row, other, isLeft, outKind, count);
      if (otherOuter) {
        // Its last match is gone: the other row goes out NULL-padded again.
        if (otherAssociations === 1) this.emitPadded(other, !isLeft, RowKind.INSERT, count);
        otherState.put(m.id, [other, count, Math.max(0, otherAssociations - 1)]);
      }
    }
  }

  /** The other side's rows under the current key that satisfy the non-equi condition with `row`. */
  private matches(
    row: readonly unknown[],
    isLeft: boolean,
    otherState: MapState<string, StoredRow>,
  ): Match[] {
    const result: Match[] = [];
    const condition = this.condition;
    for (const [id, stored] of otherState.entries()) {
      if (condition) {
        const joined = isLeft ? [...row, ...stored[0]] : [...stored[0], ...row];
        if (!condition(joined)) continue;
      }
      result.push({ id, stored });
    }
    return result;
  }

  private listMatches(
    row: readonly unknown[],
    isLeft: boolean,
    otherRows: ListState<readonly unknown[]>,
  ): Match[] {
    const result: Match[] = [];
    const condition = this.condition;
    for (const other of otherRows.get()) {
      if (condition && !condition(isLeft ? [...row, ...other] : [...other, ...row])) continue;
      result.push({ id: '', stored: [other, 1, 0] });
    }
    return result;
  }

  private emitJoined(
    row: readonly unknown[],
    other: readonly unknown[],
    isLeft: boolean,
    kind: RowKind,
    times: number,
  ): void {
    for (let i = 0; i < times; i++) {
      this.outRows.push(isLeft ? [...row, ...other] : [...other, ...row]);
      this.outKinds.push(kind);
    }
  }

  /** `row` of the left (or right) side with the other side's fields NULL. */
  private emitPadded(row: readonly unknown[], isLeft: boolean, kind: RowKind, times: number): void {
    for (let i = 0; i < times; i++) {
      this.outRows.push(isLeft ? [...row, ...this.rightNulls] : [...this.leftNulls, ...row]);
      this.outKinds.push(kind);
    }
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
