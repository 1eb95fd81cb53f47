import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';

/**
 * Flink's MiniBatchAssigner, which in Flink ends batches by emitting processing-time watermarks.
 * weir's mini-batch operators each keep their own latency timer (see MiniBatchOperator), so here
 * the vertex only marks, in the job graph as in EXPLAIN, where the interval applies: rows and
 * watermarks pass through unchanged, and it is chained to its input.
 */
export class MiniBatchAssignerOperator implements StreamOperator {
  private output!: Output;

  open(_ctx: OperatorContext, output: Output): void {
    this.output = output;
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    return this.output.emit(batch);
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
