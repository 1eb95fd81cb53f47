import type { AggregateCallSpec } from '../../../common/jobgraph.js';
import { RowKind, type RowType } from '../../../common/types.js';
import type { KeyedStateBackend, StateTtl } from '../../api/state.js';
import type { Accumulator } from './accumulators.js';
import { createAccumulators } from './shared-distinct.js';

/**
 * The aggregate calls of one group aggregation as one unit (Flink's AggsHandleFunction): the
 * accumulator row is [row count, each call's slots …]. Every group-aggregate operator — one-phase,
 * mini-batch, local and global — keeps its groups in this layout, so a local aggregate's partial
 * row can be merged slot by slot into a global one.
 */
export class AggsHandle {
  readonly accumulators: readonly Accumulator[];
  /** Slots of the accumulator row, the row count included. */
  readonly width: number;

  constructor(
    calls: readonly AggregateCallSpec[],
    inputType: RowType,
    options: { backend?: KeyedStateBackend; ttl?: StateTtl; retracting: boolean },
  ) {
    const inputTypes = inputType.fields.map((f) => f.type);
    const backend = options.backend ?? NO_STATE;
    this.accumulators = createAccumulators(calls, inputTypes, (i) => ({
      backend,
      ttl: options.ttl,
      retracting: options.retracting,
      stateName: `group-aggregate.${i}`,
    }));
    this.width = this.accumulators.reduce((w, a) => w + a.width, 1);
  }

  newAccumulator(): unknown[] {
    // Filled in order so the array is packed, not holey: reads of its slots stay on the fast path.
    const acc: unknown[] = [0];
    for (let i = 1; i < this.width; i++) acc.push(null);
    for (const a of this.accumulators) a.init(acc);
    return acc;
  }

  /** Folds one input row in: +I/+U accumulate, -U/-D retract. */
  add(acc: unknown[], row: readonly unknown[], kind: number): void {
    const accumulators = this.accumulators;
    if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) {
      acc[0] = (acc[0] as number) + 1;
      for (let i = 0; i < accumulators.length; i++) accumulators[i].accumulate(acc, row);
    } else {
      acc[0] = (acc[0] as number) - 1;
      for (let i = 0; i < accumulators.length; i++) accumulators[i].retract(acc, row);
    }
  }

  /** Merges a partial accumulator row of the same layout into `acc`. */
  merge(acc: unknown[], other: readonly unknown[]): void {
    acc[0] = (acc[0] as number) + (other[0] as number);
    for (const a of this.accumulators) a.merge!(acc, other);
  }

  /** Each call's current value into `into`. */
  values(acc: unknown[], into: unknown[]): void {
    const accumulators = this.accumulators;
    for (let i = 0; i < accumulators.length; i++) into[i] = accumulators[i].value(acc);
  }

  /** Clears the per-call keyed state of the current key. */
  clear(): void {
    for (const a of this.accumulators) a.clear();
  }
}

/** Local aggregates keep no keyed state; only calls without a merge would ask for it. */
const NO_STATE: KeyedStateBackend = new Proxy({} as KeyedStateBackend, {
  get() {
    throw new Error('this aggregate call keeps keyed state and cannot be computed in two phases');
  },
});

/**
 * The changelog of a group aggregation as Flink's GroupAggFunction emits it: +I for a group's
 * first result, -U old / +U new when it changed (only +U without generateUpdateBefore), nothing
 * when it did not (unless `emitUnchanged`, with a state TTL), -D when the group is gone.
 */
export class GroupChangelog {
  rows: unknown[][] = [];
  kinds: number[] = [];

  constructor(
    private readonly generateUpdateBefore: boolean,
    private readonly emitUnchanged: boolean,
  ) {}

  /** The output row: the grouping key, then each call's value. */
  private static row(key: readonly unknown[], values: readonly unknown[]): unknown[] {
    const row: unknown[] = [];
    for (let k = 0; k < key.length; k++) row.push(key[k]);
    for (let i = 0; i < values.length; i++) row.push(values[i]);
    return row;
  }

  inserted(key: readonly unknown[], after: readonly unknown[]): void {
    this.rows.push(GroupChangelog.row(key, after));
    this.kinds.push(RowKind.INSERT);
  }

  updated(key: readonly unknown[], before: readonly unknown[], after: readonly unknown[]): void {
    let changed = this.emitUnchanged;
    for (let i = 0; i < after.length && !changed; i++) changed = before[i] !== after[i];
    if (!changed) return;
    if (this.generateUpdateBefore) {
      this.rows.push(GroupChangelog.row(key, before));
      this.kinds.push(RowKind.UPDATE_BEFORE);
    }
    this.rows.push(GroupChangelog.row(key, after));
    this.kinds.push(RowKind.UPDATE_AFTER);
  }

  deleted(key: readonly unknown[], before: readonly unknown[]): void {
    this.rows.push(GroupChangelog.row(key, before));
    this.kinds.push(RowKind.DELETE);
  }

  /** What was collected as one batch (undefined when nothing), and a fresh start. */
  take(): { rows: unknown[][]; kinds: Uint8Array } | undefined {
    if (this.rows.length === 0) return undefined;
    const batch = { rows: this.rows, kinds: Uint8Array.from(this.kinds) };
    this.rows = [];
    this.kinds = [];
    return batch;
  }
}
