import { WeirError } from '../../common/errors.js';
import { call, type Expr, inputRef } from '../../common/expr.js';
import { type LogicalType, Types } from '../../common/types.js';
import { identifierText } from '../catalog/catalog.js';
import type { LogicalJoin, LogicalNode, LogicalSnapshot } from '../logical/nodes.js';
import { substitute } from '../rules/calc-merge.js';
import { collectInputs } from '../rules/watermark-project-prune.js';
import { and, conjunctions } from './join.js';
import type { PhysicalLookupKey, PhysicalNode } from './nodes.js';
import { upsertKeyOf } from './upsert-key.js';

/**
 * `l JOIN r FOR SYSTEM_TIME AS OF l.t ON …` (a LogicalJoin whose right side is a LogicalSnapshot),
 * planned as Flink plans it:
 * - on a processing-time attribute over a table that can be looked up (JDBC): a LookupJoin, the
 *   ON equalities between a table column and a left column or a constant being the lookup keys;
 * - on a processing-time attribute over anything else: rejected, as in Flink ("Processing-time
 *   temporal join is not supported yet");
 * - on a rowtime attribute over a versioned table (a primary key, or the unique key of a
 *   deduplicating view, and a rowtime attribute): a TemporalJoin hashed by the join keys, which
 *   must contain that key.
 * Conditions over the left side alone go below the join when it is INNER; the WHERE clause's do
 * for both join types (the left side is never padded); the rest of the WHERE stays above.
 */
export function convertTemporalJoin(
  join: LogicalJoin,
  where: Expr | undefined,
  toPhysical: (node: LogicalNode) => PhysicalNode,
): PhysicalNode {
  const snapshot = join.right as LogicalSnapshot;
  const joinType = join.joinType as 'INNER' | 'LEFT';
  const nL = join.left.rowType.fields.length;
  const sideOf = (e: Expr): 'none' | 'left' | 'right' | 'both' => {
    const refs = [...collectInputs(e, new Set())];
    if (refs.length === 0) return 'none';
    if (refs.every((i) => i < nL)) return 'left';
    if (refs.every((i) => i >= nL)) return 'right';
    return 'both';
  };
  const leftFilters: Expr[] = [];
  const above: Expr[] = [];
  /** ON conjuncts kept in the join, in their order: key equalities and the rest. */
  const kept: Expr[] = [];
  for (const c of conjunctions(join.condition)) {
    if (sideOf(c) === 'left' && joinType === 'INNER') leftFilters.push(c);
    else kept.push(c);
  }
  for (const c of conjunctions(where)) {
    if (sideOf(c) === 'left') leftFilters.push(c);
    else above.push(c);
  }
  let left = toPhysical(join.left);
  const leftCondition = and(leftFilters);
  if (leftCondition) {
    left = {
      kind: 'Calc',
      input: left,
      projection: left.rowType.fields.map((f, i) => inputRef(i, f.type)),
      condition: leftCondition,
      rowType: left.rowType,
      changelogMode: left.changelogMode,
    };
  }
  const period = snapshot.period.kind === 'input' ? snapshot.period.index : -1;
  const timeAttribute = join.left.rowType.fields[period]?.type.timeAttribute;
  const result =
    timeAttribute === 'PROCTIME'
      ? lookupJoin(join, snapshot, joinType, left, kept)
      : temporalJoin(join, snapshot, joinType, left, period, kept, toPhysical);
  const condition = and(above);
  if (!condition) return result;
  return {
    kind: 'Calc',
    input: result,
    projection: result.rowType.fields.map((f, i) => inputRef(i, f.type)),
    condition,
    rowType: result.rowType,
    changelogMode: result.changelogMode,
  };
}

/** `a = b` as [left field, right field] when it equates a column of each side. */
export function fieldEquality(c: Expr, nL: number): [number, number] | undefined {
  if (c.kind !== 'call' || c.fn !== '=' || c.args.length !== 2) return undefined;
  const [a, b] = c.args;
  if (a.kind !== 'input' || b.kind !== 'input') return undefined;
  if (a.index < nL && b.index >= nL) return [a.index, b.index - nL];
  if (b.index < nL && a.index >= nL) return [b.index, a.index - nL];
  return undefined;
}

/** Values of these types compare equal in the runtime exactly when SQL's `=` says so. */
function sameKeyType(a: LogicalType, b: LogicalType): boolean {
  const integer = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT'];
  const text = ['CHAR', 'VARCHAR'];
  if (integer.includes(a.root) && integer.includes(b.root)) return true;
  if (text.includes(a.root) && text.includes(b.root)) return true;
  if (a.root !== b.root) return false;
  return a.root !== 'DECIMAL' || (a.scale ?? 0) === (b.scale ?? 0);
}

function lookupJoin(
  join: LogicalJoin,
  snapshot: LogicalSnapshot,
  joinType: 'INNER' | 'LEFT',
  input: PhysicalNode,
  kept: readonly Expr[],
): PhysicalNode {
  let left = input;
  const scan = snapshot.input;
  if (scan.kind !== 'LogicalTableScan' || !scan.connector.lookup) {
    const wrapped = lookupTableBelow(scan);
    throw new WeirError(
      'SQL_UNSUPPORTED',
      wrapped
        ? `A lookup join on a view of, or a table with computed columns or a watermark over, table '${identifierText(wrapped.table.identifier)}' is not supported yet`
        : 'Processing-time temporal join is not supported yet.',
      {
        position: snapshot.pos,
        hint: wrapped
          ? 'join the lookup table itself, declared with physical columns only'
          : 'join a lookup table (JDBC) as of a PROCTIME() attribute, or a versioned table as of a rowtime attribute',
      },
    );
  }
  const nL = join.left.rowType.fields.length;
  const tableFields = scan.rowType.fields;
  const keys: PhysicalLookupKey[] = [];
  const rest: Expr[] = [];
  // Left key expressions that are not plain columns (`MOD(b.auction, 10000) = s.key`) are
  // computed by a Calc below the join, as extra columns after the left row's.
  const extras: Expr[] = [];
  for (const c of kept) {
    const eq = leftExpressionEquality(c, nL);
    if (eq && sameKeyType(eq.left.type, tableFields[eq.tableField].type)) {
      let inputField: number;
      if (eq.left.kind === 'input') inputField = eq.left.index;
      else {
        const same = extras.findIndex((x) => JSON.stringify(x) === JSON.stringify(eq.left));
        inputField = nL + (same >= 0 ? same : extras.push(eq.left) - 1);
      }
      keys.push({ kind: 'field', tableField: eq.tableField, inputField });
      continue;
    }
    const constant = constantEquality(c, nL);
    if (constant && sameKeyType(constant.value.type, tableFields[constant.tableField].type)) {
      keys.push({ kind: 'constant', ...constant });
      continue;
    }
    rest.push(c);
  }
  if (!keys.some((k) => k.kind === 'field')) {
    throw new WeirError(
      'SQL_VALIDATION',
      `Temporal table join requires an equality condition on fields of table [${identifierText(scan.table.identifier)}].`,
      {
        position: join.pos ?? snapshot.pos,
        hint: 'equate a column of the lookup table with an expression of the other side in ON (of the same type; CAST it otherwise)',
      },
    );
  }
  const nE = extras.length;
  if (nE > 0) {
    const fields = left.rowType.fields;
    const used = new Set(join.rowType.fields.map((f) => f.name));
    left = {
      kind: 'Calc',
      input: left,
      projection: [...fields.map((f, i) => inputRef(i, f.type)), ...extras],
      rowType: {
        fields: [
          ...fields,
          ...extras.map((e, k) => {
            let name = `$f${fields.length + k}`;
            for (let i = 0; used.has(name); i++) name = `$f${fields.length + k}_${i}`;
            used.add(name);
            return { name, type: plain(e.type) };
          }),
        ],
      },
      changelogMode: left.changelogMode,
    };
  }
  // Joined-row index before → after the extra key columns.
  const leftFields = join.rowType.fields
    .slice(0, nL)
    .map((f, i) => ({ ...f, type: left.rowType.fields[i].type }));
  const rightFields = join.rowType.fields.slice(nL).map((f) => ({ ...f, type: plain(f.type) }));
  const remap: Expr[] = [
    ...leftFields.map((f, i) => inputRef(i, f.type)),
    ...rightFields.map((f, i) => inputRef(nL + nE + i, f.type)),
  ];
  const whereCondition = and(rest.filter((c) => sideOfRight(c, nL)).map((c) => substitute(c, remap)));
  const joinCondition = and(rest.filter((c) => !sideOfRight(c, nL)).map((c) => substitute(c, remap)));
  const lookup: PhysicalNode = {
    kind: 'LookupJoin',
    input: left,
    table: scan.table,
    connector: scan.connector,
    joinType,
    keys,
    tableType: scan.rowType,
    ...(whereCondition ? { where: whereCondition } : {}),
    ...(joinCondition ? { joinCondition } : {}),
    rowType: { fields: [...left.rowType.fields, ...rightFields] },
    changelogMode: left.changelogMode,
  };
  if (nE === 0) return lookup;
  return {
    kind: 'Calc',
    input: lookup,
    projection: remap,
    rowType: { fields: [...leftFields, ...rightFields] },
    changelogMode: lookup.changelogMode,
  };
}

/** `expr = r.col` (either way round) with `expr` over the left row only, as a lookup key. */
function leftExpressionEquality(c: Expr, nL: number): { left: Expr; tableField: number } | undefined {
  if (c.kind !== 'call' || c.fn !== '=' || c.args.length !== 2) return undefined;
  for (const [a, b] of [
    [c.args[0], c.args[1]],
    [c.args[1], c.args[0]],
  ]) {
    if (b.kind !== 'input' || b.index < nL) continue;
    const refs = [...collectInputs(a, new Set())];
    if (refs.length > 0 && refs.every((i) => i < nL)) return { left: a, tableField: b.index - nL };
  }
  return undefined;
}

const plain = (t: LogicalType): LogicalType => (t.timeAttribute ? { ...t, timeAttribute: undefined } : t);

const sideOfRight = (c: Expr, nL: number): boolean => {
  const refs = [...collectInputs(c, new Set())];
  return refs.length > 0 && refs.every((i) => i >= nL);
};

/** `r.col = constant` (either way round) as a constant lookup key. */
function constantEquality(c: Expr, nL: number): { tableField: number; value: Expr } | undefined {
  if (c.kind !== 'call' || c.fn !== '=' || c.args.length !== 2) return undefined;
  const [a, b] = c.args;
  const [ref, value] = a.kind === 'input' ? [a, b] : [b, a];
  if (ref.kind !== 'input' || ref.index < nL || value.kind !== 'literal' || value.value === null)
    return undefined;
  return { tableField: ref.index - nL, value };
}

/** The lookup-capable scan under computed columns or a watermark, for a better message. */
function lookupTableBelow(node: LogicalNode) {
  for (let n: LogicalNode = node; ; ) {
    if (n.kind === 'LogicalTableScan') return n.connector.lookup ? n : undefined;
    if (n.kind !== 'LogicalProject' && n.kind !== 'LogicalWatermarkAssigner') return undefined;
    n = n.input;
  }
}

function temporalJoin(
  join: LogicalJoin,
  snapshot: LogicalSnapshot,
  joinType: 'INNER' | 'LEFT',
  left: PhysicalNode,
  leftTime: number,
  kept: readonly Expr[],
  toPhysical: (node: LogicalNode) => PhysicalNode,
): PhysicalNode {
  const right = toPhysical(snapshot.input);
  const nL = join.left.rowType.fields.length;
  const primaryKey = upsertKeyOf(right);
  if (!primaryKey) {
    throw new WeirError(
      'SQL_VALIDATION',
      'Temporal Table Join requires primary key in versioned table, but no primary key can be found.',
      {
        position: snapshot.pos,
        hint: 'declare PRIMARY KEY (…) NOT ENFORCED on the versioned table, or join a deduplicating view (ROW_NUMBER() … = 1)',
      },
    );
  }
  const rightTime = right.rowType.fields.findIndex((f) => f.type.timeAttribute === 'ROWTIME');
  if (rightTime < 0) {
    throw new WeirError(
      'SQL_VALIDATION',
      'Event-Time Temporal Table Join requires both primary key and row time attribute in versioned table, but no row time attribute can be found.',
      { position: snapshot.pos, hint: 'declare a WATERMARK FOR a column of the versioned table' },
    );
  }
  const leftKeys: number[] = [];
  const rightKeys: number[] = [];
  const nonEqui: Expr[] = [];
  for (const c of kept) {
    const eq = fieldEquality(c, nL);
    if (eq && sameKeyType(join.left.rowType.fields[eq[0]].type, right.rowType.fields[eq[1]].type)) {
      leftKeys.push(eq[0]);
      rightKeys.push(eq[1]);
    } else nonEqui.push(c);
  }
  const names = right.rowType.fields.map((f) => f.name);
  if (!primaryKey.every((k) => rightKeys.includes(k))) {
    throw new WeirError(
      'SQL_VALIDATION',
      `Temporal table's primary key [${primaryKey.map((k) => names[k]).join(', ')}] must be included in the equivalence condition of temporal join`,
      {
        position: join.pos ?? snapshot.pos,
        hint: 'equate every primary key column of the versioned table in ON',
      },
    );
  }
  const fields = [
    ...join.rowType.fields.slice(0, nL).map((f, i) => ({ ...f, type: left.rowType.fields[i].type })),
    ...join.rowType.fields.slice(nL).map((f) => ({ ...f, type: plain(f.type) })),
  ];
  const ref = (i: number) => inputRef(i, fields[i].type);
  const marker = (fn: string, indexes: readonly number[]) =>
    call(
      fn,
      indexes.map((i) => ref(i)),
      Types.BOOLEAN(),
    );
  // Flink prints the versioned-table condition as a marker call after the ON conjuncts.
  const temporalCondition = call(
    '__TEMPORAL_JOIN_CONDITION',
    [
      ref(leftTime),
      ref(nL + rightTime),
      marker(
        '__TEMPORAL_JOIN_CONDITION_PRIMARY_KEY',
        primaryKey.map((k) => nL + k),
      ),
      marker('__TEMPORAL_JOIN_LEFT_KEY', leftKeys),
      marker(
        '__TEMPORAL_JOIN_RIGHT_KEY',
        rightKeys.map((k) => nL + k),
      ),
    ],
    Types.BOOLEAN(),
  );
  const exchange = (input: PhysicalNode, keys: readonly number[]): PhysicalNode => ({
    kind: 'Exchange',
    input,
    distribution: { kind: 'hash', keys },
    rowType: input.rowType,
    changelogMode: input.changelogMode,
  });
  const nonEquiCondition = and(nonEqui);
  return {
    kind: 'TemporalJoin',
    left: exchange(left, leftKeys),
    right: exchange(right, rightKeys),
    joinType,
    leftKeys,
    rightKeys,
    condition: and([...kept, temporalCondition])!,
    ...(nonEquiCondition ? { nonEquiCondition } : {}),
    leftInputSpec: 'NoUniqueKey',
    rightInputSpec: 'JoinKeyContainsUniqueKey',
    leftTimeIndex: leftTime,
    rightTimeIndex: rightTime,
    rightPrimaryKey: primaryKey,
    rowType: { fields },
    changelogMode: left.changelogMode,
  };
}
