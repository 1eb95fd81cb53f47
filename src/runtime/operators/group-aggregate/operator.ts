import type { GroupAggregateSpec } from '../../../common/jobgraph.js';
import { STATE_TTL } from '../../../common/options.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, StateTtl, ValueState } from '../../api/state.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { AggsHandle, GroupChangelog } from './aggs-handle.js';

export const NO_KEY: readonly unknown[] = [];
export const ACCUMULATORS = 'group-aggregate.accumulators';

/** The grouping key of a row: its grouping fields, or no fields for a global aggregation. */
export function groupKey(row: readonly unknown[], grouping: readonly number[]): readonly unknown[] {
  if (grouping.length === 0) return NO_KEY;
  const key: unknown[] = [];
  for (let k = 0; k < grouping.length; k++) key.push(row[grouping[k]]);
  return key;
}

/** The keyed state a group aggregation keeps: its accumulator rows, and its calls' own state. */
export function openGroupState(
  ctx: OperatorContext,
  spec: { aggCalls: GroupAggregateSpec['aggCalls']; inputType: GroupAggregateSpec['inputType'] },
  retracting: boolean,
): { backend: KeyedStateBackend; accState: ValueState<unknown[]>; handle: AggsHandle; ttl?: StateTtl } {
  const backend = keyedStateOf(ctx);
  const ttlMs = ctx.config.get(STATE_TTL) ?? 0;
  const ttl = ttlMs > 0 ? { ttlMs } : undefined;
  const accState = backend.getValueState<unknown[]>(ACCUMULATORS, ttl);
  const handle = new AggsHandle(spec.aggCalls, spec.inputType, { backend, ttl, retracting });
  return { backend, accState, handle, ttl };
}

/**
 * The end of an update of one group (the backend's current key), for every keyed group aggregate:
 * with rows left, the new accumulator is stored and its change recorded — +I when there was no
 * `stored` one, else -U/+U (`before` holds the stored values); with none left, the group's state
 * is cleared and, if it had a result, -D recorded.
 */
export function storeGroup(
  state: { accState: ValueState<unknown[]>; handle: AggsHandle; changes: GroupChangelog },
  key: readonly unknown[],
  stored: unknown[] | undefined,
  acc: unknown[],
  before: readonly unknown[],
  after: unknown[],
): void {
  if ((acc[0] as number) > 0) {
    state.accState.update(acc);
    state.handle.values(acc, after);
    if (stored === undefined) state.changes.inserted(key, after);
    else state.changes.updated(key, before, after);
  } else {
    if (stored !== undefined) state.changes.deleted(key, before);
    state.accState.clear();
    state.handle.clear();
  }
}

/**
 * Flink's GroupAggFunction (non-windowed GROUP BY, mini-batch off): per input row, the group's
 * accumulators are updated in keyed state and the change of its result is emitted — +I for the
 * group's first result, -U old / +U new when it changed (only +U without generateUpdateBefore),
 * nothing when it did not, -D when the group's last row was retracted. A retraction for a group
 * without state (expired by TTL) is dropped, as in Flink.
 *
 * The accumulator row is replaced (not changed in place) on every row, as the heap backend's
 * copy-on-write snapshots require of values.
 */
export class GroupAggregateOperator implements StreamOperator {
  private output!: Output;
  private backend!: KeyedStateBackend;
  accState!: ValueState<unknown[]>;
  handle!: AggsHandle;
  changes!: GroupChangelog;
  private before: unknown[] = [];
  private after: unknown[] = [];

  constructor(private readonly spec: GroupAggregateSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    const state = openGroupState(ctx, this.spec, !this.spec.inputInsertOnly);
    this.backend = state.backend;
    this.accState = state.accState;
    this.handle = state.handle;
    // With a TTL, Flink emits unchanged results too, so downstream state is refreshed as well.
    this.changes = new GroupChangelog(this.spec.generateUpdateBefore, state.ttl !== undefined);
    this.before = this.spec.aggCalls.map(() => null);
    this.after = this.spec.aggCalls.map(() => null);
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { rows, kinds } = batch;
    const grouping = this.spec.grouping;
    const handle = this.handle;
    const backend = this.backend;
    const accState = this.accState;
    const changes = this.changes;
    // Values before and after a row, reused across rows: rows are only built to be emitted.
    const before = this.before;
    const after = this.after;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const kind = kinds ? kinds[r] : RowKind.INSERT;
      const key = groupKey(row, grouping);
      backend.setCurrentKey(key);
      const stored = accState.value();
      let acc: unknown[];
      if (stored === undefined) {
        if (kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE) continue;
        acc = handle.newAccumulator();
      } else {
        handle.values(stored, before);
        // A copy, never the stored array: an asynchronous snapshot may still need the old one,
        // and the backend saves it on update (copy on write), which it cannot do after the fact.
        acc = stored.slice();
      }
      handle.add(acc, row, kind);
      storeGroup(this, key, stored, acc, before, after);
    }
    const out = changes.take();
    return out ? this.output.emit(out) : undefined;
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }
}
