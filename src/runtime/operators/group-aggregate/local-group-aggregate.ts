import type { LocalGroupAggregateSpec } from '../../../common/jobgraph.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import { AggsHandle } from './aggs-handle.js';
import { type Bundle, bundleEntry, MiniBatchOperator } from './mini-batch.js';
import { groupKey } from './operator.js';

/**
 * The local half of a two-phase aggregation (Flink's MiniBatchLocalGroupAggFunction): per batch,
 * one accumulator per key on the heap (no state, nothing to checkpoint: the batch always ends
 * before a barrier); when the batch ends, each key's partial accumulator goes out as one +I row —
 * the key, then the accumulator slots — for the GlobalGroupAggregate behind the hash exchange.
 * A skewed key thus crosses the network once per batch and subtask instead of once per row.
 */
export class LocalGroupAggregateOperator extends MiniBatchOperator {
  private handle!: AggsHandle;
  private bundle: Bundle<unknown[]> = new Map();

  constructor(private readonly spec: LocalGroupAggregateSpec) {
    super(spec.miniBatch);
  }

  protected openOperator(): void {
    this.handle = new AggsHandle(this.spec.aggCalls, this.spec.inputType, {
      retracting: !this.spec.inputInsertOnly,
    });
  }

  protected addToBundle(batch: RecordBatch): void {
    const { rows, kinds } = batch;
    for (let r = 0; r < rows.length; r++) {
      const acc = bundleEntry(this.bundle, groupKey(rows[r], this.spec.grouping), () =>
        this.handle.newAccumulator(),
      );
      this.handle.add(acc, rows[r], kinds ? kinds[r] : RowKind.INSERT);
    }
  }

  protected finishBundle(): RecordBatch | undefined {
    const rows: unknown[][] = [];
    for (const { key, value } of this.bundle.values()) rows.push([...key, ...value]);
    this.bundle = new Map();
    return { rows };
  }
}
