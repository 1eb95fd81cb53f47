import type { WindowingSpec, WindowProperty } from '../common/jobgraph.js';
import { formatType, type RowType } from '../common/types.js';
import { type ExprStyle, formatExpr } from './format-expr.js';
import type { LogicalWindowTableFunction } from './logical/nodes.js';
import type {
  PhysicalWindowAggregate,
  PhysicalWindowJoin,
  PhysicalWindowTableFunction,
} from './physical/nodes.js';

/** EXPLAIN labels of the window nodes, in Flink's words. */

const UNITS: readonly [number, string][] = [
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** A duration with the largest unit that divides it, as Flink's TimeUtils.formatWithHighestUnit: `10 s`, `15 min`. */
export function formatDuration(ms: number): string {
  for (const [size, unit] of UNITS) if (ms !== 0 && ms % size === 0) return `${ms / size} ${unit}`;
  return `${ms} ms`;
}

/** `TUMBLE(time_col=[ts], size=[10 s])`, as Flink's WindowingStrategy prints. */
export function windowText(
  spec: WindowingSpec,
  timeCol: string,
  partitionKeys: readonly string[] = [],
): string {
  const offset = 'offset' in spec && spec.offset !== 0 ? `, offset=[${formatDuration(spec.offset)}]` : '';
  switch (spec.kind) {
    case 'tumble':
      return `TUMBLE(time_col=[${timeCol}], size=[${formatDuration(spec.size)}]${offset})`;
    case 'hop':
      return `HOP(time_col=[${timeCol}], size=[${formatDuration(spec.size)}], slide=[${formatDuration(spec.slide)}]${offset})`;
    case 'cumulate':
      return `CUMULATE(time_col=[${timeCol}], max_size=[${formatDuration(spec.size)}], step=[${formatDuration(spec.step)}]${offset})`;
    case 'session':
      return `SESSION(time_col=[${timeCol}], gap=[${formatDuration(spec.gap)}]${
        partitionKeys.length > 0 ? `, partition keys=[${partitionKeys.join(', ')}]` : ''
      })`;
    case 'attached':
      // The caller passes `win_start=[…], win_end=[…]` as the time column.
      return windowText(spec.window, '\u0000').replace('time_col=[\u0000]', timeCol);
    default: {
      const never: never = spec;
      return never;
    }
  }
}

/** A legacy group window as Flink prints it: `TumblingGroupWindow('w$, rowtime, 10000)`. */
function groupWindowText(spec: WindowingSpec, timeCol: string): string {
  switch (spec.kind) {
    case 'tumble':
      return `TumblingGroupWindow('w$, ${timeCol}, ${spec.size})`;
    case 'hop':
      return `SlidingGroupWindow('w$, ${timeCol}, ${spec.size}, ${spec.slide})`;
    case 'session':
      return `SessionGroupWindow('w$, ${timeCol}, ${spec.gap})`;
    case 'cumulate':
    case 'attached':
      return windowText(spec, timeCol);
    default: {
      const never: never = spec;
      return never;
    }
  }
}

export const recordType = (rowType: RowType) =>
  `RecordType(${rowType.fields.map((f) => `${formatType(f.type)} ${f.name}`).join(', ')})`;

export function logicalWindowTableFunctionLabel(node: LogicalWindowTableFunction): string {
  const args = [
    `DESCRIPTOR($${node.timeIndex})`,
    ...node.params.map((p) => formatExpr(p, (i) => `$${i}`, 'rex')),
  ];
  return `LogicalTableFunctionScan(invocation=[${node.fn}(${args.join(', ')})], rowType=[${recordType(node.rowType)}])`;
}

export function windowTableFunctionLabel(node: PhysicalWindowTableFunction): string {
  return `WindowTableFunction(window=[${windowText(node.window, node.input.rowType.fields[node.timeIndex].name)}]`;
}

const PROPERTY_FN: Record<WindowProperty, string> = {
  start: 'start',
  end: 'end',
  rowtime: 'rowtime',
  proctime: 'proctime',
};

export function windowAggregateLabel(
  node: PhysicalWindowAggregate,
  aggCall: (c: PhysicalWindowAggregate['aggCalls'][number], name: (i: number) => string) => string,
  _style: ExprStyle,
): string {
  const inputNames = node.input.rowType.fields.map((f) => f.name);
  const keys = node.grouping.map((k) => inputNames[k]);
  const calls = node.aggCalls.map((c) => `${aggCall(c, (i) => inputNames[i])} AS ${c.name}`);
  const out = node.rowType.fields;
  const first = node.grouping.length + node.aggCalls.length;
  const props = node.properties.map((p, i) => `${PROPERTY_FN[p]}('w$) AS ${out[first + i].name}`);
  const groupBy = keys.length > 0 ? `groupBy=[${keys.join(', ')}], ` : '';
  const timeCol =
    node.window.kind === 'attached'
      ? `win_start=[${inputNames[node.window.startIndex]}], win_end=[${inputNames[node.window.endIndex]}]`
      : inputNames[node.timeIndex];
  if (node.kind === 'GroupWindowAggregate')
    return `GroupWindowAggregate(${groupBy}window=[${groupWindowText(node.window, timeCol)}], properties=[${props
      .map((_, i) => out[first + i].name)
      .join(', ')}], select=[${[...keys, ...calls, ...props].join(', ')}]`;
  const partitionKeys = (node.partitionKeys ?? []).map((k) => inputNames[k]);
  return `WindowAggregate(${groupBy}window=[${windowText(node.window, timeCol, partitionKeys)}], select=[${[...keys, ...calls, ...props].join(', ')}]`;
}

/**
 * Flink's WindowJoin label: each side's window read from its row, then the join condition without
 * the window equalities (`where=[=(num, num0)]`) and the output columns.
 */
export function windowJoinLabel(node: PhysicalWindowJoin, joinType: string, style: ExprStyle): string {
  const side = (input: RowType, window: PhysicalWindowJoin['leftWindow']) =>
    windowText(
      window,
      `win_start=[${input.fields[window.startIndex].name}], win_end=[${input.fields[window.endIndex].name}]`,
    );
  const names = node.rowType.fields.map((f) => f.name);
  // A semi/anti join outputs the left row only; its condition is over the left row, then the right.
  const semiAnti = node.joinType === 'SEMI' || node.joinType === 'ANTI';
  const conditionNames = semiAnti
    ? uniqueNames([...node.left.rowType.fields, ...node.right.rowType.fields].map((f) => f.name))
    : names;
  return `WindowJoin(leftWindow=[${side(node.left.rowType, node.leftWindow)}], rightWindow=[${side(node.right.rowType, node.rightWindow)}], joinType=[${joinType}], where=[${formatExpr(node.condition, (i) => conditionNames[i], style)}], select=[${names.join(', ')}]`;
}

/** Names made unique as Calcite makes a join's: a repeated name gets 0, 1, … appended. */
function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let n = name;
    for (let i = 0; used.has(n); i++) n = `${name}${i}`;
    used.add(n);
    return n;
  });
}
