import type { WindowTableFunctionSpec } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import { assignWindows, maxTimestamp } from './assigners.js';

/**
 * Flink's WindowTableFunction: a window TVF whose output is not aggregated by window. Each row is
 * emitted once per window it belongs to (once for TUMBLE, size / slide times for HOP, once per
 * growing window for CUMULATE) with window_start, window_end and window_time (end - 1) appended.
 * Stateless, as in Flink: no row is dropped for being late; a row whose rowtime is NULL is dropped
 * and counted (Flink's numNullRowTimeRecordsDropped). Changelog rows keep their kind.
 */
export class WindowTableFunctionOperator implements StreamOperator {
  private output!: Output;
  private ctx!: OperatorContext;
  numNullRowTimeRecordsDropped = 0;

  constructor(private readonly spec: WindowTableFunctionSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    this.ctx = ctx;
    this.output = output;
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { timeIndex, window } = this.spec;
    const eventTime = this.spec.timeDomain === 'event-time';
    const rows: unknown[][] = [];
    const kinds: number[] = [];
    for (let r = 0; r < batch.rows.length; r++) {
      const row = batch.rows[r];
      let timestamp: number;
      if (eventTime) {
        const t = row[timeIndex];
        if (t === null || t === undefined) {
          this.numNullRowTimeRecordsDropped++;
          continue;
        }
        timestamp = t as number;
      } else timestamp = this.ctx.processingTimeService.now();
      for (const w of assignWindows(window, timestamp)) {
        rows.push([...row, w.start, w.end, maxTimestamp(w)]);
        kinds.push(batch.kinds ? batch.kinds[r] : 0);
      }
    }
    if (rows.length === 0) return;
    return this.output.emit(batch.kinds ? { rows, kinds: Uint8Array.from(kinds) } : { rows });
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
