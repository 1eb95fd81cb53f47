import { type Expr, inputRef } from '../../common/expr.js';
import type { AggregateCallSpec, AggregateFunctionName } from '../../common/jobgraph.js';
import { type LogicalType, Types, withNullability } from '../../common/types.js';
import type * as A from '../parser/ast.js';
import { printExpr } from '../parser/printer.js';
import { typeText, unsupported, validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import type { Scope } from './scope.js';
import { isBinary, isCharacter, isDecimal, isNull, isNumeric } from './types.js';

/**
 * GROUP BY, HAVING and aggregate calls, bound the way Calcite does for Flink: the query becomes
 * a projection of the grouping expressions and aggregate arguments, an aggregate over it
 * (grouping fields first, then one field per call), and the SELECT list and HAVING as
 * expressions over the aggregate's output. A column outside an aggregate call must be grouped.
 */

const SUPPORTED: ReadonlySet<string> = new Set<AggregateFunctionName>([
  'COUNT',
  'SUM',
  'AVG',
  'MIN',
  'MAX',
  'FIRST_VALUE',
  'LAST_VALUE',
  'LISTAGG',
]);

/** Aggregate functions Flink has and weir does not run yet: they still make a query an aggregation. */
const KNOWN: ReadonlySet<string> = new Set([
  ...SUPPORTED,
  'SUM0',
  'COLLECT',
  'STDDEV',
  'STDDEV_POP',
  'STDDEV_SAMP',
  'VAR_POP',
  'VAR_SAMP',
  'VARIANCE',
  'ARRAY_AGG',
]);

export function isAggregateCall(e: A.Expr): e is A.FunctionCall {
  return e.kind === 'FunctionCall' && !e.niladic && KNOWN.has(e.name.value.toUpperCase());
}

export function children(e: A.Expr): readonly A.Expr[] {
  switch (e.kind) {
    case 'ColumnRef':
    case 'NumericLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'IntervalLiteral':
    case 'TypedLiteral':
      return [];
    case 'UnaryExpr':
      return [e.operand];
    case 'BinaryExpr':
      return [e.left, e.right];
    case 'IsExpr':
      return [e.operand];
    case 'InExpr':
      return [e.operand, ...e.items];
    case 'BetweenExpr':
      return [e.operand, e.low, e.high];
    case 'LikeExpr':
      return [e.operand, e.pattern, ...(e.escape ? [e.escape] : [])];
    case 'CastExpr':
      return [e.operand];
    case 'CaseExpr':
      return [
        ...(e.operand ? [e.operand] : []),
        ...e.whens.flatMap((w) => [w.when, w.result]),
        ...(e.else ? [e.else] : []),
      ];
    case 'FunctionCall':
      return [...e.args, ...(e.filter ? [e.filter] : [])];
    case 'InSubqueryExpr':
      return [e.operand];
    // A subquery's aggregates are its own.
    case 'ExistsExpr':
    case 'ScalarSubquery':
    // An OVER call is not a group aggregate, whatever function it windows.
    case 'OverCall':
    case 'TableArg':
      return [];
    default: {
      const never: never = e;
      return never;
    }
  }
}

/** The first aggregate call in `e`, if any (not looking inside aggregate calls). */
export function findAggregate(e: A.Expr): A.FunctionCall | undefined {
  if (isAggregateCall(e)) return e;
  for (const c of children(e)) {
    const found = findAggregate(c);
    if (found) return found;
  }
  return undefined;
}

/** Calcite's message for an aggregate where none may be, e.g. "Aggregate expression is illegal in WHERE clause". */
export function rejectAggregate(e: A.Expr, clause: string): void {
  const found = findAggregate(e);
  if (found) throw validationError(`Aggregate expression is illegal in ${clause}`, found.pos);
}

const exprKey = (e: Expr) => JSON.stringify(e);

const noTimeAttribute = (t: LogicalType): LogicalType =>
  t.timeAttribute ? { ...t, timeAttribute: undefined } : t;

/**
 * Flink's result types (LogicalTypeMerging.findSumAggType / findAvgAggType, Calcite's
 * ReturnTypes): SUM keeps integer and approximate types and widens DECIMAL(p, s) to
 * DECIMAL(38, s); AVG keeps the argument's type (integer AVG truncates) and makes DECIMAL(p, s)
 * DECIMAL(38, max(6, s)); COUNT is BIGINT NOT NULL. SUM, AVG, MIN and MAX are nullable without
 * GROUP BY or with FILTER (they may see no row); FIRST_VALUE, LAST_VALUE and LISTAGG always are.
 */
export function resultType(
  fn: AggregateFunctionName,
  args: readonly Expr[],
  emptyPossible: boolean,
  node: A.FunctionCall,
): LogicalType {
  const mismatch = (expected: string) =>
    validationError(
      `Cannot apply '${fn}' to arguments of type ${fn}(${args.map((a) => `<${typeText(a.type)}>`).join(', ')})`,
      node.pos,
      `expected ${expected}`,
    );
  const arity = (min: number, max: number, expected: string) => {
    if (args.length < min || args.length > max)
      throw validationError(
        `Invalid number of arguments to function '${fn}'. Was expecting ${min === max ? min : `${min} to ${max}`} argument${max === 1 ? '' : 's'}`,
        node.pos,
        `expected ${expected}`,
      );
  };
  const arg = args[0]?.type;
  const nullableIfEmpty = (t: LogicalType) => withNullability(t, t.nullable || emptyPossible);
  switch (fn) {
    case 'COUNT':
      arity(node.star ? 0 : 1, 1, `COUNT(*) or ${fn}([DISTINCT] <ANY>)`);
      return Types.BIGINT(false);
    case 'SUM':
    case 'AVG': {
      arity(1, 1, `${fn}(<NUMERIC>)`);
      if (!isNumeric(arg)) throw mismatch(`${fn}(<NUMERIC>)`);
      if (!isDecimal(arg)) return nullableIfEmpty(arg);
      const scale = fn === 'SUM' ? arg.scale! : Math.max(6, arg.scale!);
      return nullableIfEmpty(Types.DECIMAL(38, scale, arg.nullable));
    }
    case 'MIN':
    case 'MAX': {
      arity(1, 1, `${fn}(<COMPARABLE_TYPE>)`);
      const comparable =
        !isNull(arg) && !isBinary(arg) && !['ARRAY', 'MAP', 'MULTISET', 'ROW'].includes(arg.root);
      if (!comparable) throw mismatch(`${fn}(<COMPARABLE_TYPE>)`);
      return nullableIfEmpty(arg);
    }
    case 'FIRST_VALUE':
    case 'LAST_VALUE':
      arity(1, 1, `${fn}(<ANY>)`);
      if (isNull(arg) || isBinary(arg)) throw mismatch(`${fn}(<ANY>)`);
      return withNullability(arg, true);
    case 'LISTAGG': {
      arity(1, 2, 'LISTAGG(<STRING>[, <STRING literal>])');
      if (!isCharacter(arg) || (args[1] && !isCharacter(args[1].type)))
        throw mismatch('LISTAGG(<STRING>[, <STRING literal>])');
      return Types.STRING();
    }
    default: {
      const never: never = fn;
      return never;
    }
  }
}

/**
 * Collects what an aggregation needs while its SELECT list and HAVING are bound: the input
 * projection (grouping expressions first, then aggregate arguments and FILTER conditions) and
 * the aggregate calls, each deduplicated.
 */
export class Aggregation {
  readonly inputs: Expr[] = [];
  readonly calls: AggregateCallSpec[] = [];
  private readonly inputIndex = new Map<string, number>();
  private readonly callIndex = new Map<string, number>();
  readonly groupCount: number;

  constructor(
    readonly inputBinder: ExprBinder,
    private readonly inputNames: readonly string[],
    groupBy: readonly A.Expr[],
  ) {
    for (const g of groupBy) {
      rejectAggregate(g, 'GROUP BY clause');
      this.input(inputBinder.bind(g));
    }
    this.groupCount = this.inputs.length;
  }

  private input(e: Expr): number {
    const key = exprKey(e);
    let i = this.inputIndex.get(key);
    if (i === undefined) {
      i = this.inputs.push(e) - 1;
      this.inputIndex.set(key, i);
    }
    return i;
  }

  /** Grouping fields that stay time attributes (a window aggregation's window_time); others become plain timestamps. */
  keepsTimeAttribute: (groupField: number) => boolean = () => false;

  /** The aggregate's output field for a grouping expression, if `e` is one. */
  groupRef(e: Expr): Expr | undefined {
    const i = this.inputIndex.get(exprKey(e));
    if (i === undefined || i >= this.groupCount) return undefined;
    return inputRef(
      i,
      this.keepsTimeAttribute(i) ? this.inputs[i].type : noTimeAttribute(this.inputs[i].type),
    );
  }

  /** Names of the input projection's fields: a column keeps its name, anything else is `$f<i>`. */
  inputFieldNames(): string[] {
    return this.inputs.map((e, i) => (e.kind === 'input' ? this.inputNames[e.index] : `$f${i}`));
  }

  /** Binds an aggregate call; returns the reference to its field in the aggregate's output. */
  call(node: A.FunctionCall, name: string | undefined): Expr {
    const fn = node.name.value.toUpperCase();
    if (!SUPPORTED.has(fn)) throw unsupported(`Aggregate function ${fn}`, node.pos);
    for (const a of node.args) {
      const nested = findAggregate(a);
      if (nested) throw validationError('Aggregate expressions cannot be nested', nested.pos);
    }
    if (node.filter) rejectAggregate(node.filter, 'FILTER clause');
    const args = node.args.map((a) => this.inputBinder.bind(a));
    const filter = node.filter ? this.inputBinder.bindCondition(node.filter, 'FILTER clause') : undefined;
    const aggregate = fn as AggregateFunctionName;
    const type = noTimeAttribute(resultType(aggregate, args, this.groupCount === 0 || !!filter, node));
    let separator: string | undefined;
    if (aggregate === 'LISTAGG' && args.length === 2) {
      const sep = args[1];
      if (sep.kind !== 'literal' || typeof sep.value !== 'string')
        throw validationError(
          "LISTAGG's separator must be a string literal",
          node.args[1].pos,
          `write e.g. LISTAGG(${printExpr(node.args[0])}, ', ')`,
        );
      separator = sep.value;
    }
    if (node.distinct && args.length === 0)
      throw validationError(`${aggregate}(DISTINCT *) is not allowed`, node.pos);
    const fields = args.slice(0, separator === undefined ? args.length : 1).map((a) => this.input(a));
    const spec: AggregateCallSpec = {
      fn: aggregate,
      args: fields,
      distinct: node.distinct,
      ...(filter ? { filterArg: this.input(filter) } : {}),
      ...(separator !== undefined ? { separator } : {}),
      type,
      name: '',
    };
    const key = JSON.stringify({ ...spec, type: undefined });
    let index = this.callIndex.get(key);
    if (index === undefined) {
      index = this.calls.push({ ...spec, name: name ?? `$f${this.groupCount + this.calls.length}` }) - 1;
      this.callIndex.set(key, index);
    }
    return inputRef(this.groupCount + index, type);
  }
}

/**
 * Binds SELECT items and HAVING over an aggregation's output: an aggregate call becomes its
 * output field, an expression equal to a grouping expression its grouping field, and any other
 * column reference is an error, as Calcite reports it ("Expression 'x' is not being grouped").
 */
export class AggregateExprBinder extends ExprBinder {
  constructor(
    scope: Scope,
    private readonly aggregation: Aggregation,
  ) {
    super(scope);
  }

  /** Binds a whole SELECT item; a bare aggregate call is named after the item. */
  bindItem(node: A.Expr, name: string): Expr {
    return isAggregateCall(node) ? this.aggregation.call(node, name) : this.bind(node);
  }

  override bind(node: A.Expr): Expr {
    if (isAggregateCall(node)) return this.aggregation.call(node, undefined);
    if (!findAggregate(node)) {
      const e = this.aggregation.inputBinder.bind(node);
      const grouped = this.aggregation.groupRef(e);
      if (grouped) return grouped;
      if (node.kind === 'ColumnRef')
        throw validationError(
          `Expression '${printExpr(node)}' is not being grouped`,
          node.pos,
          'add it to GROUP BY, or use it inside an aggregate function such as MAX or FIRST_VALUE',
        );
      if (!referencesInput(e)) return e;
    }
    return super.bind(node);
  }
}

function referencesInput(e: Expr): boolean {
  switch (e.kind) {
    case 'input':
      return true;
    case 'literal':
      return false;
    case 'call':
      return e.args.some(referencesInput);
    default: {
      const never: never = e;
      return never;
    }
  }
}
