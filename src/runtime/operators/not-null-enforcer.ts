import { WeirError } from '../../common/errors.js';
import { SINK_NOT_NULL_ENFORCER } from '../../common/options.js';
import type { RecordBatch } from '../api/batch.js';
import type { OperatorContext, OperatorStateSnapshot, Output, StreamOperator } from '../api/operator.js';

/**
 * Flink's ConstraintEnforcer (NotNullEnforcer) in front of a sink writer: a row with NULL in a NOT NULL
 * column fails the job ('table.exec.sink.not-null-enforcer' = ERROR, Flink's message) or is dropped
 * (DROP) before the writer sees it, so nothing already written or committed is touched.
 */
export class NotNullEnforcer implements StreamOperator {
  private drop = false;
  private dropped = 0;
  private ctx!: OperatorContext;

  constructor(
    private readonly writer: StreamOperator,
    private readonly columns: readonly { readonly index: number; readonly name: string }[],
  ) {}

  initializeState(restored: OperatorStateSnapshot | undefined) {
    return this.writer.initializeState?.(restored);
  }

  open(ctx: OperatorContext, output: Output) {
    this.ctx = ctx;
    this.drop = ctx.config.require(SINK_NOT_NULL_ENFORCER) === 'DROP';
    return this.writer.open(ctx, output);
  }

  processBatch(batch: RecordBatch, inputIndex?: number) {
    const violates = (row: readonly unknown[]) => this.columns.some((c) => row[c.index] === null);
    if (!batch.rows.some(violates)) return this.writer.processBatch(batch, inputIndex);
    if (!this.drop) {
      const row = batch.rows.find(violates)!;
      const column = this.columns.find((c) => row[c.index] === null)!;
      throw new WeirError(
        'SINK_NOT_NULL_VIOLATION',
        `Column '${column.name}' is NOT NULL, however, a null value is being written into it. You can set job configuration 'table.exec.sink.not-null-enforcer'='DROP' to suppress this exception and drop such records silently.`,
        { kind: 'user' },
      );
    }
    const kept: unknown[][] = [];
    const kinds: number[] = [];
    batch.rows.forEach((row, i) => {
      if (violates(row)) return;
      kept.push(row);
      if (batch.kinds) kinds.push(batch.kinds[i]);
    });
    if (this.dropped === 0) {
      this.ctx.log.warn(
        `Dropping rows with NULL in NOT NULL columns (${this.columns.map((c) => c.name).join(', ')}) of ${this.ctx.operatorName} ('table.exec.sink.not-null-enforcer' = 'DROP')`,
      );
    }
    this.dropped += batch.rows.length - kept.length;
    if (kept.length === 0) return;
    const filtered = batch.kinds ? { rows: kept, kinds: Uint8Array.from(kinds) } : { rows: kept };
    return this.writer.processBatch(filtered, inputIndex);
  }

  processWatermark(watermark: number) {
    return this.writer.processWatermark?.(watermark);
  }

  prepareSnapshotPreBarrier(checkpointId: number) {
    return this.writer.prepareSnapshotPreBarrier?.(checkpointId);
  }

  snapshotState(checkpointId: number) {
    return this.writer.snapshotState?.(checkpointId) ?? {};
  }

  notifyCheckpointComplete(checkpointId: number) {
    return this.writer.notifyCheckpointComplete?.(checkpointId);
  }

  notifyCheckpointAborted(checkpointId: number) {
    return this.writer.notifyCheckpointAborted?.(checkpointId);
  }

  endInput() {
    return this.writer.endInput?.();
  }

  close() {
    return this.writer.close?.();
  }
}
