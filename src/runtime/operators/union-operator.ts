import type { RecordBatch } from '../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../api/operator.js';

/**
 * UNION ALL: rows and changes of every input pass through as they come. The vertex has one input
 * edge per union input; its input gate merges their channels and forwards the minimum watermark.
 */
export class UnionOperator implements StreamOperator {
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
