import type { SinkUpsertMaterializerSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { Logger, OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, ValueState } from '../../api/state.js';
import { deepEquals } from '../calc/compare.js';
import { keyedStateOf } from '../keyed-state-of.js';

const ROWS = 'sink-upsert-materializer.rows';

/**
 * Flink's SinkUpsertMaterializer: keyed by the sink's primary key, it keeps, in arrival order,
 * every row currently added for the key by its input (whose own upsert key differs), and turns
 * the input's retract changelog into the upsert changelog the sink applies by key:
 *
 * - +I/+U: the row is appended; emitted as +I when it is the key's only row, else as +U.
 * - -U/-D: the last equal row is removed. If it was the newest, the key's row becomes the one
 *   before it (+U), or the key is gone (-D); if an older row was removed, the sink already holds
 *   the right row and nothing is emitted.
 *
 * Without it, an upsert sink would apply a late -U of a key's old row as a delete of the key.
 */
export class SinkUpsertMaterializerOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private rows!: ValueState<unknown[][]>;
  private log!: Logger;
  private warned = false;

  constructor(private readonly spec: SinkUpsertMaterializerSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.backend = keyedStateOf(ctx);
    this.log = ctx.log;
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    this.rows = this.backend.getValueState(ROWS, ttlMs > 0 ? { ttlMs } : undefined);
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { rows, kinds } = batch;
    const keys = this.spec.keys;
    const out: unknown[][] = [];
    const outKinds: number[] = [];
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const kind = kinds ? kinds[r] : RowKind.INSERT;
      const key: unknown[] = [];
      for (const k of keys) key.push(row[k]);
      this.backend.setCurrentKey(key);
      const held = this.rows.value() ?? [];
      if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) {
        // A new array each time: stored values are never changed in place (copy-on-write snapshots).
        this.rows.update([...held, row]);
        out.push(row);
        outKinds.push(held.length === 0 ? RowKind.INSERT : RowKind.UPDATE_AFTER);
        continue;
      }
      let i = held.length - 1;
      while (i >= 0 && !deepEquals(held[i], row)) i--;
      if (i < 0) {
        this.notFound();
        continue;
      }
      const remaining = held.filter((_, j) => j !== i);
      if (remaining.length === 0) {
        this.rows.clear();
        out.push(row);
        outKinds.push(RowKind.DELETE);
      } else {
        this.rows.update(remaining);
        if (i === held.length - 1) {
          out.push(remaining[remaining.length - 1]);
          outKinds.push(RowKind.UPDATE_AFTER);
        }
      }
    }
    return out.length > 0 ? this.output.emit({ rows: out, kinds: Uint8Array.from(outKinds) }) : undefined;
  }

  /** A retraction of a row not held: its state expired (TTL), as Flink's materializer logs. */
  private notFound(): void {
    if (this.warned) return;
    this.warned = true;
    this.log.warn(
      'SinkUpsertMaterializer: a retraction of a row it does not hold was ignored; the state was probably cleared by table.exec.state.ttl',
    );
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
