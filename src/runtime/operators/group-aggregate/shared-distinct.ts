import type { AggregateCallSpec } from '../../../common/jobgraph.js';
import type { LogicalType } from '../../../common/types.js';
import type { MapState } from '../../api/state.js';
import { type Accumulator, type AccumulatorContext, createAccumulator } from './accumulators.js';

/**
 * The accumulators of a group aggregation's calls, where DISTINCT calls over the same argument
 * share one map of seen values, as Flink's DistinctInfo does: `COUNT(DISTINCT bidder)`,
 * `COUNT(DISTINCT bidder) FILTER (WHERE …)` and `SUM(DISTINCT bidder)` keep one MapState from
 * each value to a count per call, read and written once per row instead of once per call.
 * Nexmark q15 and q16 have four such calls per argument.
 *
 * The shared map is driven by the group's first call: its accumulate/retract updates the whole
 * group and every member's inner accumulator, and the other members' accumulate/retract do
 * nothing. That keeps one accumulator per call (values and slots stay where the operators look
 * for them) and relies only on every call being given every row, which the aggregate handles do.
 */
export function createAccumulators(
  calls: readonly AggregateCallSpec[],
  inputTypes: readonly LogicalType[],
  contextOf: (index: number) => AccumulatorContext,
): Accumulator[] {
  const sharing = new Map<number, number[]>();
  calls.forEach((call, i) => {
    if (!call.distinct || call.args.length === 0) return;
    const arg = call.args[0];
    sharing.set(arg, [...(sharing.get(arg) ?? []), i]);
  });
  const accumulators: Accumulator[] = [];
  const groupOf = new Map<number, SharedDistinctGroup>();
  let at = 1;
  calls.forEach((call, i) => {
    const members = sharing.get(call.args[0]);
    if (!call.distinct || !members || members.length < 2) {
      const acc = createAccumulator(call, at, inputTypes, contextOf(i));
      accumulators.push(acc);
      at += acc.width;
      return;
    }
    let group = groupOf.get(call.args[0]);
    if (!group) {
      group = new SharedDistinctGroup(call.args[0], contextOf(i));
      groupOf.set(call.args[0], group);
    }
    // The inner call aggregates each distinct value once; filter and distinctness are the group's.
    const inner = createAccumulator(
      { ...call, distinct: false, filterArg: undefined },
      at,
      inputTypes,
      contextOf(i),
    );
    accumulators.push(group.member(inner, call.filterArg));
    at += inner.width;
  });
  return accumulators;
}

interface Member {
  readonly inner: Accumulator;
  readonly filterArg: number | undefined;
}

class SharedDistinctGroup {
  private readonly members: Member[] = [];
  /**
   * Value → how many rows each member has seen it in (a new array on every change: snapshots
   * copy maps one level deep). Over an insert-only input nothing is retracted, so a bit per
   * member saying it has seen the value is enough, and no array is allocated per row.
   */
  private readonly seen: MapState<unknown, readonly number[]>;
  private readonly seenBits: MapState<unknown, number>;
  private readonly retracting: boolean;

  constructor(
    private readonly arg: number,
    ctx: AccumulatorContext,
  ) {
    this.retracting = ctx.retracting;
    this.seen = ctx.backend.getMapState(`${ctx.stateName}.distinct-shared`, ctx.ttl);
    this.seenBits = ctx.backend.getMapState(`${ctx.stateName}.distinct-shared-bits`, ctx.ttl);
  }

  member(inner: Accumulator, filterArg: number | undefined): Accumulator {
    const index = this.members.length;
    this.members.push({ inner, filterArg });
    const drives = index === 0;
    if (index >= 30) throw new Error('more than 30 DISTINCT calls over one argument');
    return {
      width: inner.width,
      init: (acc) => inner.init(acc),
      accumulate: drives ? (acc, row) => this.accumulate(acc, row) : noop,
      retract: drives ? (acc, row) => this.retract(acc, row) : noop,
      value: (acc) => inner.value(acc),
      clear: () => {
        if (drives) this.retracting ? this.seen.clear() : this.seenBits.clear();
        inner.clear();
      },
    };
  }

  private accumulate(acc: unknown[], row: readonly unknown[]): void {
    const v = row[this.arg];
    if (v == null) return;
    if (!this.retracting) {
      const before = this.seenBits.get(v) ?? 0;
      let after = before;
      for (let j = 0; j < this.members.length; j++) {
        const { inner, filterArg } = this.members[j];
        if ((after & (1 << j)) !== 0 || (filterArg !== undefined && row[filterArg] !== true)) continue;
        after |= 1 << j;
        inner.accumulate(acc, row);
      }
      if (after !== before) this.seenBits.put(v, after);
      return;
    }
    const before = this.seen.get(v);
    let after: number[] | undefined;
    for (let j = 0; j < this.members.length; j++) {
      const { inner, filterArg } = this.members[j];
      if (filterArg !== undefined && row[filterArg] !== true) continue;
      after ??= before ? before.slice() : new Array<number>(this.members.length).fill(0);
      if (after[j]++ === 0) inner.accumulate(acc, row);
    }
    if (after) this.seen.put(v, after);
  }

  private retract(acc: unknown[], row: readonly unknown[]): void {
    const v = row[this.arg];
    if (v == null) return;
    const before = this.seen.get(v);
    if (!before) return;
    let after: number[] | undefined;
    for (let j = 0; j < this.members.length; j++) {
      const { inner, filterArg } = this.members[j];
      if (filterArg !== undefined && row[filterArg] !== true) continue;
      if (before[j] === 0) continue;
      after ??= before.slice();
      if (--after[j] === 0) inner.retract(acc, row);
    }
    if (!after) return;
    if (after.every((c) => c === 0)) this.seen.remove(v);
    else this.seen.put(v, after);
  }
}

const noop = (): void => {};
