import type { RecordBatch } from '../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../api/operator.js';

/** An operator whose rows, changes and watermarks pass through as they come. */
export class ForwardOperator implements StreamOperator {
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
