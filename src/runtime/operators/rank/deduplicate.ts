import type { DeduplicateSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, ValueState } from '../../api/state.js';
import { keyedStateOf } from '../keyed-state-of.js';

const KEPT = 'deduplicate.row';

/**
 * Flink's deduplication (ProcTimeDeduplicateKeepFirstRowFunction, …KeepLastRowFunction and
 * RowTimeDeduplicateFunction, mini-batch off) over an insert-only input, one ValueState per key:
 *
 * - processing time, first row: the first row of a key is emitted (+I), later ones dropped; only
 *   a flag is kept.
 * - processing time, last row: every row replaces the kept one: +I for the first, then -U old
 *   (when the consumer needs it) and +U new.
 * - event time: a row replaces the kept one when its rowtime is larger or equal (last row) or
 *   strictly smaller (first row); rows are not buffered until the watermark, as in Flink.
 */
export class DeduplicateOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private kept!: ValueState<unknown[] | true>;

  constructor(private readonly spec: DeduplicateSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'Deduplicate');
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    this.kept = this.backend.getValueState(KEPT, ttlMs > 0 ? { ttlMs } : undefined);
  }

  /** Whether `row` replaces `previous` (undefined: the key's first row). */
  private replaces(previous: unknown[] | undefined, row: readonly unknown[]): boolean {
    if (previous === undefined) return true;
    const at = this.spec.rowtimeIndex;
    if (at === undefined) return this.spec.keepLastRow;
    const before = previous[at] as number;
    const now = row[at] as number;
    return this.spec.keepLastRow ? before <= now : now < before;
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { rows, kinds } = batch;
    const { keys, keepLastRow, rowtimeIndex, generateUpdateBefore } = this.spec;
    const firstRowOnProctime = !keepLastRow && rowtimeIndex === undefined;
    const out: unknown[][] = [];
    const outKinds: number[] = [];
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (kinds && kinds[r] !== RowKind.INSERT)
        throw new Error(
          'Deduplicate received an update or delete; the planner only deduplicates insert-only inputs',
        );
      const key: unknown[] = [];
      for (const k of keys) key.push(row[k]);
      this.backend.setCurrentKey(key);
      const stored = this.kept.value();
      if (firstRowOnProctime) {
        if (stored !== undefined) continue;
        this.kept.update(true);
        out.push(row.slice());
        outKinds.push(RowKind.INSERT);
        continue;
      }
      const previous = stored === true ? undefined : stored;
      if (!this.replaces(previous, row)) continue;
      const copy = row.slice();
      this.kept.update(copy);
      if (previous === undefined) {
        out.push(copy.slice());
        outKinds.push(RowKind.INSERT);
        continue;
      }
      if (generateUpdateBefore) {
        out.push(previous.slice());
        outKinds.push(RowKind.UPDATE_BEFORE);
      }
      out.push(copy.slice());
      outKinds.push(RowKind.UPDATE_AFTER);
    }
    return out.length > 0 ? this.output.emit({ rows: out, kinds: Uint8Array.from(outKinds) }) : undefined;
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
