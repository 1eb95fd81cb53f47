import type { JoinSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, MapState, StateTtl } from '../../api/state.js';
import { keyString } from '../../state/key-string.js';
import type { Predicate } from '../calc/index.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { compileJoinCondition, JoinKeySelector } from './join-key.js';

/**
 * A distinct left row in state: the row, how many times it is there, and how many right rows
 * (counted with multiplicity) it currently matches (Flink's numOfAssociations). Stored values are
 * replaced, never changed in place, as the heap backend's copy-on-write snapshots require.
 */
type LeftRow = readonly [row: readonly unknown[], count: number, associations: number];
/** A distinct right row in state and how many times it is there. */
type RightRow = readonly [row: readonly unknown[], count: number];

const LEFT_STATE = 'semi-anti-join.left-records';
const RIGHT_STATE = 'semi-anti-join.right-records';

/**
 * Flink's StreamingSemiAntiJoinOperator: `WHERE [NOT] EXISTS / [NOT] IN (SELECT …)` over two
 * changelog streams. The output is the left row only. A semi join lets a left row through while
 * it has at least one matching right row, an anti join while it has none; both sides are kept in
 * keyed state under the join key, each left row with the number of right rows it matches, so:
 *
 * - a left row is forwarded with its own kind (+I/+U, or -U/-D for a retraction) when it is visible;
 * - a right row that gives a left row its first match emits that row +I (semi) or -D (anti);
 *   a retracted right row that takes its last match emits -D (semi) or +I (anti).
 *
 * A left row with a NULL key matches nothing (an anti join lets it through). With
 * `table.exec.state.ttl`, rows not written for that long are forgotten.
 */
export class SemiAntiJoinOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private leftState!: MapState<string, LeftRow>;
  private rightState!: MapState<string, RightRow>;
  private condition?: Predicate;
  private readonly leftKey: JoinKeySelector;
  private readonly rightKey: JoinKeySelector;
  private readonly anti: boolean;
  private outRows: (readonly unknown[])[] = [];
  private outKinds: number[] = [];

  constructor(private readonly spec: JoinSpec) {
    this.leftKey = new JoinKeySelector(spec.leftKeys, spec.filterNulls);
    this.rightKey = new JoinKeySelector(spec.rightKeys, spec.filterNulls);
    if (spec.joinType !== 'SEMI' && spec.joinType !== 'ANTI')
      throw new Error(`SemiAntiJoinOperator runs a SEMI or ANTI join, not ${spec.joinType}`);
    this.anti = spec.joinType === 'ANTI';
  }

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'Join');
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    const ttl: StateTtl | undefined = ttlMs > 0 ? { ttlMs } : undefined;
    this.leftState = this.backend.getMapState(LEFT_STATE, ttl);
    this.rightState = this.backend.getMapState(RIGHT_STATE, ttl);
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
      if (isLeft) this.processLeft(row, kind, nullKey);
      else this.processRight(row, kind, nullKey);
    }
    if (this.outRows.length === 0) return;
    const out = { rows: this.outRows as unknown[][], kinds: Uint8Array.from(this.outKinds) };
    this.outRows = [];
    this.outKinds = [];
    return this.output.emit(out);
  }

  private processLeft(row: readonly unknown[], kind: RowKind, nullKey: boolean): void {
    const accumulate = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
    const id = keyString(row as unknown[]);
    const stored = this.leftState.get(id);
    if (accumulate) {
      // Rows equal to a stored one have the same matches: count them once.
      const associations = stored ? stored[2] : nullKey ? 0 : this.countMatches(row);
      this.leftState.put(id, [stored ? stored[0] : row, (stored ? stored[1] : 0) + 1, associations]);
      if (this.visible(associations)) this.emit(row, kind, 1);
      return;
    }
    // A retraction of a row we never saw (state expired by TTL) still goes through if visible now.
    const associations = stored ? stored[2] : nullKey ? 0 : this.countMatches(row);
    if (stored) {
      if (stored[1] > 1) this.leftState.put(id, [stored[0], stored[1] - 1, stored[2]]);
      else this.leftState.remove(id);
    }
    if (this.visible(associations)) this.emit(row, kind, 1);
  }

  private processRight(row: readonly unknown[], kind: RowKind, nullKey: boolean): void {
    // A right row with a NULL key matches no left row: it need not be kept.
    if (nullKey) return;
    const accumulate = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
    const id = keyString(row as unknown[]);
    const stored = this.rightState.get(id);
    if (accumulate) {
      this.rightState.put(id, [stored ? stored[0] : row, (stored ? stored[1] : 0) + 1]);
    } else if (stored) {
      if (stored[1] > 1) this.rightState.put(id, [stored[0], stored[1] - 1]);
      else this.rightState.remove(id);
    } else return; // a retraction of nothing we hold changes no association
    for (const [leftId, left] of this.leftState.entries()) {
      if (!this.matches(left[0], row)) continue;
      const [leftRow, count, associations] = left;
      if (accumulate) {
        this.leftState.put(leftId, [leftRow, count, associations + 1]);
        // Its first match: a semi join now lets it through, an anti join withdraws it.
        if (associations === 0) this.emit(leftRow, this.anti ? RowKind.DELETE : RowKind.INSERT, count);
      } else {
        this.leftState.put(leftId, [leftRow, count, Math.max(0, associations - 1)]);
        // Its last match is gone: a semi join withdraws it, an anti join lets it through again.
        if (associations === 1) this.emit(leftRow, this.anti ? RowKind.INSERT : RowKind.DELETE, count);
      }
    }
  }

  private visible(associations: number): boolean {
    return this.anti ? associations === 0 : associations > 0;
  }

  private matches(left: readonly unknown[], right: readonly unknown[]): boolean {
    return !this.condition || this.condition([...left, ...right]);
  }

  /** How many right rows under the current key (with multiplicity) match `row`. */
  private countMatches(row: readonly unknown[]): number {
    let n = 0;
    for (const [, [right, count]] of this.rightState.entries()) if (this.matches(row, right)) n += count;
    return n;
  }

  private emit(row: readonly unknown[], kind: RowKind, times: number): void {
    for (let i = 0; i < times; i++) {
      this.outRows.push([...row]);
      this.outKinds.push(kind);
    }
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
