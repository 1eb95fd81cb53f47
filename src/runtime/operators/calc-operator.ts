import type { CalcSpec } from '../../common/jobgraph.js';
import { LOCAL_TIME_ZONE } from '../../common/options.js';
import type { RecordBatch } from '../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../api/operator.js';
import { compileCalc, compilePredicate, compileProjection } from './calc/index.js';

/**
 * Projection and filter, compiled to JavaScript once when the operator opens. Insert-only
 * batches go through one generated loop; changelog batches keep each row's kind.
 */
export class CalcOperator implements StreamOperator {
  private output!: Output;
  private processInserts!: (rows: unknown[][], out: unknown[][]) => void;
  private project!: (row: readonly unknown[]) => unknown[];
  private keep?: (row: readonly unknown[]) => boolean;

  constructor(private readonly spec: CalcSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    const zone = ctx.config.get(LOCAL_TIME_ZONE);
    const options = zone && zone !== 'default' ? { timeZone: zone } : {};
    this.processInserts = compileCalc(this.spec.projection, this.spec.condition, options);
    this.project = compileProjection(this.spec.projection, options);
    this.keep = this.spec.condition ? compilePredicate(this.spec.condition, options) : undefined;
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    if (!batch.kinds) {
      const out: unknown[][] = [];
      this.processInserts(batch.rows, out);
      return out.length > 0 ? this.output.emit({ rows: out }) : undefined;
    }
    const rows: unknown[][] = [];
    const kinds: number[] = [];
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i];
      if (this.keep && !this.keep(row)) continue;
      rows.push(this.project(row));
      kinds.push(batch.kinds[i]);
    }
    return rows.length > 0 ? this.output.emit({ rows, kinds: Uint8Array.from(kinds) }) : undefined;
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
