import { type Expr, inputRef } from '../../common/expr.js';
import type { AggregateFunctionName } from '../../common/jobgraph.js';
import { Types } from '../../common/types.js';
import type {
  LogicalNode,
  LogicalOverWindow,
  OverCallSpec,
  OverFrame,
  OverFrameBound,
  OverOrderKey,
} from '../logical/nodes.js';
import { logicalProject } from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { children, findAggregate, resultType } from './aggregate.js';
import { unsupported, validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import type { Scope } from './scope.js';

/**
 * OVER calls in a SELECT list (`ROW_NUMBER() OVER (PARTITION BY … ORDER BY …)`,
 * `AVG(x) OVER (… ROWS BETWEEN 10 PRECEDING AND CURRENT ROW)`), bound as Calcite's
 * ProjectToWindowRule leaves them for Flink: a LogicalOverWindow appends one field per call to
 * its input row (computed partition, order and argument expressions are appended first by a
 * projection), and the SELECT list becomes a projection over it in which each OVER call is a
 * reference to its field.
 */

const RANKING = new Set(['ROW_NUMBER', 'RANK', 'DENSE_RANK']);
const AGGREGATES: ReadonlySet<string> = new Set<AggregateFunctionName>([
  'COUNT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'FIRST_VALUE',
  'LAST_VALUE',
]);

/** Every OVER call in `e`, outermost first. */
export function findOverCalls(e: A.Expr, into: A.OverCall[] = []): A.OverCall[] {
  if (e.kind === 'OverCall') into.push(e);
  else for (const c of children(e)) findOverCalls(c, into);
  return into;
}

/** Binds SELECT items: each OVER call is a reference to its field of the window. */
class OverExprBinder extends ExprBinder {
  constructor(
    scope: Scope,
    private readonly refs: ReadonlyMap<A.OverCall, Expr>,
  ) {
    super(scope);
  }

  override bind(node: A.Expr): Expr {
    if (node.kind === 'OverCall') {
      const ref = this.refs.get(node);
      if (ref) return ref;
    }
    return super.bind(node);
  }
}

/** The frame as written, or SQL's default: ROWS for ranking functions, RANGE … CURRENT ROW otherwise. */
function frameOf(spec: A.WindowSpec, ranking: boolean, binder: ExprBinder): OverFrame {
  const written = spec.frame;
  if (!written) {
    return {
      unit: ranking ? 'ROWS' : 'RANGE',
      lower: { kind: 'UNBOUNDED PRECEDING' },
      upper: { kind: 'CURRENT ROW' },
    };
  }
  const bound = (b: A.FrameBound): OverFrameBound => {
    if (!b.offset) return { kind: b.kind };
    const e = binder.bind(b.offset);
    const ok =
      e.kind === 'literal' &&
      typeof e.value === 'number' &&
      e.value >= 0 &&
      (written.unit === 'ROWS'
        ? Number.isInteger(e.value) && e.type.root !== 'INTERVAL_DAY_TIME'
        : e.type.root === 'INTERVAL_DAY_TIME');
    if (!ok)
      throw validationError(
        written.unit === 'ROWS'
          ? 'ROWS window bound must be a non-negative integer literal'
          : "RANGE window bound must be a non-negative interval literal such as INTERVAL '1' HOUR",
        b.offset.pos,
      );
    return { kind: b.kind, offset: (e as { value: number }).value };
  };
  return {
    unit: written.unit,
    lower: bound(written.start),
    upper: written.end ? bound(written.end) : { kind: 'CURRENT ROW' },
  };
}

/**
 * The window for the OVER calls of `items` over `input`, and a binder for the SELECT list over
 * its output (the input's fields keep their indexes).
 */
export function bindOverWindow(
  items: readonly A.SelectItem[],
  windows: readonly A.NamedWindow[] | undefined,
  input: LogicalNode,
  scope: Scope,
  inputBinder: ExprBinder,
): { node: LogicalNode; binder: ExprBinder } {
  const overCalls = items.flatMap((item) => (item.kind === 'SelectExpr' ? findOverCalls(item.expr) : []));
  const width = input.rowType.fields.length;
  const extras: Expr[] = [];
  const extraIndex = new Map<string, number>();
  /** The window input's field for an expression: an input column, or an appended computed one. */
  const fieldOf = (e: Expr): number => {
    if (e.kind === 'input') return e.index;
    const key = JSON.stringify(e);
    let i = extraIndex.get(key);
    if (i === undefined) {
      i = width + extras.push(e) - 1;
      extraIndex.set(key, i);
    }
    return i;
  };

  let window: { partitionKeys: number[]; orderKeys: OverOrderKey[]; frame: OverFrame } | undefined;
  let windowKey = '';
  const calls: OverCallSpec[] = [];
  const callOf = new Map<A.OverCall, number>();
  /** The call's window: written after OVER, or named there and defined in the WINDOW clause. */
  const specOf = (over: A.OverCall): A.WindowSpec => {
    if (!over.windowName) return over.window;
    const named = windows?.find((w) => w.name.value === over.windowName!.value);
    if (!named) throw validationError(`Window '${over.windowName.value}' not found`, over.windowName.pos);
    return named.spec;
  };
  for (const over of overCalls) {
    const fn = over.call.name.value.toUpperCase();
    const window_ = specOf(over);
    const ranking = RANKING.has(fn);
    if (!ranking && !AGGREGATES.has(fn)) throw unsupported(`${fn} as an OVER window function`, over.call.pos);
    for (const e of [...over.call.args, ...window_.partitionBy, ...window_.orderBy.map((o) => o.expr)]) {
      const nested = findOverCalls(e)[0] ?? findAggregate(e);
      if (nested) throw validationError('Aggregate expressions cannot be nested', nested.pos);
    }
    if (over.call.filter) throw unsupported('FILTER in an OVER aggregate', over.call.filter.pos);
    if (over.call.distinct) throw unsupported('DISTINCT in an OVER aggregate', over.call.pos);
    if (ranking && over.call.args.length > 0)
      throw validationError(
        `Invalid number of arguments to function '${fn}'. Was expecting 0 arguments`,
        over.call.pos,
      );
    if (window_.orderBy.length === 0)
      throw validationError(
        ranking
          ? `${fn} requires an ORDER BY clause in its window specification`
          : "OVER windows' ordering in stream mode must be defined on a time attribute.",
        over.pos,
      );
    const partitionKeys = window_.partitionBy.map((p) => fieldOf(inputBinder.bind(p)));
    const orderKeys = window_.orderBy.map((o) => ({
      index: fieldOf(inputBinder.bind(o.expr)),
      descending: o.descending,
      nullsFirst: o.nulls ? o.nulls === 'FIRST' : !o.descending,
    }));
    const frame = frameOf(window_, ranking, inputBinder);
    const key = JSON.stringify({ partitionKeys, orderKeys, frame });
    if (!window) {
      window = { partitionKeys, orderKeys, frame };
      windowKey = key;
    } else if (key !== windowKey) {
      throw unsupported(
        'OVER windows that differ in one SELECT (all aggregates must be computed on the same window)',
        window_.partitionBy[0]?.pos ?? over.pos,
      );
    }
    const args = over.call.args.map((a) => inputBinder.bind(a));
    const type = ranking
      ? Types.BIGINT(false)
      : {
          ...resultType(fn as AggregateFunctionName, args, false, over.call),
          timeAttribute: undefined,
        };
    const spec: OverCallSpec = {
      fn: fn as OverCallSpec['fn'],
      args: args.map(fieldOf),
      distinct: false,
      type,
      name: '',
      pos: over.pos,
    };
    const same = calls.findIndex(
      (c) => JSON.stringify({ ...c, pos: 0 }) === JSON.stringify({ ...spec, pos: 0 }),
    );
    callOf.set(over, same >= 0 ? same : calls.push(spec) - 1);
  }
  if (!window) throw new Error('bindOverWindow called without OVER calls');

  const windowInput =
    extras.length === 0
      ? input
      : logicalProject(
          input,
          [...input.rowType.fields.map((f, i) => inputRef(i, f.type)), ...extras],
          [...input.rowType.fields.map((f) => f.name), ...extras.map((_, i) => `$${width + i}`)],
        );
  const inputWidth = windowInput.rowType.fields.length;
  const named = calls.map((c, i) => ({ ...c, name: `w0$o${i}` }));
  const node: LogicalOverWindow = {
    kind: 'LogicalOverWindow',
    input: windowInput,
    ...window,
    calls: named,
    rowType: {
      fields: [...windowInput.rowType.fields, ...named.map((c) => ({ name: c.name, type: c.type }))],
    },
    pos: overCalls[0].pos,
  };
  const refs = new Map<A.OverCall, Expr>();
  for (const [over, i] of callOf) refs.set(over, inputRef(inputWidth + i, named[i].type));
  return { node, binder: new OverExprBinder(scope, refs) };
}
