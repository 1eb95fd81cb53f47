import { type Expr, literal } from '../../common/expr.js';
import type { JoinType } from '../../common/jobgraph.js';
import { type LogicalType, Types, withNullability } from '../../common/types.js';
import type { LogicalJoin, LogicalNode } from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { rejectAggregate } from './aggregate.js';
import { unsupported, validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import type { BoundFrom } from './query.js';
import { type Field, Scope } from './scope.js';
import { bindUnnest } from './unnest.js';

const JOIN_TYPES: Readonly<Record<A.JoinType, JoinType>> = {
  INNER: 'INNER',
  COMMA: 'INNER',
  CROSS: 'INNER',
  LEFT: 'LEFT',
  RIGHT: 'RIGHT',
  FULL: 'FULL',
};

/**
 * `a JOIN b ON cond`, `a LEFT|RIGHT|FULL [OUTER] JOIN b ON cond`, `a CROSS JOIN b` and `a, b`, as
 * Calcite binds them: a LogicalJoin whose row is a's columns then b's, every column still
 * reachable by its table's name or alias; the ON condition is bound over that row. A comma join
 * or CROSS JOIN has condition TRUE: the planner takes its equalities from the WHERE clause above.
 * The columns an outer join may pad with NULLs become nullable. Time attributes are kept here, so
 * the planner can tell an interval join (bounds on both sides' rowtimes) from a regular one.
 */
export function bindJoin(ref: A.JoinRef, bindFrom: (ref: A.TableRef) => BoundFrom): BoundFrom {
  const joinType = JOIN_TYPES[ref.type];
  const left = bindFrom(ref.left);
  if (ref.right.kind === 'UnnestRef') return bindUnnest(ref, ref.right, left);
  const temporal = ref.right.kind === 'TableName' ? ref.right.forSystemTime : undefined;
  const right = bindFrom(
    temporal && ref.right.kind === 'TableName' ? { ...ref.right, forSystemTime: undefined } : ref.right,
  );
  const leftNames = new Set(left.fields.map((f) => f.qualifier));
  const clash = right.fields.find((f) => f.qualifier !== undefined && leftNames.has(f.qualifier));
  if (clash) {
    throw validationError(
      `Duplicate relation name '${clash.qualifier}' in FROM clause`,
      ref.right.pos,
      'give one of them an alias',
    );
  }
  const scope = new Scope([...left.fields, ...right.fields]);
  let condition: Expr = literal(true, Types.BOOLEAN(false));
  if (ref.on) {
    rejectAggregate(ref.on, 'ON clause');
    condition = new ExprBinder(scope).bindCondition(ref.on, 'ON clause');
  } else if (ref.type !== 'COMMA' && ref.type !== 'CROSS') {
    throw unsupported(`${ref.type} JOIN without ON`, ref.right.pos, 'give the join condition with ON');
  }
  const padded = (f: Field, nullable: boolean): Field =>
    nullable ? { ...f, type: withNullability(f.type, true) } : f;
  const fields = [
    ...left.fields.map((f) => padded(f, joinType === 'RIGHT' || joinType === 'FULL')),
    ...right.fields.map((f) => padded(f, joinType === 'LEFT' || joinType === 'FULL')),
  ];
  const node: LogicalJoin = {
    kind: 'LogicalJoin',
    left: left.node,
    right: temporal ? snapshot(temporal, ref, left, right.node) : right.node,
    joinType,
    condition,
    rowType: { fields: uniqueNames(fields.map((f) => ({ name: f.name, type: f.type }))) },
    pos: ref.right.pos,
  };
  return { node, fields };
}

/**
 * The right side of `l JOIN r FOR SYSTEM_TIME AS OF l.t`: r as of the left row's time attribute,
 * which is all Flink accepts as the period; only INNER and LEFT joins can be temporal.
 */
function snapshot(period: A.Expr, ref: A.JoinRef, left: BoundFrom, right: LogicalNode): LogicalNode {
  if (ref.type !== 'INNER' && ref.type !== 'LEFT') {
    throw unsupported(
      `A temporal table join (FOR SYSTEM_TIME AS OF) as a ${ref.type} JOIN`,
      ref.right.pos,
      'only INNER JOIN and LEFT JOIN can join a table as of a time',
    );
  }
  if (!ref.on) throw validationError('A temporal table join needs an ON condition', ref.right.pos);
  const bound = new ExprBinder(new Scope(left.fields)).bind(period);
  if (bound.kind !== 'input' || !bound.type.timeAttribute) {
    throw validationError(
      "Temporal table join currently only supports 'FOR SYSTEM_TIME AS OF' left table's time attribute field",
      period.pos,
      "write the left table's rowtime column (WATERMARK FOR) or a PROCTIME() column",
    );
  }
  return {
    kind: 'LogicalSnapshot',
    input: right,
    period: bound,
    periodName: left.fields[bound.index].name,
    pos: period.pos,
    rowType: right.rowType,
  };
}

/** Calcite's uniquified join row: a repeated name gets a numeric suffix (id, id0, id1 …). */
function uniqueNames(fields: readonly { name: string; type: LogicalType }[]) {
  const used = new Set<string>();
  return fields.map((f) => {
    let name = f.name;
    for (let i = 0; used.has(name); i++) name = `${f.name}${i}`;
    used.add(name);
    return { ...f, name };
  });
}
