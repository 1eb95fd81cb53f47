import { WeirError } from '../../common/errors.js';
import { call, type Expr, inputRef } from '../../common/expr.js';
import type { JoinType } from '../../common/jobgraph.js';
import { type LogicalType, Types } from '../../common/types.js';
import type { LogicalJoin, LogicalNode } from '../logical/nodes.js';
import { substitute } from '../rules/calc-merge.js';
import { collectInputs } from '../rules/watermark-project-prune.js';
import { isInsertOnly, type RowKindSet, rowKindSet } from './changelog.js';
import type { JoinInputSpec, PhysicalNode } from './nodes.js';

/**
 * What a regular join emits (Flink's FlinkChangelogModeInferenceProgram): an inner join of two
 * insert-only inputs only inserts; any other join produces updates and deletes (an outer join
 * retracts its NULL-padded rows, an inner join forwards its inputs' retractions). -U is only
 * announced when the consumer needs it, except that an inner join forwards the -U of its inputs.
 */
export function joinChangelog(
  joinType: JoinType,
  left: RowKindSet,
  right: RowKindSet,
  generateUpdateBefore: boolean,
): RowKindSet {
  if (joinType === 'INNER' && isInsertOnly(left) && isInsertOnly(right)) return rowKindSet('I');
  // A semi join of insert-only inputs only ever lets a left row through once; an anti join
  // retracts a left row when its first match arrives.
  if (joinType === 'SEMI' && isInsertOnly(left) && isInsertOnly(right)) return rowKindSet('I');
  const forwardsUpdateBefore =
    (joinType === 'INNER' || joinType === 'SEMI' || joinType === 'ANTI') &&
    (left.includes('UB') || right.includes('UB'));
  return generateUpdateBefore || forwardsUpdateBefore
    ? rowKindSet('I', 'UB', 'UA', 'D')
    : rowKindSet('I', 'UA', 'D');
}

/** A join input's Exchange: hashed by its keys, or everything to one subtask without any. */
export const joinExchange = (input: PhysicalNode, keys: readonly number[]): PhysicalNode => ({
  kind: 'Exchange',
  input,
  distribution: keys.length > 0 ? { kind: 'hash', keys } : { kind: 'single' },
  rowType: input.rowType,
  changelogMode: input.changelogMode,
});

/** The conjuncts of a condition (TRUE has none). */
export function conjunctions(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === 'literal' && e.value === true) return [];
  if (e.kind === 'call' && e.fn === 'AND') return e.args.flatMap(conjunctions);
  return [e];
}

export function and(conjuncts: readonly Expr[]): Expr | undefined {
  if (conjuncts.length === 0) return undefined;
  if (conjuncts.length === 1) return conjuncts[0];
  return call('AND', conjuncts, Types.BOOLEAN(conjuncts.some((c) => c.type.nullable)));
}

type Side = 'none' | 'left' | 'right' | 'both';

const plain = (t: LogicalType): LogicalType => (t.timeAttribute ? { ...t, timeAttribute: undefined } : t);

/** `e` with every input index shifted by `by`. */
function shift(e: Expr, by: number): Expr {
  if (by === 0) return e;
  switch (e.kind) {
    case 'input':
      return inputRef(e.index + by, e.type);
    case 'literal':
      return e;
    case 'call':
      return call(
        e.fn,
        e.args.map((a) => shift(a, by)),
        e.type,
      );
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The unique key of a node's rows, as input field indexes, when the planner knows one. */
function uniqueKeyOf(node: PhysicalNode): readonly number[] | undefined {
  switch (node.kind) {
    case 'GroupAggregate':
      return node.grouping.length > 0 ? node.grouping.map((_, i) => i) : undefined;
    case 'Exchange':
    case 'WatermarkAssigner':
      return uniqueKeyOf(node.input);
    case 'Calc': {
      const below = uniqueKeyOf(node.input);
      if (!below) return undefined;
      const mapped = below.map((k) => node.projection.findIndex((e) => e.kind === 'input' && e.index === k));
      return mapped.every((i) => i >= 0) ? mapped : undefined;
    }
    default:
      return undefined;
  }
}

function inputSpec(node: PhysicalNode, joinKeys: readonly number[]): JoinInputSpec {
  const key = uniqueKeyOf(node);
  if (!key) return 'NoUniqueKey';
  return key.every((k) => joinKeys.includes(k)) ? 'JoinKeyContainsUniqueKey' : 'HasUniqueKey';
}

/** Bounds on `l.rt - r.rt` (ms, inclusive) that one conjunct sets, with the two rowtime fields. */
interface TimeBounds {
  readonly leftTime: number;
  readonly rightTime: number;
  readonly lower?: number;
  readonly upper?: number;
}

/**
 * The bounds a conjunct puts between the two sides' rowtime attributes, as Flink's
 * IntervalJoinUtil reads them: `l.rt >= r.rt - INTERVAL '1' HOUR` is a lower bound of -3600000 on
 * l.rt - r.rt, `l.rt BETWEEN r.rt - … AND r.rt + …` both bounds; `>` and `<` are one millisecond
 * tighter. Anything else is not a time bound.
 */
function timeBoundsOf(c: Expr, isRowtime: (i: number) => boolean, nL: number): TimeBounds | undefined {
  if (c.kind !== 'call') return undefined;
  const timeTerm = (e: Expr): { index: number; offset: number } | undefined => {
    if (e.kind === 'input') return isRowtime(e.index) ? { index: e.index, offset: 0 } : undefined;
    if (e.kind !== 'call' || (e.fn !== '+' && e.fn !== '-') || e.args.length !== 2) return undefined;
    const [ref, interval] = e.args;
    if (ref.kind !== 'input' || !isRowtime(ref.index)) return undefined;
    if (interval.kind !== 'literal' || interval.type.root !== 'INTERVAL_DAY_TIME') return undefined;
    const ms = Number(interval.value);
    return { index: ref.index, offset: e.fn === '+' ? ms : -ms };
  };
  const compare = (op: string, x: Expr, y: Expr): TimeBounds | undefined => {
    const a = timeTerm(x);
    const b = timeTerm(y);
    if (!a || !b || a.index < nL === b.index < nL) return undefined;
    // As `l.rt - r.rt op value`.
    const leftFirst = a.index < nL;
    const value = leftFirst ? b.offset - a.offset : a.offset - b.offset;
    const flipped = leftFirst
      ? op
      : ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as Record<string, string>)[op];
    const [l, r] = leftFirst ? [a, b] : [b, a];
    const base = { leftTime: l.index, rightTime: r.index - nL };
    switch (flipped) {
      case '>=':
        return { ...base, lower: value };
      case '>':
        return { ...base, lower: value + 1 };
      case '<=':
        return { ...base, upper: value };
      case '<':
        return { ...base, upper: value - 1 };
      default:
        return undefined;
    }
  };
  if (['<', '<=', '>', '>='].includes(c.fn) && c.args.length === 2)
    return compare(c.fn, c.args[0], c.args[1]);
  if (c.fn === 'BETWEEN' && c.args.length === 3) {
    const low = compare('>=', c.args[0], c.args[1]);
    const high = compare('<=', c.args[0], c.args[2]);
    if (!low || !high || low.leftTime !== high.leftTime || low.rightTime !== high.rightTime) return undefined;
    // Each half is a lower or an upper bound on l.rt - r.rt, depending on which side `v` is.
    return { ...low, lower: low.lower ?? high.lower, upper: low.upper ?? high.upper };
  }
  return undefined;
}

/**
 * A LogicalJoin (and, for `Filter(Join)`, the WHERE condition over it) as Flink's optimizer plans a
 * regular join:
 * - conjuncts over one side only are pushed into that input when the join's semantics allow
 *   (Calcite's FilterJoinRule / JoinConditionPushRule), and an inner join takes the WHERE clause's
 *   conditions over both sides as join conditions (so a comma join is an equi-join);
 * - equalities between an expression of the left and one of the right become the join keys; an
 *   expression that is not a plain column is computed by a Calc below the join
 *   (JoinPushExpressionsRule), which is also how both sides' keys get one common type;
 * - each input goes through an Exchange hashed by its keys (single without keys: parallelism 1);
 * - a Calc above drops the computed key columns and applies what remains of the WHERE clause.
 */
export function convertJoin(
  join: LogicalJoin,
  where: Expr | undefined,
  toPhysical: (node: LogicalNode) => PhysicalNode,
): PhysicalNode {
  const leftFields = join.left.rowType.fields;
  const rightFields = join.right.rowType.fields;
  const nL = leftFields.length;
  const nR = rightFields.length;
  const sideOf = (e: Expr): Side => {
    const refs = [...collectInputs(e, new Set())];
    if (refs.length === 0) return 'none';
    if (refs.every((i) => i < nL)) return 'left';
    if (refs.every((i) => i >= nL)) return 'right';
    return 'both';
  };
  const type = join.joinType;
  // A semi/anti join (Flink's LeftSemiJoin/LeftAntiJoin) outputs the left row only. An anti join
  // keeps a left row that fails a left-only condition (it has no match), so that stays in the join.
  const semiAnti = type === 'SEMI' || type === 'ANTI';
  const leftPreserved = type === 'LEFT' || type === 'FULL' || type === 'ANTI';
  const rightPreserved = type === 'RIGHT' || type === 'FULL';

  const leftFilters: Expr[] = [];
  const rightFilters: Expr[] = [];
  const joinConditions: Expr[] = [];
  const above: Expr[] = [];
  // ON conjuncts over one side go below the join unless that side is preserved (kept padded).
  for (const c of conjunctions(join.condition)) {
    const side = sideOf(c);
    if (side === 'left' && !leftPreserved) leftFilters.push(c);
    else if (side === 'right' && !rightPreserved) rightFilters.push(c);
    else joinConditions.push(c);
  }
  // WHERE conjuncts over one side go below the join unless that side may be padded with NULLs.
  for (const c of conjunctions(where)) {
    const side = sideOf(c);
    if (side === 'left' && !rightPreserved) leftFilters.push(c);
    else if (side === 'right' && !leftPreserved) rightFilters.push(c);
    else if (type === 'INNER' && side === 'both') joinConditions.push(c);
    else above.push(c);
  }

  const isRowtime = (i: number) =>
    (i < nL ? leftFields[i] : rightFields[i - nL]).type.timeAttribute === 'ROWTIME';
  // Bounds between the two rowtimes both ways make an interval join (Flink's IntervalJoinUtil).
  let window: { leftTime: number; rightTime: number; lower: number; upper: number } | undefined;
  const timeConditions: Expr[] = [];
  {
    let lower: number | undefined;
    let upper: number | undefined;
    let times: { leftTime: number; rightTime: number } | undefined;
    for (const c of joinConditions) {
      const b = timeBoundsOf(c, isRowtime, nL);
      if (!b) continue;
      if (times && (times.leftTime !== b.leftTime || times.rightTime !== b.rightTime)) continue;
      times = { leftTime: b.leftTime, rightTime: b.rightTime };
      timeConditions.push(c);
      if (b.lower !== undefined) lower = lower === undefined ? b.lower : Math.max(lower, b.lower);
      if (b.upper !== undefined) upper = upper === undefined ? b.upper : Math.min(upper, b.upper);
    }
    if (!semiAnti && times && lower !== undefined && upper !== undefined) window = { ...times, lower, upper };
  }
  // The same bounds on processing-time attributes: Flink's processing-time interval join.
  const isProctime = (i: number) =>
    (i < nL ? leftFields[i] : rightFields[i - nL]).type.timeAttribute === 'PROCTIME';
  const proctimeBounds = joinConditions.map((c) => timeBoundsOf(c, isProctime, nL)).filter((b) => b);
  if (
    proctimeBounds.some((b) => b?.lower !== undefined) &&
    proctimeBounds.some((b) => b?.upper !== undefined)
  ) {
    throw new WeirError('SQL_UNSUPPORTED', 'A processing-time interval join is not supported yet', {
      position: join.pos,
      hint: 'bound rowtime attributes instead (an event-time interval join)',
    });
  }

  // Key equalities; computed key expressions become extra columns of their side.
  const leftExtras: Expr[] = [];
  const rightExtras: Expr[] = [];
  const leftKeys: number[] = [];
  const rightKeys: number[] = [];
  const nonEqui: Expr[] = [];
  const keyColumn = (e: Expr, extras: Expr[], width: number): number => {
    if (e.kind === 'input') return e.index;
    const existing = extras.findIndex((x) => JSON.stringify(x) === JSON.stringify(e));
    if (existing >= 0) return width + existing;
    extras.push(e);
    return width + extras.length - 1;
  };
  for (const c of joinConditions) {
    // In an interval join the time bounds are enforced by the window, not evaluated per pair.
    if (window && timeConditions.includes(c)) continue;
    if (c.kind === 'call' && c.fn === '=' && c.args.length === 2) {
      const [a, b] = c.args;
      const sa = sideOf(a);
      const sb = sideOf(b);
      if ((sa === 'left' && sb === 'right') || (sa === 'right' && sb === 'left')) {
        const [l, r] = sa === 'left' ? [a, b] : [b, a];
        leftKeys.push(keyColumn(l, leftExtras, nL));
        rightKeys.push(keyColumn(shift(r, -nL), rightExtras, nR));
        continue;
      }
    }
    nonEqui.push(c);
  }
  const nL2 = nL + leftExtras.length;
  // Joined-row index before → after the extra key columns were added.
  const remap: Expr[] = [
    ...leftFields.map((f, i) => inputRef(i, f.type)),
    ...rightFields.map((f, i) => inputRef(nL2 + i, f.type)),
  ];

  const side = (node: LogicalNode, filters: readonly Expr[], extras: readonly Expr[], by: number) => {
    let input = toPhysical(node);
    const condition = and(filters.map((f) => shift(f, -by)));
    if (condition || extras.length > 0) {
      const fields = input.rowType.fields;
      input = {
        kind: 'Calc',
        input,
        projection: [...fields.map((f, i) => inputRef(i, f.type)), ...extras],
        ...(condition ? { condition } : {}),
        rowType: {
          fields: [...fields, ...extras.map((e, k) => ({ name: `$f${fields.length + k}`, type: e.type }))],
        },
        changelogMode: input.changelogMode,
      };
    }
    return input;
  };
  const left = side(join.left, leftFilters, leftExtras, 0);
  const right = side(join.right, rightFilters, rightExtras, nL);

  // The joined row: the padded side's columns nullable, time attributes materialized (a regular
  // join's output has no rowtime: its rows are not ordered by it), names unique as Calcite makes them.
  const outNames = join.rowType.fields.map((f) => f.name);
  const used = new Set(outNames);
  const fresh = (name: string) => {
    let n = name;
    for (let i = 0; used.has(n); i++) n = `${name}${i}`;
    used.add(n);
    return n;
  };
  // An interval join keeps both rowtime attributes: its output watermark is held back to suit them.
  const timeType = (t: LogicalType) => (window ? t : plain(t));
  // The row the join condition is over: the left row then the right one (for a semi/anti join
  // the output is its left part only).
  const conditionFields = [
    ...join.rowType.fields.slice(0, nL).map((f) => ({ ...f, type: timeType(f.type) })),
    ...leftExtras.map((e, k) => ({ name: fresh(`$f${nL + k}`), type: plain(e.type) })),
    ...(semiAnti ? rightFields : join.rowType.fields.slice(nL)).map((f) => ({
      ...f,
      type: timeType(f.type),
    })),
    ...rightExtras.map((e, k) => ({ name: fresh(`$f${nR + k}`), type: plain(e.type) })),
  ];
  const joinFields = semiAnti ? conditionFields.slice(0, nL2) : conditionFields;
  const keyEqualities = leftKeys.map((l, i) =>
    call(
      '=',
      [
        inputRef(l, conditionFields[l].type),
        inputRef(nL2 + rightKeys[i], conditionFields[nL2 + rightKeys[i]].type),
      ],
      Types.BOOLEAN(),
    ),
  );
  const nonEquiCondition = and(nonEqui.map((c) => substitute(c, remap)));
  const timeCondition = window ? timeConditions.map((c) => substitute(c, remap)) : [];
  const common = {
    left: joinExchange(left, leftKeys),
    right: joinExchange(right, rightKeys),
    joinType: type,
    leftKeys,
    rightKeys,
    condition: and([...keyEqualities, ...timeCondition, ...(nonEquiCondition ? [nonEquiCondition] : [])]) ?? {
      kind: 'literal',
      value: true,
      type: Types.BOOLEAN(false),
    },
    ...(nonEquiCondition ? { nonEquiCondition } : {}),
    leftInputSpec: inputSpec(left, leftKeys),
    rightInputSpec: inputSpec(right, rightKeys),
    rowType: { fields: joinFields },
  };
  let result: PhysicalNode;
  if (window) {
    if (!isInsertOnly(left.changelogMode) || !isInsertOnly(right.changelogMode)) {
      throw new WeirError(
        'SQL_UNSUPPORTED',
        "An interval join over an input that updates or deletes (Flink's IntervalJoin doesn't support consuming update and delete changes) is not supported",
        {
          position: join.pos,
          hint: 'join insert-only inputs, or bound columns that are not rowtime attributes',
        },
      );
    }
    result = {
      ...common,
      kind: 'IntervalJoin',
      leftTimeIndex: window.leftTime,
      rightTimeIndex: window.rightTime,
      leftLowerBound: window.lower,
      leftUpperBound: window.upper,
      changelogMode: rowKindSet('I'),
    };
  } else {
    result = {
      ...common,
      kind: 'Join',
      changelogMode: joinChangelog(type, left.changelogMode, right.changelogMode, true),
    };
  }
  const condition = and(above.map((c) => substitute(c, remap)));
  if (!condition && leftExtras.length === 0 && rightExtras.length === 0) return result;
  return {
    kind: 'Calc',
    input: result,
    projection: semiAnti ? remap.slice(0, nL) : remap,
    ...(condition ? { condition } : {}),
    rowType: {
      fields: join.rowType.fields.map((f, i) => ({ ...f, type: joinFields[i < nL ? i : i - nL + nL2].type })),
    },
    changelogMode: result.changelogMode,
  };
}
