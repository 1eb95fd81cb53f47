import type { LocalGroupAggregateSpec } from '../../../common/jobgraph.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import { keyString } from '../../state/heap-keyed-state.js';
import { AggsHandle } from './aggs-handle.js';
import { MiniBatchOperator } from './mini-batch.js';
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
  private bundle = new Map<string, { key: readonly unknown[]; acc: unknown[] }>();

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
      const key = groupKey(rows[r], this.spec.grouping);
      const id = keyString(key);
      let entry = this.bundle.get(id);
      if (!entry) {
        entry = { key, acc: this.handle.newAccumulator() };
        this.bundle.set(id, entry);
      }
      this.handle.add(entry.acc, rows[r], kinds ? kinds[r] : RowKind.INSERT);
    }
  }

  protected finishBundle(): RecordBatch | undefined {
    const rows: unknown[][] = [];
    for (const { key, acc } of this.bundle.values()) rows.push([...key, ...acc]);
    this.bundle = new Map();
    return { rows };
  }
}
