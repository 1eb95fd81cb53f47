import { WeirError } from '../../common/errors.js';
import { type Expr, inputRef } from '../../common/expr.js';
import type { AggregateCallSpec, WindowProperty } from '../../common/jobgraph.js';
import { type LogicalType, type RowField, Types } from '../../common/types.js';
import {
  type LogicalAggregate,
  type LogicalNode,
  type LogicalWindowTableFunction,
  logicalProject,
} from '../logical/nodes.js';
import { INSERT_ONLY, isInsertOnly } from './changelog.js';
import type { PhysicalNode, PhysicalWindowAggregate } from './nodes.js';

/**
 * Window aggregation planning (Flink's StreamPhysicalWindowAggregateRule): an aggregate over a
 * window TVF — through projections and filters that only pass the window columns along — whose
 * GROUP BY holds window_start and window_end becomes a WindowAggregate, which assigns rows to
 * windows itself: the TVF is replaced by its input, the time column taking the window columns'
 * places. Anything else over a window TVF (GROUP BY without window_end, a filter on window_start,
 * an aggregate of window_time, a changelog input) stays a GroupAggregate over a
 * WindowTableFunction, which is what Flink does too, and gives the same rows as a changelog.
 */

type WindowColumn = 'start' | 'end' | 'time';

/** The nodes from the aggregate's input down to the TVF, and which of each one's fields are window columns. */
interface WindowPath {
  readonly tvf: LogicalWindowTableFunction;
  /** Top (the aggregate's input) first. */
  readonly path: readonly LogicalNode[];
  /** Window columns among the aggregate input's fields. */
  readonly columns: ReadonlyMap<number, WindowColumn>;
}

function referenced(e: Expr, into: Set<number>): Set<number> {
  if (e.kind === 'input') into.add(e.index);
  else if (e.kind === 'call') for (const a of e.args) referenced(a, into);
  return into;
}

const touches = (e: Expr, columns: ReadonlyMap<number, WindowColumn>) =>
  [...referenced(e, new Set())].some((i) => columns.has(i));

/** Finds the TVF under `node` and traces its window columns up, if nothing on the way computes with them. */
function windowPath(node: LogicalNode): WindowPath | undefined {
  if (node.kind === 'LogicalWindowTableFunction') {
    const n = node.rowType.fields.length;
    const columns = new Map<number, WindowColumn>([
      [n - 3, 'start'],
      [n - 2, 'end'],
      [n - 1, 'time'],
    ]);
    return { tvf: node, path: [node], columns };
  }
  if (node.kind === 'LogicalFilter') {
    const below = windowPath(node.input);
    if (!below || touches(node.condition, below.columns)) return undefined;
    return { ...below, path: [node, ...below.path] };
  }
  if (node.kind === 'LogicalProject') {
    const below = windowPath(node.input);
    if (!below) return undefined;
    const columns = new Map<number, WindowColumn>();
    for (let i = 0; i < node.exprs.length; i++) {
      const e = node.exprs[i];
      const column = e.kind === 'input' ? below.columns.get(e.index) : undefined;
      if (column) columns.set(i, column);
      else if (touches(e, below.columns)) return undefined;
    }
    return { tvf: below.tvf, path: [node, ...below.path], columns };
  }
  return undefined;
}

/** The path rebuilt over the TVF's input, the time column standing in for the three window columns. */
function withoutTvf(path: readonly LogicalNode[]): LogicalNode {
  const tvf = path[path.length - 1] as LogicalWindowTableFunction;
  const input = tvf.input;
  const fields = input.rowType.fields;
  const time = inputRef(tvf.timeIndex, fields[tvf.timeIndex].type);
  let node: LogicalNode = logicalProject(
    input,
    [...fields.map((f, i) => inputRef(i, f.type)), time, time, time],
    tvf.rowType.fields.map((f) => f.name),
  );
  for (let i = path.length - 2; i >= 0; i--) {
    const n = path[i];
    if (n.kind === 'LogicalProject' || n.kind === 'LogicalFilter') node = { ...n, input: node };
  }
  return node;
}

const PROPERTY_NAMES: Record<WindowProperty, [tvf: string, legacy: string]> = {
  start: ['window_start', 'w$start'],
  end: ['window_end', 'w$end'],
  rowtime: ['window_time', 'w$rowtime'],
  proctime: ['window_time', 'w$proctime'],
};

/** A WindowAggregate for `node`, or undefined when it is a regular aggregation (see above). */
export function windowAggregate(
  node: LogicalAggregate,
  toPhysical: (n: LogicalNode) => PhysicalNode,
): PhysicalNode | undefined {
  const found = windowPath(node.input);
  if (!found) return undefined;
  const { tvf, columns } = found;
  const grouped = new Set(node.groupSet.map((g) => columns.get(g)).filter((c) => c !== undefined));
  const argUsesWindow = node.aggCalls.some(
    (c) => c.args.some((a) => columns.has(a)) || (c.filterArg !== undefined && columns.has(c.filterArg)),
  );
  const supported = grouped.has('start') && grouped.has('end') && !argUsesWindow;
  const fail = (why: string) => {
    // A legacy group window has no TVF to fall back on: it is planned as a window aggregate or not at all.
    if (tvf.legacy || tvf.window.kind === 'session')
      throw new WeirError('SQL_UNSUPPORTED', `${tvf.fn} window aggregation ${why} is not supported yet`);
    return undefined;
  };
  if (!supported) return fail('without window_start and window_end in GROUP BY');

  // The aggregate's input without the window columns, then the time column last.
  const top = withoutTvf(found.path);
  const kept = top.rowType.fields.map((_, i) => i).filter((i) => !columns.has(i));
  const startField = [...columns].find(([, c]) => c === 'start')![0];
  const timeField = tvf.input.rowType.fields[tvf.timeIndex];
  const remap = new Map(kept.map((old, i) => [old, i]));
  const projected = logicalProject(
    top,
    [...kept.map((i) => inputRef(i, top.rowType.fields[i].type)), inputRef(startField, timeField.type)],
    [...kept.map((i) => top.rowType.fields[i].name), timeField.name],
  );
  const input = toPhysical(projected);
  if (!isInsertOnly(input.changelogMode)) return fail('over an updating input');

  const keys = node.groupSet.filter((g) => !columns.has(g));
  const grouping = keys.map((g) => remap.get(g)!);
  const aggCalls: AggregateCallSpec[] = node.aggCalls.map((c) => ({
    ...c,
    args: c.args.map((a) => remap.get(a)!),
    ...(c.filterArg !== undefined ? { filterArg: remap.get(c.filterArg)! } : {}),
  }));
  const timeProperty: WindowProperty = tvf.timeDomain === 'event-time' ? 'rowtime' : 'proctime';
  const properties: WindowProperty[] = ['start', 'end', ...(grouped.has('time') ? [timeProperty] : [])];
  const propertyType = (p: WindowProperty): LogicalType =>
    p === 'start' || p === 'end'
      ? Types.TIMESTAMP(3, false)
      : { ...timeField.type, nullable: false, timeAttribute: p === 'rowtime' ? 'ROWTIME' : 'PROCTIME' };
  const keyFields: RowField[] = keys.map((g) => node.rowType.fields[node.groupSet.indexOf(g)]);
  const aggFields = node.rowType.fields.slice(node.groupSet.length);
  const legacy = tvf.legacy ? 1 : 0;
  const windowAgg: PhysicalWindowAggregate = {
    kind: tvf.legacy ? 'GroupWindowAggregate' : 'WindowAggregate',
    input: {
      kind: 'Exchange',
      input,
      distribution: grouping.length > 0 ? { kind: 'hash', keys: grouping } : { kind: 'single' },
      rowType: input.rowType,
      changelogMode: input.changelogMode,
    },
    grouping,
    aggCalls,
    fn: tvf.fn,
    window: tvf.window,
    timeIndex: kept.length,
    timeDomain: tvf.timeDomain,
    properties,
    rowType: {
      fields: [
        ...keyFields,
        ...aggFields,
        ...properties.map((p) => ({ name: PROPERTY_NAMES[p][legacy], type: propertyType(p) })),
      ],
    },
    changelogMode: INSERT_ONLY,
  };

  // Back to the aggregate's row: its grouping fields in GROUP BY order, then the calls.
  const propertyOf: Record<WindowColumn, WindowProperty> = { start: 'start', end: 'end', time: timeProperty };
  const out = windowAgg.rowType.fields;
  const exprs = [
    ...node.groupSet.map((g) => {
      const column = columns.get(g);
      const at = column
        ? keys.length + aggCalls.length + properties.indexOf(propertyOf[column])
        : keys.indexOf(g);
      return inputRef(at, out[at].type);
    }),
    ...aggCalls.map((_, i) => inputRef(keys.length + i, out[keys.length + i].type)),
  ];
  return {
    kind: 'Calc',
    input: windowAgg,
    projection: exprs,
    rowType: { fields: exprs.map((e, i) => ({ name: node.rowType.fields[i].name, type: e.type })) },
    changelogMode: INSERT_ONLY,
  };
}

/** A window TVF on its own: each row once per window (Flink's WindowTableFunction). */
export function windowTableFunction(node: LogicalWindowTableFunction, input: PhysicalNode): PhysicalNode {
  if (node.window.kind === 'session')
    throw new WeirError(
      'SQL_UNSUPPORTED',
      'The SESSION window table function without a window aggregation is not supported yet',
    );
  return {
    kind: 'WindowTableFunction',
    input,
    fn: node.fn,
    window: node.window,
    timeIndex: node.timeIndex,
    timeDomain: node.timeDomain,
    rowType: node.rowType,
    changelogMode: input.changelogMode,
  };
}
