import type { CorrelateSpec } from '../../../common/jobgraph.js';
import { LOCAL_TIME_ZONE } from '../../../common/options.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import { compileProjection, type Projection } from '../calc/index.js';

/**
 * Flink's Correlate for UNNEST: each input row once per element of its collection, the element's
 * columns appended, with the input row's kind (so a retracted row retracts every row it made).
 * A MULTISET is an array of its elements or a Map from element to count; a MAP a Map whose
 * entries are its key and value. Stateless.
 */
export class CorrelateOperator implements StreamOperator {
  private output!: Output;
  private collection!: Projection;
  private readonly width: number;
  private readonly padding: readonly null[];

  constructor(private readonly spec: CorrelateSpec) {
    this.width = spec.collectionKind === 'MAP' ? 2 : (spec.rowFields ?? 1);
    this.padding = new Array(this.width).fill(null);
  }

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    const zone = ctx.config.get(LOCAL_TIME_ZONE);
    this.collection = compileProjection(
      [this.spec.collection],
      zone && zone !== 'default' ? { timeZone: zone } : {},
    );
  }

  /** The columns each element of `value` makes. */
  private elements(value: unknown): (readonly unknown[])[] {
    if (value === null || value === undefined) return [];
    const { collectionKind, rowFields } = this.spec;
    if (collectionKind === 'MAP') return [...(value as Map<unknown, unknown>).entries()];
    const items: unknown[] = [];
    if (value instanceof Map) {
      for (const [element, count] of value as Map<unknown, number>)
        for (let i = 0; i < Number(count); i++) items.push(element);
    } else items.push(...(value as unknown[]));
    if (rowFields === undefined) return items.map((e) => [e ?? null]);
    return items.map((e) => (e === null || e === undefined ? this.padding : (e as unknown[])));
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const rows: unknown[][] = [];
    const kinds: number[] = [];
    const left = this.spec.joinType === 'LEFT';
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i];
      const kind = batch.kinds ? batch.kinds[i] : 0;
      const elements = this.elements(this.collection(row)[0]);
      for (const columns of elements) {
        rows.push([...row, ...columns]);
        kinds.push(kind);
      }
      if (elements.length === 0 && left) {
        rows.push([...row, ...this.padding]);
        kinds.push(kind);
      }
    }
    if (rows.length === 0) return;
    return this.output.emit(batch.kinds ? { rows, kinds: Uint8Array.from(kinds) } : { rows });
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
