import type { ChangelogNormalizeSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, ValueState } from '../../api/state.js';
import { deepEquals } from '../calc/compare.js';
import { keyedStateOf } from '../keyed-state-of.js';

const LAST_ROW = 'changelog-normalize.row';

/**
 * Flink's ChangelogNormalize (ProcTimeDeduplicateKeepLastRowFunction over a changelog, mini-batch
 * off): the last row per key in keyed state, so the upserts and deletes-by-key of an upsert source
 * become a complete changelog:
 *
 * - +I/+U of a new key: +I. Of a known key: -U with the kept row (when the consumer needs it) and
 *   +U — or nothing when the row equals the kept one and no state TTL is set (with TTL Flink
 *   re-emits, so that downstream state's TTL is refreshed).
 * - -D (or -U) of a known key: -D with the kept row (the tombstone only carried the key); of an
 *   unknown key: nothing.
 */
export class ChangelogNormalizeOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private lastRow!: ValueState<unknown[]>;
  private ttlEnabled = false;

  constructor(private readonly spec: ChangelogNormalizeSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx, 'ChangelogNormalize');
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    this.ttlEnabled = ttlMs > 0;
    this.lastRow = this.backend.getValueState(LAST_ROW, this.ttlEnabled ? { ttlMs } : undefined);
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { rows, kinds } = batch;
    const { keys, generateUpdateBefore } = this.spec;
    const out: unknown[][] = [];
    const outKinds: number[] = [];
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const kind = kinds ? kinds[r] : RowKind.INSERT;
      const key: unknown[] = [];
      for (const k of keys) key.push(row[k]);
      this.backend.setCurrentKey(key);
      const previous = this.lastRow.value();
      if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) {
        if (previous !== undefined) {
          if (!this.ttlEnabled && deepEquals(previous, row)) continue;
          if (generateUpdateBefore) {
            out.push(previous.slice());
            outKinds.push(RowKind.UPDATE_BEFORE);
          }
        }
        const copy = row.slice();
        this.lastRow.update(copy);
        out.push(copy.slice());
        outKinds.push(previous === undefined ? RowKind.INSERT : RowKind.UPDATE_AFTER);
        continue;
      }
      if (previous === undefined) continue;
      this.lastRow.clear();
      out.push(previous.slice());
      outKinds.push(RowKind.DELETE);
    }
    return out.length > 0 ? this.output.emit({ rows: out, kinds: Uint8Array.from(outKinds) }) : undefined;
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
