import type { RankSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, ValueState } from '../../api/state.js';
import { deepEquals } from '../calc/compare.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { lowerBound, type RowComparator, rowComparator, upperBound } from './sort.js';

const ROWS = 'rank.rows';

/**
 * Flink's Top-N with ROW_NUMBER (AppendOnlyTopNFunction and RetractableTopNFunction in one):
 * per partition key, a ValueState holds the partition's rows sorted by the ORDER BY keys, ties
 * in arrival order (a new row goes after the rows it ties with, as in Flink's TopNBuffer).
 *
 * - Over an insert-only input only the first rankEnd rows are kept: a row that sorts after them
 *   can never enter the range, and is dropped without touching state.
 * - Over a changelog every row is kept; -U/-D removes the first equal row of its sort key, so
 *   the rows behind it move up. A retraction of a row not in state (expired) is ignored.
 *
 * After each row the ranks rankStart..rankEnd before and after are compared. With the rank
 * number in the output, each rank whose row changed is one change: -U old/+U new (only +U
 * without generateUpdateBefore), +I when the rank was empty, -D when it empties. Without it,
 * rows that left the range are -D and rows that entered it +I — the changelog Flink emits.
 *
 * The stored list is replaced, never changed in place, as copy-on-write snapshots require.
 */
export class RankOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private rows!: ValueState<unknown[][]>;
  private readonly compare: RowComparator;

  constructor(private readonly spec: RankSpec) {
    this.compare = rowComparator(spec.orderKeys);
  }

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'Rank');
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    this.rows = this.backend.getValueState(ROWS, ttlMs > 0 ? { ttlMs } : undefined);
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { rows, kinds } = batch;
    const { partitionKeys, rankEnd, inputInsertOnly } = this.spec;
    const out: unknown[][] = [];
    const outKinds: number[] = [];
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const kind = kinds ? kinds[r] : RowKind.INSERT;
      const key: unknown[] = [];
      for (const k of partitionKeys) key.push(row[k]);
      this.backend.setCurrentKey(key);
      const before = this.rows.value() ?? [];
      let after: unknown[][];
      if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) {
        const at = upperBound(before, row, this.compare);
        if (inputInsertOnly && at >= rankEnd) continue;
        after = before.slice();
        after.splice(at, 0, row.slice());
        if (inputInsertOnly && after.length > rankEnd) after.length = rankEnd;
      } else {
        let at = lowerBound(before, row, this.compare);
        while (at < before.length && !deepEquals(before[at], row) && this.compare(before[at], row) === 0)
          at++;
        if (at >= before.length || !deepEquals(before[at], row)) continue;
        after = before.slice();
        after.splice(at, 1);
      }
      if (after.length > 0) this.rows.update(after);
      else this.rows.clear();
      this.diff(before, after, out, outKinds);
    }
    return out.length > 0 ? this.output.emit({ rows: out, kinds: Uint8Array.from(outKinds) }) : undefined;
  }

  /** The changes of ranks rankStart..rankEnd from `before` to `after`. */
  private diff(
    before: readonly unknown[][],
    after: readonly unknown[][],
    out: unknown[][],
    kinds: number[],
  ): void {
    const start = this.spec.rankStart - 1;
    const end = this.spec.rankEnd;
    if (this.spec.outputRankNumber) {
      for (let i = start; i < end; i++) {
        const old = before[i];
        const now = after[i];
        if (old === now) continue;
        if (old && now) {
          if (this.spec.generateUpdateBefore) {
            out.push([...old, i + 1]);
            kinds.push(RowKind.UPDATE_BEFORE);
          }
          out.push([...now, i + 1]);
          kinds.push(RowKind.UPDATE_AFTER);
        } else if (now) {
          out.push([...now, i + 1]);
          kinds.push(RowKind.INSERT);
        } else if (old) {
          out.push([...old, i + 1]);
          kinds.push(RowKind.DELETE);
        }
      }
      return;
    }
    const was = new Set(before.slice(start, end));
    const is = new Set(after.slice(start, end));
    for (const old of was)
      if (!is.has(old)) {
        out.push(old.slice());
        kinds.push(RowKind.DELETE);
      }
    for (const now of is)
      if (!was.has(now)) {
        out.push(now.slice());
        kinds.push(RowKind.INSERT);
      }
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
