import { call, inputRef, literal } from '../../common/expr.js';
import { Types } from '../../common/types.js';
import {
  type LogicalOverWindow,
  logicalFilter,
  logicalProject,
  type OverOrderKey,
} from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { unsupported, validationError } from './errors.js';
import type { BoundQuery } from './query.js';

/** A LIMIT / OFFSET count: a non-negative integer literal. */
function count(e: A.Expr, clause: string): number {
  if (e.kind !== 'NumericLiteral' || !/^\d+$/.test(e.text))
    throw validationError(`${clause} must be a non-negative integer literal`, e.pos);
  return Number(e.text);
}

/** An ORDER BY item as a column of the query's output: its name, or its position (1-based). */
function orderKey(item: A.OrderItem, bound: BoundQuery): OverOrderKey {
  const e = item.expr;
  let index = -1;
  if (e.kind === 'ColumnRef' && e.parts.length === 1)
    index = bound.fields.findIndex((f) => f.name === e.parts[0].value);
  else if (e.kind === 'NumericLiteral' && /^\d+$/.test(e.text)) index = Number(e.text) - 1;
  if (index < 0 || index >= bound.fields.length)
    throw unsupported(
      'ORDER BY an expression that is not a column of the SELECT list',
      e.pos,
      'select the expression with an alias and order by the alias',
    );
  return {
    index,
    descending: item.descending,
    nullsFirst: item.nulls ? item.nulls === 'FIRST' : !item.descending,
  };
}

/**
 * `… [ORDER BY keys] LIMIT n [OFFSET m]` in a streaming query, as Flink runs it (its Limit and
 * SortLimit are Top-N functions without a partition): the query's rows ranked by ROW_NUMBER() over
 * the ORDER BY (without one, in arrival order), the ranks m+1 … m+n kept — a Rank at parallelism 1
 * that updates its result as better rows arrive. ORDER BY without LIMIT is rejected (Flink sorts
 * only on an ascending time attribute there).
 */
export function bindLimit(q: A.OrderedQuery, bound: BoundQuery): BoundQuery {
  if (!q.limit)
    throw unsupported(
      q.orderBy.length > 0 ? 'ORDER BY without LIMIT' : 'OFFSET without LIMIT',
      q.orderBy[0]?.expr.pos ?? q.offset?.pos ?? q.pos,
      'add a LIMIT (a Top-N), or drop the ORDER BY: a streaming result has no order',
    );
  const limit = count(q.limit, 'LIMIT');
  const offset = q.offset ? count(q.offset, 'OFFSET') : 0;
  if (limit === 0) throw unsupported('LIMIT 0', q.limit.pos);
  const input = bound.node;
  const n = input.rowType.fields.length;
  const rankType = Types.BIGINT(false);
  const window: LogicalOverWindow = {
    kind: 'LogicalOverWindow',
    input,
    partitionKeys: [],
    orderKeys: q.orderBy.map((item) => orderKey(item, bound)),
    frame: { unit: 'ROWS', lower: { kind: 'UNBOUNDED PRECEDING' }, upper: { kind: 'CURRENT ROW' } },
    calls: [{ fn: 'ROW_NUMBER', args: [], distinct: false, type: rankType, name: '$rn', pos: q.limit.pos }],
    rowType: { fields: [...input.rowType.fields, { name: '$rn', type: rankType }] },
    pos: q.limit.pos,
    limit: { offset, fetch: limit },
  };
  const rn = inputRef(n, rankType);
  const upTo = call('<=', [rn, literal(offset + limit, rankType)], Types.BOOLEAN(false));
  const condition =
    offset > 0
      ? call(
          'AND',
          [call('>', [rn, literal(offset, rankType)], Types.BOOLEAN(false)), upTo],
          Types.BOOLEAN(false),
        )
      : upTo;
  const kept = logicalFilter(window, condition);
  return {
    node: logicalProject(
      kept,
      input.rowType.fields.map((f, i) => inputRef(i, f.type)),
      input.rowType.fields.map((f) => f.name),
    ),
    fields: bound.fields,
  };
}
