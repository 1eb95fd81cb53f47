import type { GroupAggregateSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, StateTtl, ValueState } from '../../api/state.js';
import { type Accumulator, createAccumulator } from './accumulators.js';

const NO_KEY: readonly unknown[] = [];
const ACCUMULATORS = 'group-aggregate.accumulators';

/**
 * Flink's GroupAggFunction (non-windowed GROUP BY, mini-batch off): per input row, the group's
 * accumulators are updated in keyed state and the change of its result is emitted — +I for the
 * group's first result, -U old / +U new when it changed (only +U without generateUpdateBefore),
 * nothing when it did not, -D when the group's last row was retracted. A retraction for a group
 * without state (expired by TTL) is dropped, as in Flink.
 *
 * The accumulator row is [row count, each call's slots …], replaced (not changed in place) on
 * every row, as the heap backend's copy-on-write snapshots require of values.
 */
export class GroupAggregateOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  private accState!: ValueState<unknown[]>;
  private accumulators: Accumulator[] = [];
  private width = 1;
  private before: unknown[] = [];
  private after: unknown[] = [];
  /** With a TTL, Flink emits unchanged results too, so downstream state is refreshed as well. */
  private ttl?: StateTtl;

  constructor(private readonly spec: GroupAggregateSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    if (!ctx.keyedStateBackend)
      throw new Error(`GroupAggregate '${ctx.operatorName}' runs without a keyed state backend`);
    this.output = output;
    this.backend = ctx.keyedStateBackend;
    const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
    this.ttl = ttlMs > 0 ? { ttlMs } : undefined;
    this.accState = this.backend.getValueState(ACCUMULATORS, this.ttl);
    const inputTypes = this.spec.inputType.fields.map((f) => f.type);
    let at = 1;
    this.accumulators = this.spec.aggCalls.map((call, i) => {
      const acc = createAccumulator(call, at, inputTypes, {
        backend: this.backend,
        ttl: this.ttl,
        retracting: !this.spec.inputInsertOnly,
        stateName: `group-aggregate.${i}`,
      });
      at += acc.width;
      return acc;
    });
    this.width = at;
    this.before = this.accumulators.map(() => null);
    this.after = this.accumulators.map(() => null);
  }

  private newAccumulator(): unknown[] {
    // Filled in order so the array is packed, not holey: reads of its slots stay on the fast path.
    const acc: unknown[] = [0];
    for (let i = 1; i < this.width; i++) acc.push(null);
    for (const a of this.accumulators) a.init(acc);
    return acc;
  }

  /** Each call's current value into `into`. */
  private values(acc: unknown[], into: unknown[]): void {
    const accumulators = this.accumulators;
    for (let i = 0; i < accumulators.length; i++) into[i] = accumulators[i].value(acc);
  }

  /** The output row: the grouping key, then each call's value. */
  private static row(key: readonly unknown[], values: readonly unknown[]): unknown[] {
    const row: unknown[] = [];
    for (let k = 0; k < key.length; k++) row.push(key[k]);
    for (let i = 0; i < values.length; i++) row.push(values[i]);
    return row;
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { rows, kinds } = batch;
    const grouping = this.spec.grouping;
    const keyLength = grouping.length;
    const accumulators = this.accumulators;
    const n = accumulators.length;
    const backend = this.backend;
    const accState = this.accState;
    // Values before and after a row, reused across rows: rows are only built to be emitted.
    const before = this.before;
    const after = this.after;
    const out: unknown[][] = [];
    const outKinds: number[] = [];
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const kind = kinds ? kinds[r] : RowKind.INSERT;
      const isAccumulate = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
      let key = NO_KEY;
      if (keyLength > 0) {
        const k0: unknown[] = [];
        for (let k = 0; k < keyLength; k++) k0.push(row[grouping[k]]);
        key = k0;
      }
      backend.setCurrentKey(key);
      const stored = accState.value();
      const first = stored === undefined;
      let acc: unknown[];
      if (stored === undefined) {
        if (!isAccumulate) continue;
        acc = this.newAccumulator();
      } else {
        this.values(stored, before);
        // A copy, never the stored array: an asynchronous snapshot may still need the old one,
        // and the backend saves it on update (copy on write), which it cannot do after the fact.
        acc = stored.slice();
      }
      if (isAccumulate) {
        acc[0] = (acc[0] as number) + 1;
        for (let i = 0; i < n; i++) accumulators[i].accumulate(acc, row);
      } else {
        acc[0] = (acc[0] as number) - 1;
        for (let i = 0; i < n; i++) accumulators[i].retract(acc, row);
      }
      if ((acc[0] as number) > 0) {
        accState.update(acc);
        this.values(acc, after);
        if (first) {
          out.push(GroupAggregateOperator.row(key, after));
          outKinds.push(RowKind.INSERT);
          continue;
        }
        let changed = this.ttl !== undefined;
        for (let i = 0; i < n && !changed; i++) changed = before[i] !== after[i];
        if (!changed) continue;
        if (this.spec.generateUpdateBefore) {
          out.push(GroupAggregateOperator.row(key, before));
          outKinds.push(RowKind.UPDATE_BEFORE);
        }
        out.push(GroupAggregateOperator.row(key, after));
        outKinds.push(RowKind.UPDATE_AFTER);
      } else {
        if (!first) {
          out.push(GroupAggregateOperator.row(key, before));
          outKinds.push(RowKind.DELETE);
        }
        accState.clear();
        for (let i = 0; i < n; i++) accumulators[i].clear();
      }
    }
    return out.length > 0 ? this.output.emit({ rows: out, kinds: Uint8Array.from(outKinds) }) : undefined;
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
