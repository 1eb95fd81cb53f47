import type {
  GlobalGroupAggregateSpec,
  GroupAggregateSpec,
  MiniBatchSpec,
} from '../../../common/jobgraph.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext } from '../../api/operator.js';
import type { KeyedStateBackend, ValueState } from '../../api/state.js';
import { keyString } from '../../state/key-string.js';
import { type AggsHandle, GroupChangelog } from './aggs-handle.js';
import { type Bundle, bundleEntry, MiniBatchOperator } from './mini-batch.js';
import { groupKey, openGroupState, storeGroup } from './operator.js';

/**
 * The end of a batch for one group, shared by the one-phase and the global mini-batch aggregate:
 * the folded accumulator is written once and one change is emitted for the whole batch.
 */
abstract class KeyedGroupBundle<B> extends MiniBatchOperator {
  protected backend!: KeyedStateBackend;
  accState!: ValueState<unknown[]>;
  handle!: AggsHandle;
  changes!: GroupChangelog;
  private before: unknown[] = [];
  private after: unknown[] = [];
  /** What the batch holds per group. */
  protected bundle: Bundle<B> = new Map();

  constructor(
    miniBatch: MiniBatchSpec,
    private readonly stateSpec: Pick<GroupAggregateSpec, 'aggCalls' | 'inputType' | 'generateUpdateBefore'>,
    private readonly retracting: boolean,
  ) {
    super(miniBatch);
  }

  protected openOperator(ctx: OperatorContext): void {
    const state = openGroupState(ctx, this.stateSpec, this.retracting);
    this.backend = state.backend;
    this.accState = state.accState;
    this.handle = state.handle;
    this.changes = new GroupChangelog(this.stateSpec.generateUpdateBefore, state.ttl !== undefined);
    this.before = this.stateSpec.aggCalls.map(() => null);
    this.after = this.stateSpec.aggCalls.map(() => null);
  }

  /** Folds what the batch holds for the current key into `acc`; false when nothing is to be done. */
  protected abstract fold(acc: unknown[], value: B, fresh: boolean): boolean;

  protected finishBundle(): RecordBatch | undefined {
    const { handle, accState, changes, before, after } = this;
    for (const { key, value } of this.bundle.values()) {
      this.backend.setCurrentKey(key);
      const stored = accState.value();
      const acc = stored === undefined ? handle.newAccumulator() : stored.slice();
      if (stored !== undefined) handle.values(stored, before);
      if (this.fold(acc, value, stored === undefined)) storeGroup(this, key, stored, acc, before, after);
    }
    this.bundle = new Map();
    return changes.take();
  }
}

/**
 * A GroupAggregate with mini-batch on (Flink's MiniBatchGroupAggFunction): rows are buffered per
 * key, and when the batch ends each group's accumulator is read once, every buffered row folded
 * in, written once, and one change emitted — so a hot key costs one state access and at most one
 * -U/+U per batch instead of per row. Retractions that come first for a group without state are
 * dropped, as in Flink.
 */
export class MiniBatchGroupAggregateOperator extends KeyedGroupBundle<{
  rows: unknown[][];
  kinds: number[];
}> {
  constructor(private readonly spec: GroupAggregateSpec & { miniBatch: MiniBatchSpec }) {
    super(spec.miniBatch, spec, !spec.inputInsertOnly);
  }

  protected addToBundle(batch: RecordBatch): void {
    const { rows, kinds } = batch;
    for (let r = 0; r < rows.length; r++) {
      const buffered = bundleEntry(this.bundle, groupKey(rows[r], this.spec.grouping), () => ({
        rows: [] as unknown[][],
        kinds: [] as number[],
      }));
      buffered.rows.push(rows[r]);
      buffered.kinds.push(kinds ? kinds[r] : RowKind.INSERT);
    }
  }

  protected fold(acc: unknown[], value: { rows: unknown[][]; kinds: number[] }, fresh: boolean): boolean {
    const { rows, kinds } = value;
    let r = 0;
    // No accumulator is created for a retraction (a first message, or state cleaned up by TTL).
    if (fresh)
      while (r < rows.length && (kinds[r] === RowKind.UPDATE_BEFORE || kinds[r] === RowKind.DELETE)) r++;
    if (r === rows.length) return false;
    for (; r < rows.length; r++) this.handle.add(acc, rows[r], kinds[r]);
    return true;
  }
}

/**
 * The global half of a two-phase aggregation (Flink's MiniBatchGlobalGroupAggFunction): the
 * partial accumulators that arrive for a key in a batch are merged on the heap, then merged once
 * into the group's accumulator in keyed state, and one change is emitted.
 */
export class GlobalGroupAggregateOperator extends KeyedGroupBundle<unknown[]> {
  constructor(private readonly spec: GlobalGroupAggregateSpec) {
    super(
      spec.miniBatch,
      {
        aggCalls: spec.aggCalls,
        inputType: spec.localInputType,
        generateUpdateBefore: spec.generateUpdateBefore,
      },
      !spec.inputInsertOnly,
    );
  }

  protected addToBundle(batch: RecordBatch): void {
    const keyCount = this.spec.keyCount;
    for (const row of batch.rows) {
      const key = row.slice(0, keyCount);
      const id = keyString(key);
      const entry = this.bundle.get(id);
      if (entry) this.handle.merge(entry.value, row.slice(keyCount));
      else this.bundle.set(id, { key, value: row.slice(keyCount) });
    }
  }

  protected fold(acc: unknown[], partial: unknown[], fresh: boolean): boolean {
    // Only retractions for a group that has no state: nothing to retract them from.
    if (fresh && (partial[0] as number) <= 0) return false;
    this.handle.merge(acc, partial);
    return true;
  }
}
