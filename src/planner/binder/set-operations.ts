import { type Expr, inputRef } from '../../common/expr.js';
import { formatType, type LogicalType, Types, withNullability } from '../../common/types.js';
import { type LogicalNode, logicalProject } from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { convert } from './coerce.js';
import { validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import type { BoundQuery, OutputField } from './query.js';
import { Scope } from './scope.js';
import { commonType } from './types.js';

/**
 * VALUES, UNION ALL, UNION and SELECT DISTINCT: the sources and set operations that need no
 * connector. Column types are the least restrictive type of each column over all rows (or both
 * inputs), as Calcite infers them with Flink's type system, which turns CHAR columns of
 * different lengths into VARCHAR (FlinkTypeSystem.shouldConvertRaggedUnionTypesToVarying).
 */

/** The least restrictive type of one column over several rows or inputs. */
function leastRestrictive(types: readonly LogicalType[]): LogicalType | undefined {
  let result: LogicalType | undefined = types[0];
  for (const t of types.slice(1)) {
    if (!result) return undefined;
    const ragged: boolean = result.root === 'CHAR' && t.root === 'CHAR' && result.length !== t.length;
    result = ragged
      ? Types.VARCHAR(Math.max(result.length ?? 1, t.length ?? 1), result.nullable || t.nullable)
      : commonType(result, t);
  }
  return result;
}

/**
 * `VALUES (1, 'a'), (2, 'b')`: a bounded source of constant rows whose columns are named
 * EXPR$0, EXPR$1 … (renamed by `AS t(x, y)`). Each expression is bound without any columns in
 * scope and converted to its column's type.
 */
export function bindValues(q: A.Values): BoundQuery {
  const binder = new ExprBinder(new Scope([]));
  const rows = q.rows.map((row) => row.map((e) => binder.bind(e)));
  const width = rows[0].length;
  rows.forEach((row, r) => {
    if (row.length !== width)
      throw validationError(
        `Values passed to VALUES operator must have compatible types: row ${r + 1} has ${row.length} columns, the first row ${width}`,
        q.rows[r][0].pos,
      );
  });
  const types = Array.from({ length: width }, (_, c) => {
    const t = leastRestrictive(rows.map((row) => row[c].type));
    if (!t)
      throw validationError(
        `Values passed to VALUES operator must have compatible types: column ${c + 1} mixes ${[
          ...new Set(rows.map((row) => formatType(row[c].type))),
        ].join(' and ')}`,
        q.rows[0][c].pos,
      );
    // A VALUES column of NULL literals only is NULL in Calcite; keep it a nullable type a row can hold.
    return t.root === 'NULL' ? withNullability(Types.INT(), true) : t;
  });
  const names = types.map((_, i) => `EXPR$${i}`);
  const tuples = rows.map((row) => row.map((e, c) => convert(e, types[c])));
  const node: LogicalNode = {
    kind: 'LogicalValues',
    tuples,
    rowType: { fields: types.map((type, i) => ({ name: names[i], type })) },
  };
  return { node, fields: types.map((type, i) => ({ name: names[i], type, pos: q.pos })) };
}

/**
 * `left UNION ALL right`: both inputs' rows, with the left input's column names and each column
 * converted to the least restrictive type of the two. `UNION` (distinct) is that followed by a
 * group aggregation on every column, as Flink plans it.
 */
export function bindUnion(q: A.SetOperation, left: BoundQuery, right: BoundQuery): BoundQuery {
  if (left.fields.length !== right.fields.length)
    throw validationError(
      `Column count mismatch in UNION${q.all ? ' ALL' : ''}: the left input has ${left.fields.length} columns, the right ${right.fields.length}`,
      q.pos,
    );
  const types = left.fields.map((f, i) => {
    const t = leastRestrictive([f.type, right.fields[i].type]);
    if (!t)
      throw validationError(
        `Type mismatch in column ${i + 1} of UNION${q.all ? ' ALL' : ''}: ${formatType(f.type)} and ${formatType(right.fields[i].type)}`,
        q.pos,
      );
    return withoutTimeAttribute(t);
  });
  const names = left.fields.map((f) => f.name);
  const aligned = (bound: BoundQuery): LogicalNode => {
    const exprs: Expr[] = bound.fields.map((f, i) => convert(inputRef(i, f.type), types[i]));
    const identity = exprs.every((e, i) => e.kind === 'input' && sameType(e.type, types[i]));
    return identity && bound.fields.every((f, i) => f.name === names[i])
      ? bound.node
      : logicalProject(bound.node, exprs, names);
  };
  const fields: OutputField[] = types.map((type, i) => ({ name: names[i], type, pos: left.fields[i].pos }));
  const union: LogicalNode = {
    kind: 'LogicalUnion',
    inputs: [aligned(left), aligned(right)],
    all: true,
    rowType: { fields: types.map((type, i) => ({ name: names[i], type })) },
  };
  return q.all ? { node: union, fields } : distinct({ node: union, fields });
}

/** SELECT DISTINCT and UNION: a group aggregation on every column with no aggregate calls. */
export function distinct(bound: BoundQuery): BoundQuery {
  const groupSet = bound.fields.map((_, i) => i);
  return {
    node: {
      kind: 'LogicalAggregate',
      input: bound.node,
      groupSet,
      aggCalls: [],
      rowType: {
        fields: bound.node.rowType.fields.map((f) => ({ ...f, type: withoutTimeAttribute(f.type) })),
      },
    },
    fields: bound.fields.map((f) => ({ ...f, type: withoutTimeAttribute(f.type) })),
  };
}

const withoutTimeAttribute = (t: LogicalType): LogicalType =>
  t.timeAttribute ? { ...t, timeAttribute: undefined } : t;

const sameType = (a: LogicalType, b: LogicalType) => formatType(a) === formatType(b);
