import { formatType, type LogicalType, withNullability } from '../../common/types.js';
import type { LogicalCorrelate } from '../logical/nodes.js';
import { logicalFilter } from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { rejectAggregate } from './aggregate.js';
import { unsupported, validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import type { BoundFrom } from './query.js';
import { type Field, Scope } from './scope.js';

/** The columns one element of a collection makes: a ROW's fields, a MAP entry's key and value, or the element. */
function elementColumns(type: LogicalType): { name: string; type: LogicalType }[] {
  if (type.root === 'MAP') {
    return [
      { name: 'f0', type: type.key! },
      { name: 'f1', type: type.value! },
    ];
  }
  const element = type.element!;
  if (element.root === 'ROW' && element.fields) {
    // A NULL element of a nullable ROW type makes every field NULL.
    return element.fields.map((f) => ({
      name: f.name,
      type: element.nullable ? withNullability(f.type, true) : f.type,
    }));
  }
  return [{ name: 'f0', type: element }];
}

/**
 * `t CROSS JOIN UNNEST(t.c) AS u(x)`, `t, UNNEST(t.c) AS u(x)`, `t [INNER] JOIN UNNEST(t.c) AS
 * u(x) ON cond` and `t LEFT JOIN UNNEST(t.c) AS u(x) ON TRUE`, as Flink binds them: Calcite's
 * LogicalCorrelate of the left relation with the Uncollect of `c`, an ARRAY, MULTISET or MAP
 * expression over the left row (correlated with it). The left row is repeated once per element:
 * an ARRAY's and MULTISET's element (or its ROW's fields), a MAP's key and value. A LEFT join keeps
 * a row whose collection is empty or NULL, padded with NULLs.
 */
export function bindUnnest(ref: A.JoinRef, unnest: A.UnnestRef, left: BoundFrom): BoundFrom {
  if (unnest.withOrdinality)
    throw unsupported(
      'UNNEST … WITH ORDINALITY',
      unnest.withOrdinality,
      'Flink 1.20 does not have it either (Flink 2.1 adds it); drop WITH ORDINALITY',
    );
  if (unnest.args.length !== 1)
    throw unsupported(
      'UNNEST of more than one collection',
      unnest.args[1].pos,
      'unnest one collection per join',
    );
  const joinType =
    ref.type === 'LEFT' ? 'LEFT' : ref.type === 'RIGHT' || ref.type === 'FULL' ? undefined : 'INNER';
  if (!joinType)
    throw unsupported(
      `${ref.type} JOIN UNNEST`,
      ref.right.pos,
      'use CROSS JOIN UNNEST or LEFT JOIN UNNEST … ON TRUE',
    );
  const isTrue = (e: A.Expr | undefined) => e?.kind === 'BooleanLiteral' && e.value === true;
  if (joinType === 'LEFT' && !isTrue(ref.on))
    throw validationError(
      'A LEFT JOIN with UNNEST only accepts ON TRUE as its condition (as in Flink)',
      ref.on?.pos ?? ref.right.pos,
      'write `LEFT JOIN UNNEST(…) AS t(x) ON TRUE` and filter in WHERE',
    );
  const scope = new Scope(left.fields);
  rejectAggregate(unnest.args[0], 'UNNEST');
  const collection = new ExprBinder(scope).bind(unnest.args[0]);
  const type = collection.type;
  if (type.root !== 'ARRAY' && type.root !== 'MULTISET' && type.root !== 'MAP')
    throw validationError(
      `UNNEST expects an ARRAY, MULTISET or MAP, not ${formatType(type)}`,
      unnest.args[0].pos,
    );
  const elements = elementColumns(type).map((c) =>
    joinType === 'LEFT' ? { ...c, type: withNullability(c.type, true) } : c,
  );
  if (unnest.columns && unnest.columns.length !== elements.length)
    throw validationError(
      `UNNEST of ${formatType(type)} makes ${elements.length} column(s), but ${unnest.columns.length} name(s) are given`,
      unnest.columns[0].pos,
    );
  const qualifier = unnest.alias?.value;
  const names =
    unnest.columns?.map((c) => c.value) ??
    elements.map((c, i) => (c.name === 'f0' || c.name === 'f1' ? `EXPR$${i}` : c.name));
  const fields: Field[] = [
    ...left.fields,
    ...elements.map((c, i) => ({ name: names[i], type: c.type, ...(qualifier ? { qualifier } : {}) })),
  ];
  const used = new Set(left.node.rowType.fields.map((f) => f.name));
  const fresh = (name: string) => {
    let n = name;
    for (let i = 0; used.has(n); i++) n = `${name}${i}`;
    used.add(n);
    return n;
  };
  const node: LogicalCorrelate = {
    kind: 'LogicalCorrelate',
    input: left.node,
    collection,
    joinType,
    rowType: {
      fields: [...left.node.rowType.fields, ...elements.map((c) => ({ name: fresh(c.name), type: c.type }))],
    },
    pos: unnest.pos,
  };
  if (joinType === 'INNER' && ref.on && !isTrue(ref.on)) {
    rejectAggregate(ref.on, 'ON clause');
    return {
      node: logicalFilter(node, new ExprBinder(new Scope(fields)).bindCondition(ref.on, 'ON clause')),
      fields,
    };
  }
  return { node, fields };
}
