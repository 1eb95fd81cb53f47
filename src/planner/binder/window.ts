import type { Expr } from '../../common/expr.js';
import type { TimeDomain, WindowingSpec } from '../../common/jobgraph.js';
import { type LogicalType, Types } from '../../common/types.js';
import type { LogicalNode, LogicalWindowTableFunction } from '../logical/nodes.js';
import { windowPath } from '../logical/window-path.js';
import type * as A from '../parser/ast.js';
import { typeText, unsupported, validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import { type Field, Scope } from './scope.js';

/**
 * Windowing in the binder: the window TVFs TUMBLE, HOP and CUMULATE in FROM
 * (`TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' SECOND))`), which add window_start,
 * window_end and window_time to their input's columns, and the legacy group windows
 * `GROUP BY TUMBLE(ts, …)`, `HOP(…)`, `SESSION(…)` with TUMBLE_START … SESSION_PROCTIME, which
 * are bound as the same TVF (marked legacy, its window columns hidden) grouped by its window
 * columns. Whether an aggregate over the TVF is a window aggregation is the planner's call
 * (physical/window.ts).
 */

interface BoundRelation {
  readonly node: LogicalNode;
  readonly fields: readonly Field[];
}

/** Parameter names, as Flink's SqlWindowTableFunction declares them, positional order. */
const TVF_PARAMS: Readonly<Record<string, readonly string[]>> = {
  TUMBLE: ['DATA', 'TIMECOL', 'SIZE', 'OFFSET'],
  HOP: ['DATA', 'TIMECOL', 'SLIDE', 'SIZE', 'OFFSET'],
  CUMULATE: ['DATA', 'TIMECOL', 'STEP', 'SIZE', 'OFFSET'],
  SESSION: ['DATA', 'TIMECOL', 'GAP'],
};

const SIGNATURES: Readonly<Record<string, string>> = {
  TUMBLE: 'TUMBLE(TABLE table_name, DESCRIPTOR(timecol), datetime interval[, datetime interval])',
  HOP: 'HOP(TABLE table_name, DESCRIPTOR(timecol), datetime interval, datetime interval[, datetime interval])',
  CUMULATE:
    'CUMULATE(TABLE table_name, DESCRIPTOR(timecol), datetime interval, datetime interval[, datetime interval])',
  SESSION: 'SESSION(TABLE table_name [PARTITION BY (keycols, ...)], DESCRIPTOR(timecol), datetime interval)',
};

export const isWindowTvf = (name: string) => ['TUMBLE', 'HOP', 'CUMULATE', 'SESSION'].includes(name);

/** The time domain of a time attribute, or undefined when the type is not one. */
function timeDomainOf(t: LogicalType): TimeDomain | undefined {
  if (t.timeAttribute === 'ROWTIME') return 'event-time';
  if (t.timeAttribute === 'PROCTIME') return 'processing-time';
  return undefined;
}

/** A positive (or, for an offset, any) INTERVAL DAY TO SECOND literal, in milliseconds. */
function intervalMs(
  arg: A.Expr,
  what: string,
  fn: string,
  allowNonPositive = false,
): { ms: number; expr: Expr } {
  const e = new ExprBinder(new Scope([])).bind(arg);
  if (e.kind !== 'literal' || e.type.root !== 'INTERVAL_DAY_TIME' || typeof e.value !== 'number')
    throw validationError(
      `The ${what} of window function ${fn} must be an interval literal of DAY TO SECOND, e.g. INTERVAL '10' SECOND; it is ${e.kind === 'literal' ? typeText(e.type) : 'an expression'}`,
      arg.pos,
    );
  if (!allowNonPositive && e.value <= 0)
    throw validationError(`The ${what} of window function ${fn} must be positive`, arg.pos);
  return { ms: e.value, expr: e };
}

function windowColumns(time: LogicalType, names: readonly [string, string, string]): Field[] {
  return [
    { name: names[0], type: Types.TIMESTAMP(3, false) },
    { name: names[1], type: Types.TIMESTAMP(3, false) },
    { name: names[2], type: { ...time, nullable: false } },
  ];
}

/** `TABLE(TUMBLE(…))` and its kin in FROM. `bindTable` binds the `TABLE t` argument. */
export function bindWindowTvf(
  ref: A.TableFunctionRef,
  bindTable: (table: A.TableArg) => BoundRelation,
): BoundRelation {
  const call = ref.call;
  const fn = call.name.value.toUpperCase();
  const params = TVF_PARAMS[fn];
  // Named arguments (`SIZE => INTERVAL '10' SECOND`) in any order, or positional ones.
  const args = new Map<string, A.Expr>();
  call.args.forEach((arg, i) => {
    const named = call.argNames?.[i];
    const name = named ? named.value.toUpperCase() : params[i];
    if (!name || !params.includes(name))
      throw validationError(
        named
          ? `Window function ${fn} has no parameter ${named.value}; its parameters are ${params.join(', ')}`
          : `Invalid number of arguments to window function ${fn}`,
        (named ?? arg).pos,
        `expected ${SIGNATURES[fn]}`,
      );
    if (args.has(name)) throw validationError(`Parameter ${name} of ${fn} is given twice`, arg.pos);
    args.set(name, arg);
  });
  // Every parameter is required but OFFSET.
  for (const p of params.filter((p) => p !== 'OFFSET'))
    if (!args.has(p))
      throw validationError(
        `Window function ${fn} is missing its ${p} parameter`,
        call.pos,
        `expected ${SIGNATURES[fn]}`,
      );

  const data = args.get('DATA')!;
  if (data.kind !== 'TableArg')
    throw validationError(`The first argument of ${fn} must be a table: TABLE table_name`, data.pos);
  const input = bindTable(data);
  const partitionBy = data.partitionBy ?? [];
  if (partitionBy.length > 0 && fn !== 'SESSION')
    throw validationError(
      `Only the SESSION window function takes PARTITION BY, not ${fn}`,
      partitionBy[0].pos,
    );
  const partitionKeys = partitionBy.map((c) => new Scope(input.fields).resolve(c).index);

  const timecol = args.get('TIMECOL')!;
  if (
    timecol.kind !== 'FunctionCall' ||
    timecol.name.value.toUpperCase() !== 'DESCRIPTOR' ||
    timecol.args.length !== 1 ||
    timecol.args[0].kind !== 'ColumnRef'
  )
    throw validationError(
      `The time column of ${fn} must be given as DESCRIPTOR(column)`,
      timecol.pos,
      `expected ${SIGNATURES[fn]}`,
    );
  const column = timecol.args[0];
  const timeIndex = new Scope(input.fields).resolve(column).index;
  const timeType = input.fields[timeIndex].type;
  const timeDomain = timeDomainOf(timeType);
  if (!timeDomain)
    throw validationError(
      `The window function ${SIGNATURES[fn]} requires the timecol to be a time attribute type, but is ${typeText(timeType)}`,
      column.pos,
      'declare a WATERMARK FOR the column (event time), or window on a PROCTIME() column',
    );

  const size =
    fn === 'SESSION' ? intervalMs(args.get('GAP')!, 'gap', fn) : intervalMs(args.get('SIZE')!, 'size', fn);
  const offset = args.has('OFFSET') ? intervalMs(args.get('OFFSET')!, 'offset', fn, true) : undefined;
  const offsetMs = offset?.ms ?? 0;
  let window: WindowingSpec;
  const params2: Expr[] = [];
  switch (fn) {
    case 'TUMBLE':
      window = { kind: 'tumble', size: size.ms, offset: offsetMs };
      params2.push(size.expr);
      break;
    case 'HOP': {
      const slide = intervalMs(args.get('SLIDE')!, 'slide', fn);
      window = { kind: 'hop', size: size.ms, slide: slide.ms, offset: offsetMs };
      params2.push(slide.expr, size.expr);
      break;
    }
    case 'CUMULATE': {
      const step = intervalMs(args.get('STEP')!, 'step', fn);
      if (size.ms % step.ms !== 0)
        throw validationError(
          `CUMULATE requires the max size (${size.ms} ms) to be an integral multiple of the step (${step.ms} ms)`,
          args.get('SIZE')!.pos,
        );
      window = { kind: 'cumulate', size: size.ms, step: step.ms, offset: offsetMs };
      params2.push(step.expr, size.expr);
      break;
    }
    case 'SESSION':
      window = { kind: 'session', gap: size.ms };
      params2.push(size.expr);
      break;
    default:
      throw unsupported(`Window table function ${fn}`, call.name.pos);
  }
  if (offset) params2.push(offset.expr);

  const qualifier = ref.alias?.value;
  // The time column is a plain TIMESTAMP after the TVF; window_time is the time attribute now.
  const inputFields = input.fields.map((f, i) => ({
    name: f.name,
    type: i === timeIndex ? { ...f.type, timeAttribute: undefined } : f.type,
    qualifier,
  }));
  const fields = [
    ...inputFields,
    ...windowColumns(timeType, ['window_start', 'window_end', 'window_time']).map((f) => ({
      ...f,
      qualifier,
    })),
  ];
  const node: LogicalWindowTableFunction = {
    kind: 'LogicalWindowTableFunction',
    input: input.node,
    fn,
    window,
    timeIndex,
    timeDomain,
    params: params2,
    pos: call.pos,
    ...(partitionKeys.length > 0 ? { partitionKeys } : {}),
    rowType: { fields: fields.map((f) => ({ name: f.name, type: f.type })) },
  };
  return { node, fields };
}

/**
 * Which grouping fields of an aggregation keep their time attribute: window_time, when the
 * aggregation is a window aggregation (grouped by window_start and window_end of a TVF) — in Flink
 * it stays a rowtime, so a window aggregation can be windowed again (cascading windows). Any
 * other grouped time attribute becomes a plain timestamp.
 */
export function windowTimeKept(
  projected: LogicalNode,
  groupSet: readonly number[],
): (field: number) => boolean {
  const found = windowPath(projected);
  if (!found) return () => false;
  const grouped = new Set(groupSet.map((g) => found.columns.get(g)));
  if (!grouped.has('start') || !grouped.has('end')) return () => false;
  return (field) => found.columns.get(field) === 'time';
}

// ---------------------------------------------------------------------------------------------
// Legacy group windows

const GROUP_WINDOWS = ['TUMBLE', 'HOP', 'SESSION'];
const AUXILIARY = ['START', 'END', 'ROWTIME', 'PROCTIME'] as const;
/** Hidden names of the group window's columns: `$` keeps them from meeting a user's column. */
const HIDDEN = ['w$start', 'w$end', 'w$time'] as const;

const isGroupWindow = (e: A.Expr): e is A.FunctionCall =>
  e.kind === 'FunctionCall' && GROUP_WINDOWS.includes(e.name.value.toUpperCase());

export interface LegacyGroupWindow {
  /** The FROM relation with the window columns added. */
  readonly relation: BoundRelation;
  /** The SELECT rewritten: the group window and its auxiliary functions as the window columns. */
  readonly select: A.Select;
}

/**
 * `GROUP BY …, TUMBLE(ts, INTERVAL …)` (and HOP(ts, slide, size), SESSION(ts, gap)): the input
 * gets the window columns of a legacy TVF, GROUP BY groups by its start and end, and
 * TUMBLE_START / _END / _ROWTIME / _PROCTIME (HOP_…, SESSION_…) read them. Undefined when the
 * SELECT has no group window.
 */
export function bindLegacyGroupWindow(
  s: A.Select,
  from: BoundRelation,
  input: LogicalNode,
): LegacyGroupWindow | undefined {
  const windows = s.groupBy.filter(isGroupWindow);
  if (windows.length === 0) return undefined;
  if (windows.length > 1) throw validationError('A GROUP BY may have only one group window', windows[1].pos);
  const call = windows[0];
  const fn = call.name.value.toUpperCase();
  const arity = fn === 'HOP' ? 3 : 2;
  const signature =
    fn === 'HOP'
      ? 'HOP(time_attr, slide interval, size interval)'
      : `${fn}(time_attr, ${fn === 'SESSION' ? 'gap' : 'size'} interval)`;
  // Flink's third TUMBLE / fourth HOP argument is an alignment time, which weir does not take yet.
  if (call.args.length === arity + 1 && fn !== 'SESSION')
    throw unsupported(`The alignment argument of group window ${fn}`, call.args[arity].pos);
  if (call.args.length !== arity)
    throw validationError(
      `Invalid number of arguments to group window ${fn}`,
      call.pos,
      `expected ${signature}`,
    );
  const timeArg = call.args[0];
  if (timeArg.kind !== 'ColumnRef')
    throw validationError(
      'Window can only be defined over a time attribute column.',
      timeArg.pos,
      `expected ${signature}`,
    );
  const timeIndex = new Scope(from.fields).resolve(timeArg).index;
  const timeType = from.fields[timeIndex].type;
  const timeDomain = timeDomainOf(timeType);
  if (!timeDomain)
    throw validationError(
      `Window can only be defined over a time attribute column, but '${from.fields[timeIndex].name}' is ${typeText(timeType)}`,
      timeArg.pos,
      'declare a WATERMARK FOR the column (event time), or use a PROCTIME() column',
    );
  const intervals = call.args.slice(1).map((a) => intervalMs(a, 'interval', fn));
  let window: WindowingSpec;
  const offset = 0;
  if (fn === 'TUMBLE') window = { kind: 'tumble', size: intervals[0].ms, offset };
  else if (fn === 'HOP') window = { kind: 'hop', slide: intervals[0].ms, size: intervals[1].ms, offset };
  else window = { kind: 'session', gap: intervals[0].ms };

  const node: LogicalWindowTableFunction = {
    kind: 'LogicalWindowTableFunction',
    input,
    fn,
    window,
    timeIndex,
    timeDomain,
    params: intervals.map((i) => i.expr),
    pos: call.pos,
    legacy: true,
    rowType: {
      fields: [...from.fields, ...windowColumns(timeType, HIDDEN)].map((f) => ({
        name: f.name,
        type: f.type,
      })),
    },
  };
  const relation = { node, fields: [...from.fields, ...windowColumns(timeType, HIDDEN)] };

  const ref = (name: string, pos: A.Pos): A.ColumnRef => ({
    kind: 'ColumnRef',
    parts: [{ kind: 'Ident', value: name, pos }],
    pos,
  });
  let usesTime = false;
  const rewrite = (e: A.Expr): A.Expr =>
    mapExpr(e, (x) => {
      if (x.kind !== 'FunctionCall') return undefined;
      const name = x.name.value.toUpperCase();
      const [prefix, aux] = name.split('_');
      if (
        !GROUP_WINDOWS.includes(prefix) ||
        !AUXILIARY.includes(aux as (typeof AUXILIARY)[number]) ||
        name.split('_').length !== 2
      )
        return undefined;
      if (prefix !== fn)
        throw validationError(`${name} does not match the group window ${fn} of this GROUP BY`, x.pos);
      if (aux === 'START') return ref(HIDDEN[0], x.pos);
      if (aux === 'END') return ref(HIDDEN[1], x.pos);
      if ((aux === 'ROWTIME') !== (timeDomain === 'event-time'))
        throw validationError(
          `${name} needs a group window on ${aux === 'ROWTIME' ? 'an event-time' : 'a processing-time'} attribute`,
          x.pos,
        );
      usesTime = true;
      return ref(HIDDEN[2], x.pos);
    });
  const items = s.items.map((item, i): A.SelectItem => {
    if (item.kind !== 'SelectExpr') return item;
    const expr = rewrite(item.expr);
    // An unnamed TUMBLE_START(…) keeps the name it would have had (EXPR$i), not the hidden column's.
    const alias =
      item.alias ??
      (expr !== item.expr && item.expr.kind !== 'ColumnRef'
        ? { kind: 'Ident' as const, value: `EXPR$${i}`, pos: item.pos }
        : undefined);
    return { ...item, expr, ...(alias ? { alias } : {}) };
  });
  const having = s.having && rewrite(s.having);
  const groupBy = s.groupBy.flatMap((g) =>
    g === call
      ? [ref(HIDDEN[0], g.pos), ref(HIDDEN[1], g.pos), ...(usesTime ? [ref(HIDDEN[2], g.pos)] : [])]
      : [g],
  );
  return { relation, select: { ...s, items, groupBy, ...(having ? { having } : {}) } };
}

/** Rebuilds `e` bottom-up where `f` returns a replacement (it is asked first, top-down). */
function mapExpr(e: A.Expr, f: (e: A.Expr) => A.Expr | undefined): A.Expr {
  const replaced = f(e);
  if (replaced) return replaced;
  const m = (x: A.Expr) => mapExpr(x, f);
  switch (e.kind) {
    case 'ColumnRef':
    case 'NumericLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'IntervalLiteral':
    case 'TypedLiteral':
    case 'TableArg':
    case 'OverCall':
      return e;
    case 'UnaryExpr':
    case 'IsExpr':
    case 'CastExpr':
      return { ...e, operand: m(e.operand) };
    case 'BinaryExpr':
      return { ...e, left: m(e.left), right: m(e.right) };
    case 'InExpr':
      return { ...e, operand: m(e.operand), items: e.items.map(m) };
    case 'InSubqueryExpr':
      return { ...e, operand: m(e.operand) };
    case 'ExistsExpr':
    case 'ScalarSubquery':
      return e;
    case 'BetweenExpr':
      return { ...e, operand: m(e.operand), low: m(e.low), high: m(e.high) };
    case 'LikeExpr':
      return {
        ...e,
        operand: m(e.operand),
        pattern: m(e.pattern),
        ...(e.escape ? { escape: m(e.escape) } : {}),
      };
    case 'CaseExpr':
      return {
        ...e,
        ...(e.operand ? { operand: m(e.operand) } : {}),
        whens: e.whens.map((w) => ({ when: m(w.when), result: m(w.result) })),
        ...(e.else ? { else: m(e.else) } : {}),
      };
    case 'FunctionCall':
      return { ...e, args: e.args.map(m), ...(e.filter ? { filter: m(e.filter) } : {}) };
    default: {
      const never: never = e;
      return never;
    }
  }
}
