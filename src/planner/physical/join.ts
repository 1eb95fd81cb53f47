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
  const forwardsUpdateBefore = joinType === 'INNER' && (left.includes('UB') || right.includes('UB'));
  return generateUpdateBefore || forwardsUpdateBefore
    ? rowKindSet('I', 'UB', 'UA', 'D')
    : rowKindSet('I', 'UA', 'D');
}

/** The conjuncts of a condition (TRUE has none). */
export function conjunctions(e: Expr | undefined): Expr[] {
  if (!e) return [];
  if (e.kind === 'literal' && e.value === true) return [];
  if (e.kind === 'call' && e.fn === 'AND') return e.args.flatMap(conjunctions);
  return [e];
}

function and(conjuncts: readonly Expr[]): Expr | undefined {
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

/**
 * How many bounds a conjunct puts between the two sides' rowtime attributes: a comparison
 * `l.rt >= r.rt - INTERVAL '1' HOUR` is one, `l.rt BETWEEN r.rt - … AND r.rt + …` two. With a lower
 * and an upper bound, Flink plans an interval join instead of a regular one.
 */
function timeBounds(c: Expr, isRowtime: (i: number) => boolean, sideOf: (e: Expr) => Side): number {
  if (c.kind !== 'call') return 0;
  const timeSide = (e: Expr): Side | undefined => {
    const refs = [...collectInputs(e, new Set())];
    if (refs.length !== 1 || !isRowtime(refs[0])) return undefined;
    if (e.kind === 'input') return sideOf(e);
    if (e.kind === 'call' && (e.fn === '+' || e.fn === '-') && e.args[0].kind === 'input') return sideOf(e);
    return undefined;
  };
  const bound = (a: Expr, b: Expr) => {
    const sa = timeSide(a);
    const sb = timeSide(b);
    return sa !== undefined && sb !== undefined && sa !== sb ? 1 : 0;
  };
  if (['<', '<=', '>', '>='].includes(c.fn) && c.args.length === 2) return bound(c.args[0], c.args[1]);
  if (c.fn === 'BETWEEN' && c.args.length === 3)
    return bound(c.args[0], c.args[1]) + bound(c.args[0], c.args[2]);
  return 0;
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
  const leftPreserved = type === 'LEFT' || type === 'FULL';
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
  const bounds = joinConditions.reduce((n, c) => n + timeBounds(c, isRowtime, sideOf), 0);
  if (bounds >= 2) {
    throw new WeirError(
      'SQL_UNSUPPORTED',
      "Interval join (a join whose condition bounds one side's rowtime attribute by the other's) is not supported yet",
      {
        position: join.pos,
        hint: 'compare columns that are not rowtime attributes (e.g. CAST them) to run it as a regular join',
      },
    );
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
  const exchange = (input: PhysicalNode, keys: readonly number[]): PhysicalNode => ({
    kind: 'Exchange',
    input,
    distribution: keys.length > 0 ? { kind: 'hash', keys } : { kind: 'single' },
    rowType: input.rowType,
    changelogMode: input.changelogMode,
  });

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
  const joinFields = [
    ...join.rowType.fields.slice(0, nL).map((f) => ({ ...f, type: plain(f.type) })),
    ...leftExtras.map((e, k) => ({ name: fresh(`$f${nL + k}`), type: plain(e.type) })),
    ...join.rowType.fields.slice(nL).map((f) => ({ ...f, type: plain(f.type) })),
    ...rightExtras.map((e, k) => ({ name: fresh(`$f${nR + k}`), type: plain(e.type) })),
  ];
  const keyEqualities = leftKeys.map((l, i) =>
    call(
      '=',
      [inputRef(l, joinFields[l].type), inputRef(nL2 + rightKeys[i], joinFields[nL2 + rightKeys[i]].type)],
      Types.BOOLEAN(),
    ),
  );
  const nonEquiCondition = and(nonEqui.map((c) => substitute(c, remap)));
  const result: PhysicalNode = {
    kind: 'Join',
    left: exchange(left, leftKeys),
    right: exchange(right, rightKeys),
    joinType: type,
    leftKeys,
    rightKeys,
    condition: and([...keyEqualities, ...(nonEquiCondition ? [nonEquiCondition] : [])]) ?? {
      kind: 'literal',
      value: true,
      type: Types.BOOLEAN(false),
    },
    ...(nonEquiCondition ? { nonEquiCondition } : {}),
    leftInputSpec: inputSpec(left, leftKeys),
    rightInputSpec: inputSpec(right, rightKeys),
    rowType: { fields: joinFields },
    changelogMode: joinChangelog(type, left.changelogMode, right.changelogMode, true),
  };
  const condition = and(above.map((c) => substitute(c, remap)));
  if (!condition && leftExtras.length === 0 && rightExtras.length === 0) return result;
  return {
    kind: 'Calc',
    input: result,
    projection: remap,
    ...(condition ? { condition } : {}),
    rowType: { fields: join.rowType.fields.map((f) => ({ ...f, type: plain(f.type) })) },
    changelogMode: result.changelogMode,
  };
}
