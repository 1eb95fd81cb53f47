import { call, type Expr, inputRef, literal } from '../../common/expr.js';
import type { JoinType } from '../../common/jobgraph.js';
import { Types } from '../../common/types.js';
import { type LogicalJoin, type LogicalNode, logicalFilter } from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { substitute } from '../rules/calc-merge.js';
import { findAggregate, rejectAggregate } from './aggregate.js';
import { validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import type { BoundFrom, BoundQuery } from './query.js';
import { type Field, type ResolvedColumn, Scope } from './scope.js';

/** What binding a subquery needs from the query binder. */
export interface SubqueryBinder {
  bindQuery(q: A.Query): BoundQuery;
  bindFrom(ref: A.TableRef): BoundFrom;
}

/** A WHERE conjunct that is a subquery predicate: `[NOT] EXISTS (…)` or `x [NOT] IN (SELECT …)`. */
interface SubqueryConjunct {
  readonly query: A.Query;
  /** The IN operand; undefined for EXISTS. */
  readonly operand?: A.Expr;
  readonly negated: boolean;
  readonly pos: A.Pos;
}

/** The operands of a condition's top-level ANDs, left to right. */
export function conjunctsOf(e: A.Expr): A.Expr[] {
  return e.kind === 'BinaryExpr' && e.op === 'AND' ? [...conjunctsOf(e.left), ...conjunctsOf(e.right)] : [e];
}

function asSubquery(e: A.Expr): SubqueryConjunct | undefined {
  if (e.kind === 'ExistsExpr') return { query: e.query, negated: false, pos: e.pos };
  if (e.kind === 'InSubqueryExpr')
    return { query: e.query, operand: e.operand, negated: e.negated, pos: e.pos };
  if (e.kind === 'UnaryExpr' && e.op === 'NOT') {
    const inner = asSubquery(e.operand);
    return inner ? { ...inner, negated: !inner.negated, pos: e.pos } : undefined;
  }
  return undefined;
}

/**
 * A scope for a correlated subquery's WHERE clause: its own FROM columns first (they shadow the
 * outer query's, as in SQL), then the outer query's. The row it binds over is the outer row
 * followed by the subquery's: the row of the semi/anti join the subquery becomes.
 */
class CorrelatedScope extends Scope {
  constructor(
    private readonly outer: readonly Field[],
    private readonly inner: readonly Field[],
  ) {
    super([...outer, ...inner]);
  }

  override resolve(ref: A.ColumnRef): ResolvedColumn {
    try {
      const r = new Scope(this.inner).resolve(ref);
      return { ...r, index: r.index + this.outer.length };
    } catch (innerError) {
      try {
        return new Scope(this.outer).resolve(ref);
      } catch {
        throw innerError;
      }
    }
  }
}

/**
 * WHERE with `[NOT] IN (SELECT …)` / `[NOT] EXISTS (SELECT …)` conjuncts, as Flink's planner
 * (Calcite's SubQueryRemoveRule, then FlinkSemiAntiJoin rules) plans them: the other conjuncts
 * filter the FROM relation, and each subquery conjunct becomes a semi join (IN, EXISTS) or anti
 * join (NOT IN, NOT EXISTS) of that relation with the subquery, whose output is the outer row only.
 * The join condition is the IN equality plus the subquery's correlated WHERE conjuncts; the
 * planner takes keys from it and pushes the subquery-only conjuncts into the subquery's side.
 *
 * `x NOT IN (SELECT y …)` is UNKNOWN (so drops the row) when x is NULL and the subquery has rows,
 * or when y is NULL for some row: when either side may be NULL the anti join's condition is
 * `x = y OR x IS NULL OR y IS NULL`, Calcite's null-aware rewrite (no equi key, so it runs on one
 * subtask); when both are NOT NULL it is the plain equality.
 *
 * Returns undefined when WHERE has no subquery conjunct (the caller binds it as usual).
 */
export function bindWhereWithSubqueries(
  where: A.Expr,
  from: BoundFrom,
  node: LogicalNode,
  binder: SubqueryBinder,
): LogicalNode | undefined {
  const conjuncts = conjunctsOf(where);
  const subqueries = conjuncts.map(asSubquery);
  if (subqueries.every((s) => s === undefined)) return undefined;
  const outer = new ExprBinder(new Scope(from.fields));
  const plain = conjuncts.filter((_, i) => subqueries[i] === undefined);
  let result = node;
  if (plain.length > 0) {
    for (const c of plain) rejectAggregate(c, 'WHERE clause');
    const bound = plain.map((c) => outer.bindCondition(c, 'WHERE clause'));
    result = logicalFilter(
      result,
      bound.reduce((a, b) => call('AND', [a, b], Types.BOOLEAN())),
    );
  }
  for (const s of subqueries) {
    if (s) result = semiAntiJoin(result, from.fields, s, outer, binder);
  }
  return result;
}

function semiAntiJoin(
  left: LogicalNode,
  outerFields: readonly Field[],
  s: SubqueryConjunct,
  outer: ExprBinder,
  binder: SubqueryBinder,
): LogicalNode {
  const nL = left.rowType.fields.length;
  const conditions: Expr[] = [];
  let right: LogicalNode;
  let item: Expr | undefined;
  const q = s.query;
  if (q.kind === 'Select' && q.from && q.groupBy.length === 0 && !q.having && !hasAggregate(q)) {
    // A plain SELECT … FROM … WHERE …: its WHERE may refer to the outer query's columns.
    const inner = binder.bindFrom(q.from);
    right = inner.node;
    if (q.where) {
      rejectAggregate(q.where, 'WHERE clause');
      const correlated = new ExprBinder(new CorrelatedScope(outerFields, inner.fields));
      conditions.push(correlated.bindCondition(q.where, 'WHERE clause'));
    }
    if (s.operand) {
      const only = singleItem(q);
      item = new ExprBinder(new Scope(inner.fields)).bind(only);
    }
  } else {
    // Anything else (aggregates, UNION, VALUES …) is bound as an uncorrelated query.
    const bound = binder.bindQuery(q);
    right = bound.node;
    if (s.operand) {
      if (bound.fields.length !== 1)
        throw validationError(`The subquery of IN must return one column, not ${bound.fields.length}`, q.pos);
      item = inputRef(0, bound.fields[0].type);
    }
  }
  if (s.operand && item) {
    const x = outer.bind(s.operand);
    const equality = equalityOf(x, item, s.pos);
    const y = substitute(
      item,
      right.rowType.fields.map((f, i) => inputRef(nL + i, f.type)),
    );
    const xy = substitute(equality, [x, y]);
    if (s.negated && (x.type.nullable || y.type.nullable)) {
      const isNull = (e: Expr) => call('IS NULL', [e], Types.BOOLEAN(false));
      conditions.unshift(
        call('OR', [call('OR', [xy, isNull(x)], Types.BOOLEAN()), isNull(y)], Types.BOOLEAN()),
      );
    } else conditions.unshift(xy);
  }
  const joinType: JoinType = s.negated ? 'ANTI' : 'SEMI';
  const condition =
    conditions.length === 0
      ? literal(true, Types.BOOLEAN(false))
      : conditions.reduce((a, b) => call('AND', [a, b], Types.BOOLEAN()));
  const join: LogicalJoin = {
    kind: 'LogicalJoin',
    left,
    right,
    joinType,
    condition,
    rowType: left.rowType,
    pos: s.pos,
  };
  return join;
}

function hasAggregate(q: A.Select): boolean {
  return q.items.some((i) => i.kind === 'SelectExpr' && findAggregate(i.expr) !== undefined);
}

function singleItem(q: A.Select): A.Expr {
  const only = q.items.length === 1 ? q.items[0] : undefined;
  if (only?.kind !== 'SelectExpr') throw validationError('The subquery of IN must return one column', q.pos);
  return only.expr;
}

/**
 * `x = y` with the comparison's type rules (Calcite coerces both sides to a common type), bound
 * over a two-column row [x, y] the caller substitutes.
 */
function equalityOf(x: Expr, y: Expr, pos: A.Pos): Expr {
  const scope = new Scope([
    { name: '$x', type: x.type },
    { name: '$y', type: y.type },
  ]);
  const ref = (name: string): A.ColumnRef => ({
    kind: 'ColumnRef',
    parts: [{ kind: 'Ident', value: name, pos }],
    pos,
  });
  return new ExprBinder(scope).bind({
    kind: 'BinaryExpr',
    op: '=',
    left: ref('$x'),
    right: ref('$y'),
    opPos: pos,
    pos,
  });
}
