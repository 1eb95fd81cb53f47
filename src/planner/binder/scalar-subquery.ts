import { isWeirError, WeirError } from '../../common/errors.js';
import { literal } from '../../common/expr.js';
import { Types, withNullability } from '../../common/types.js';
import type { LogicalJoin } from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { findAggregate } from './aggregate.js';
import { unsupported, validationError } from './errors.js';
import type { BoundFrom, BoundQuery } from './query.js';
import type { Field } from './scope.js';

/** `node` with every scalar subquery outside nested queries replaced by `replace(subquery)`. */
function mapScalarSubqueries<T>(node: T, replace: (s: A.ScalarSubquery) => A.Expr): T {
  if (Array.isArray(node)) {
    const mapped = node.map((n) => mapScalarSubqueries(n, replace));
    return (mapped.every((m, i) => m === node[i]) ? node : mapped) as T;
  }
  if (node === null || typeof node !== 'object') return node;
  const kind = (node as { kind?: string }).kind;
  if (kind === 'ScalarSubquery') return replace(node as unknown as A.ScalarSubquery) as T;
  // A nested query's scalar subqueries are its own.
  if (kind === 'InSubqueryExpr' || kind === 'ExistsExpr') return node;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    const mapped = mapScalarSubqueries(value, replace);
    if (mapped !== value) changed = true;
    out[key] = mapped;
  }
  return (changed ? out : node) as T;
}

/** Whether a query always gives at most one row: a global aggregate, or VALUES of one row. */
function atMostOneRow(q: A.Query): boolean {
  if (q.kind === 'Values') return q.rows.length === 1;
  if (q.kind !== 'Select') return false;
  return (
    q.groupBy.length === 0 &&
    q.items.some((i) => i.kind === 'SelectExpr' && findAggregate(i.expr) !== undefined)
  );
}

/**
 * Uncollerated scalar subqueries in WHERE and in the SELECT list of a non-aggregating query, as
 * Calcite's SubQueryRemoveRule plans them in Flink: the FROM relation LEFT JOINed ON TRUE with the
 * subquery (a join without keys, at parallelism 1, as in Flink), the subquery replaced by its one
 * column — NULL while the subquery has no row. The subquery must give at most one row (a global
 * aggregate such as `SELECT AVG(price) FROM t`, or a one-row VALUES): Flink checks that at run time
 * (SINGLE_VALUE), weir when planning. A correlated scalar subquery is rejected.
 *
 * Returns the SELECT with each subquery replaced by a reference to a hidden column of the joined
 * FROM relation, or undefined when it has none.
 */
export function bindScalarSubqueries(
  s: A.Select,
  from: BoundFrom,
  bindQuery: (q: A.Query) => BoundQuery,
): { select: A.Select; from: BoundFrom } | undefined {
  const aggregating =
    s.groupBy.length > 0 || s.items.some((i) => i.kind === 'SelectExpr' && findAggregate(i.expr));
  let node = from.node;
  const fields: Field[] = [...from.fields];
  let count = 0;
  const replace = (sub: A.ScalarSubquery): A.Expr => {
    let bound: BoundQuery;
    try {
      bound = bindQuery(sub.query);
    } catch (err) {
      if (
        isWeirError(err) &&
        err.code === 'SQL_VALIDATION' &&
        /^(Column|Table) '.*' not found/.test(err.message)
      )
        throw new WeirError(
          'SQL_UNSUPPORTED',
          `A correlated scalar subquery is not supported yet (${err.message.replace(/ in .*$/, '')} in the subquery)`,
          {
            position: sub.pos,
            hint: 'aggregate per key in a subquery in FROM and join it on the key',
          },
        );
      throw err;
    }
    if (bound.fields.length !== 1)
      throw validationError(`A scalar subquery must return one column, not ${bound.fields.length}`, sub.pos);
    if (!atMostOneRow(sub.query))
      throw unsupported(
        'A scalar subquery that may return more than one row',
        sub.pos,
        'make it a global aggregate (e.g. SELECT MAX(x) FROM …), which returns at most one row',
      );
    const name = `$SCALAR_QUERY$${count++}`;
    const type = withNullability(bound.fields[0].type, true);
    const join: LogicalJoin = {
      kind: 'LogicalJoin',
      left: node,
      right: bound.node,
      joinType: 'LEFT',
      condition: literal(true, Types.BOOLEAN(false)),
      rowType: { fields: [...node.rowType.fields, { name, type }] },
      pos: sub.pos,
    };
    node = join;
    fields.push({ name, type, hidden: true });
    return { kind: 'ColumnRef', parts: [{ kind: 'Ident', value: name, pos: sub.pos }], pos: sub.pos };
  };
  const where = s.where && mapScalarSubqueries(s.where, replace);
  const items = aggregating ? s.items : mapScalarSubqueries(s.items, replace);
  if (count === 0) return undefined;
  return { select: { ...s, where, items }, from: { node, fields } };
}
