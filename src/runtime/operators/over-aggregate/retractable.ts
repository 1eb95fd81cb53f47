import type { OverAggregateSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, StateTtl, ValueState } from '../../api/state.js';
import { deepEquals } from '../calc/compare.js';
import type { Accumulator } from '../group-aggregate/accumulators.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { lowerBound, type RowComparator, rowComparator, upperBound } from '../rank/sort.js';
import { overAccumulators } from './operator.js';

/**
 * An OVER window with a ROWS frame over an updating input, or ordered by something other than one
 * ascending time attribute — which Flink refuses (Nexmark q6: the average of a seller's last ten
 * winning bids, over a Top-1 that keeps replacing winners).
 *
 * Per partition key the rows are kept sorted by the ORDER BY keys ('over.sorted'; ties in arrival
 * order). Every output row is an input row with the aggregates over its frame — the N rows before
 * it (or all, for UNBOUNDED PRECEDING) and itself. An insert comes out as +I, and each later row
 * whose frame now includes it, if its aggregates changed, as -U/+U; a retraction (-U or -D) comes
 * out as -D of its row, followed by the updates of the rows after it. Frames are folded afresh with
 * the group aggregate's accumulators: ROWS N costs O(N²) per change, UNBOUNDED O(rows²).
 */
export class RetractableOverAggregateOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private sorted!: ValueState<unknown[][]>;
  private accumulators: Accumulator[] = [];
  private width = 0;
  private readonly compare: RowComparator;

  constructor(private readonly spec: OverAggregateSpec) {
    if (!spec.retractable) throw new Error('RetractableOverAggregate needs the retractable spec');
    if (spec.unit !== 'ROWS') throw new Error('RetractableOverAggregate runs ROWS frames only');
    this.compare = rowComparator(spec.retractable.orderKeys);
  }

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'OverAggregate');
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    const ttl: StateTtl | undefined = ttlMs > 0 ? { ttlMs } : undefined;
    this.sorted = this.backend.getValueState('over.sorted', ttl);
    ({ accumulators: this.accumulators, width: this.width } = overAccumulators(this.spec, this.backend, ttl));
  }

  /** The aggregates over the frame of the row at `index`. */
  private aggregate(rows: readonly unknown[][], index: number): unknown[] {
    const acc: unknown[] = new Array(this.width).fill(null);
    for (const a of this.accumulators) a.init(acc);
    const from = this.spec.preceding === undefined ? 0 : Math.max(0, index - this.spec.preceding);
    for (let i = from; i <= index; i++) for (const a of this.accumulators) a.accumulate(acc, rows[i]);
    return this.accumulators.map((a) => a.value(acc));
  }

  /** Old indexes `from`..: the rows after a change whose frame reaches back to it. */
  private lastAffected(rows: readonly unknown[][], from: number): number {
    const { preceding } = this.spec;
    return preceding === undefined ? rows.length - 1 : Math.min(rows.length - 1, from + preceding - 1);
  }

  private insert(rows: unknown[][], row: unknown[], out: unknown[][], kinds: number[]): void {
    const at = upperBound(rows, row, this.compare);
    const last = this.lastAffected(rows, at);
    const before: unknown[][] = [];
    for (let i = at; i <= last; i++) before.push(this.aggregate(rows, i));
    rows.splice(at, 0, row);
    out.push([...row, ...this.aggregate(rows, at)]);
    kinds.push(RowKind.INSERT);
    for (let i = at; i <= last; i++) this.update(rows, i + 1, before[i - at], out, kinds);
  }

  private retract(rows: unknown[][], row: unknown[], out: unknown[][], kinds: number[]): void {
    let at = lowerBound(rows, row, this.compare);
    while (at < rows.length && this.compare(rows[at], row) === 0 && !deepEquals(rows[at], row)) at++;
    // A retraction of a row never inserted (state expired by TTL): nothing to take back.
    if (at >= rows.length || !deepEquals(rows[at], row)) return;
    const last = this.lastAffected(rows, at + 1);
    const removed = [...rows[at], ...this.aggregate(rows, at)];
    const before: unknown[][] = [];
    for (let i = at + 1; i <= last; i++) before.push(this.aggregate(rows, i));
    rows.splice(at, 1);
    out.push(removed);
    kinds.push(RowKind.DELETE);
    for (let i = at + 1; i <= last; i++) this.update(rows, i - 1, before[i - at - 1], out, kinds);
  }

  /** -U/+U for the row now at `index` when its aggregates changed from `before`. */
  private update(
    rows: readonly unknown[][],
    index: number,
    before: unknown[],
    out: unknown[][],
    kinds: number[],
  ) {
    const after = this.aggregate(rows, index);
    if (deepEquals(before, after)) return;
    out.push([...rows[index], ...before], [...rows[index], ...after]);
    kinds.push(RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER);
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { rows: input, kinds: inputKinds } = batch;
    const out: unknown[][] = [];
    const kinds: number[] = [];
    for (let r = 0; r < input.length; r++) {
      const row = input[r];
      const kind = inputKinds ? inputKinds[r] : RowKind.INSERT;
      this.backend.setCurrentKey(this.spec.partitionKeys.map((k) => row[k]));
      // A copy, never the stored array: copy-on-write snapshots may still hold it.
      const rows = this.sorted.value()?.slice() ?? [];
      if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER)
        this.insert(rows, row.slice(), out, kinds);
      else this.retract(rows, row, out, kinds);
      if (rows.length > 0) this.sorted.update(rows);
      else this.sorted.clear();
    }
    return out.length > 0 ? this.output.emit({ rows: out, kinds: Uint8Array.from(kinds) }) : undefined;
  }

  processWatermark(watermark: number): Promise<void> | void {
    return this.output.emitWatermark(watermark);
  }
}
