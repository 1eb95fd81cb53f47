import type * as A from '../parser/ast.js';
import { children } from './aggregate.js';
import { findOverCalls } from './over.js';
import { conjunctsOf } from './subquery.js';

/**
 * A WHERE that names the alias of an OVER call of its own SELECT:
 *
 *   SELECT *, ROW_NUMBER() OVER (PARTITION BY id ORDER BY price DESC) AS rownum
 *   FROM bids WHERE rownum <= 1
 *
 * (Nexmark q6 is written so). Calcite rejects it — WHERE is evaluated before the SELECT list, so
 * `rownum` is not a column there — and so Flink cannot run q6. The author's intent is plain, and
 * is what QUALIFY means in other engines: filter the SELECT's rows by the window function's value.
 * weir reads it that way, by rewriting the SELECT to
 *
 *   SELECT * FROM (SELECT <items> FROM bids WHERE <the other conjuncts>) WHERE <the conjuncts naming aliases>
 *
 * which then plans as any query does (a ROW_NUMBER filter becomes a Top-N). A name that is also a
 * column of FROM stays that column, as in Calcite; nothing changes for queries Flink accepts.
 */
export function filterOnOverAliases(s: A.Select, fromColumns: ReadonlySet<string>): A.Select | undefined {
  if (!s.where || s.groupBy.length > 0 || s.having) return undefined;
  const overAliases = new Set(
    s.items.flatMap((item) =>
      item.kind === 'SelectExpr' && item.alias && findOverCalls(item.expr).length > 0
        ? [item.alias.value]
        : [],
    ),
  );
  if (overAliases.size === 0) return undefined;
  const namesAlias = (e: A.Expr): boolean =>
    e.kind === 'ColumnRef'
      ? e.parts.length === 1 && overAliases.has(e.parts[0].value) && !fromColumns.has(e.parts[0].value)
      : children(e).some(namesAlias);
  const conjuncts = conjunctsOf(s.where);
  const after = conjuncts.filter(namesAlias);
  if (after.length === 0) return undefined;
  const before = conjuncts.filter((c) => !namesAlias(c));
  const inner: A.Select = { ...s, where: and(before) };
  return {
    kind: 'Select',
    distinct: false,
    items: [{ kind: 'SelectStar', pos: s.pos }],
    from: { kind: 'SubqueryRef', query: inner, pos: s.pos },
    where: and(after),
    groupBy: [],
    pos: s.pos,
  };
}

function and(conjuncts: readonly A.Expr[]): A.Expr | undefined {
  return conjuncts.reduce<A.Expr | undefined>(
    (left, right) =>
      left === undefined
        ? right
        : { kind: 'BinaryExpr', op: 'AND', left, right, opPos: right.pos, pos: right.pos },
    undefined,
  );
}
