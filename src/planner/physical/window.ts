import { WeirError } from '../../common/errors.js';
import { inputRef } from '../../common/expr.js';
import type { AggregateCallSpec, WindowProperty } from '../../common/jobgraph.js';
import { type LogicalType, type RowField, Types } from '../../common/types.js';
import {
  type LogicalAggregate,
  type LogicalNode,
  type LogicalWindowTableFunction,
  logicalProject,
} from '../logical/nodes.js';
import { type WindowColumn, windowPath } from '../logical/window-path.js';
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
  const attached = found.attached === true;
  const fail = (why: string) => {
    // A legacy group window has no TVF to fall back on: it is planned as a window aggregate or not at all.
    if (!attached && (tvf.legacy || tvf.window.kind === 'session'))
      throw new WeirError('SQL_UNSUPPORTED', `${tvf.fn} window aggregation ${why} is not supported yet`, {
        position: tvf.pos,
      });
    return undefined;
  };
  if (!supported) return fail('without window_start and window_end in GROUP BY');

  // The aggregate's input without the window columns, then the time column last — or, when the
  // windows come from an upstream window aggregation, its window_start and window_end.
  const top = attached ? node.input : withoutTvf(found.path);
  const kept = top.rowType.fields.map((_, i) => i).filter((i) => !columns.has(i));
  const startField = [...columns].find(([, c]) => c === 'start')![0];
  const endField = [...columns].find(([, c]) => c === 'end')![0];
  const timeField = tvf.input.rowType.fields[tvf.timeIndex];
  const remap = new Map(kept.map((old, i) => [old, i]));
  const field = (i: number) => inputRef(i, top.rowType.fields[i].type);
  const projected = logicalProject(
    top,
    [
      ...kept.map(field),
      ...(attached ? [field(startField), field(endField)] : [inputRef(startField, timeField.type)]),
    ],
    [
      ...kept.map((i) => top.rowType.fields[i].name),
      ...(attached
        ? [top.rowType.fields[startField].name, top.rowType.fields[endField].name]
        : [timeField.name]),
    ],
  );
  const input = toPhysical(projected);
  if (!isInsertOnly(input.changelogMode)) return fail('over an updating input');

  const keys = node.groupSet.filter((g) => !columns.has(g));
  const grouping = keys.map((g) => remap.get(g)!);
  // Sessions are per partition, and the operator's are per key: so the keys must be the partition.
  if (tvf.window.kind === 'session' && !tvf.legacy && !attached) {
    const partition = new Set(tvf.partitionKeys ?? []);
    const keyOrigins = new Set(keys.map((g) => found.origins.get(g)));
    const same = partition.size === keyOrigins.size && [...partition].every((p) => keyOrigins.has(p));
    if (!same)
      throw new WeirError(
        'SQL_UNSUPPORTED',
        'SESSION window aggregation whose GROUP BY keys (besides window_start, window_end) are not its PARTITION BY keys is not supported yet',
        {
          position: tvf.pos,
          hint: 'group by exactly the columns the SESSION table argument is partitioned by',
        },
      );
  }
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
  const legacy = tvf.legacy && !attached ? 1 : 0;
  const windowAgg: PhysicalWindowAggregate = {
    kind: tvf.legacy && !attached ? 'GroupWindowAggregate' : 'WindowAggregate',
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
    window: attached
      ? { kind: 'attached', window: tvf.window, startIndex: kept.length, endIndex: kept.length + 1 }
      : tvf.window,
    timeIndex: attached ? kept.length + 1 : kept.length,
    timeDomain: tvf.timeDomain,
    properties,
    ...(tvf.window.kind === 'session' && !tvf.legacy && !attached && keys.length > 0
      ? { partitionKeys: grouping }
      : {}),
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
      { position: node.pos, hint: 'GROUP BY window_start, window_end and its PARTITION BY keys' },
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
