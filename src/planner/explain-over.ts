import type { AggregateCallSpec, SortFieldSpec } from '../common/jobgraph.js';
import { windowText } from './explain-window.js';
import type { LogicalOverWindow, OverFrameBound } from './logical/nodes.js';
import type {
  PhysicalDeduplicate,
  PhysicalOverAggregate,
  PhysicalRank,
  PhysicalWindowRank,
} from './physical/nodes.js';

/** EXPLAIN labels of OVER windows, Top-N and deduplication, in Flink's words. */

function boundText(b: OverFrameBound, unit: 'ROWS' | 'RANGE'): string {
  if (b.offset === undefined) return b.kind;
  return `${unit === 'RANGE' ? `${b.offset}:INTERVAL DAY TO SECOND` : b.offset} ${b.kind}`;
}

/** Calcite's LogicalWindow: `window#0=[window(partition {0} order by [2 DESC-nulls-last] rows between … aggs [ROW_NUMBER()])]`. */
export function overWindowLabel(node: LogicalOverWindow): string {
  const order = node.orderKeys
    .map(
      (k) =>
        `${k.index}${k.descending ? ' DESC' : ''}${k.nullsFirst === k.descending ? (k.nullsFirst ? '-nulls-first' : '-nulls-last') : ''}`,
    )
    .join(', ');
  const frame = `${node.frame.unit.toLowerCase()} between ${boundText(node.frame.lower, node.frame.unit)} and ${boundText(node.frame.upper, node.frame.unit)}`;
  const aggs = node.calls.map((c) => `${c.fn}(${c.args.map((a) => `$${a}`).join(', ')})`).join(', ');
  return `LogicalOverWindow(window#0=[window(partition {${node.partitionKeys.join(', ')}} order by [${order}] ${frame} aggs [${aggs}])])`;
}

function orderByText(keys: readonly SortFieldSpec[], names: readonly string[]): string {
  return keys
    .map(
      (k) =>
        `${names[k.index]} ${k.descending ? 'DESC' : 'ASC'}${k.nullsFirst === k.descending ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`,
    )
    .join(', ');
}

export function rankLabel(node: PhysicalRank | PhysicalDeduplicate): string {
  const names = node.input.rowType.fields.map((f) => f.name);
  if (node.kind === 'Deduplicate')
    return `Deduplicate(keep=[${node.keepLastRow ? 'LastRow' : 'FirstRow'}], key=[${node.keys.map((k) => names[k]).join(', ')}], order=[${node.rowtimeIndex !== undefined ? 'ROWTIME' : 'PROCTIME'}]`;
  const orderBy = orderByText(node.orderKeys, names);
  if (node.limit) {
    const { offset, fetch } = node.limit;
    if (node.orderKeys.length === 0) return `Limit(offset=[${offset}], fetch=[${fetch}]`;
    return `SortLimit(orderBy=[${orderBy}], offset=[${offset}], fetch=[${fetch}], strategy=[${node.strategy}]`;
  }
  return `Rank(strategy=[${node.strategy}], rankType=[ROW_NUMBER], rankRange=[rankStart=${node.rankStart}, rankEnd=${node.rankEnd}], partitionBy=[${node.partitionKeys.map((k) => names[k]).join(', ')}], orderBy=[${orderBy}], select=[${node.rowType.fields.map((f) => f.name).join(', ')}]`;
}

/**
 * Flink's WindowRank / WindowDeduplicate label: `WindowRank(window=[TUMBLE(win_start=[window_start],
 * win_end=[window_end], size=[5 s])], rankType=[ROW_NUMBER], rankRange=[…], partitionBy=[…],
 * orderBy=[…], select=[…])`, or `WindowDeduplicate(window=[…], keep=[LastRow], partitionKeys=[…],
 * orderKey=[ts], order=[ROWTIME])`.
 */
export function windowRankLabel(node: PhysicalWindowRank): string {
  const names = node.input.rowType.fields.map((f) => f.name);
  const window = windowText(
    node.window,
    `win_start=[${names[node.window.startIndex]}], win_end=[${names[node.window.endIndex]}]`,
  );
  const keys = node.partitionKeys.map((k) => names[k]).join(', ');
  if (node.keep)
    return `WindowDeduplicate(window=[${window}], keep=[${node.keep}], partitionKeys=[${keys}], orderKey=[${names[node.orderKeys[0].index]}], order=[${node.timeDomain === 'event-time' ? 'ROWTIME' : 'PROCTIME'}]`;
  return `WindowRank(window=[${window}], rankType=[ROW_NUMBER], rankRange=[rankStart=${node.rankStart}, rankEnd=${node.rankEnd}], partitionBy=[${keys}], orderBy=[${orderByText(node.orderKeys, names)}], select=[${node.rowType.fields.map((f) => f.name).join(', ')}]`;
}

/**
 * Flink's OverAggregate label, down to its spelling of the frame (`window=[ RANG BETWEEN
 * UNBOUNDED PRECEDING AND CURRENT ROW]`, RANGE offsets in milliseconds).
 */
export function overAggregateLabel(
  node: PhysicalOverAggregate,
  callText: (c: AggregateCallSpec, name: (i: number) => string) => string,
): string {
  const names = node.input.rowType.fields.map((f) => f.name);
  const lower =
    node.preceding === undefined
      ? 'UNBOUNDED PRECEDING'
      : node.preceding === 0
        ? 'CURRENT ROW'
        : `${node.preceding} PRECEDING`;
  const unit = node.unit === 'ROWS' ? 'ROWS' : 'RANG';
  const calls = node.aggCalls.map((c) => `${callText(c, (i) => names[i])} AS ${c.name}`);
  // Flink has no retractable OverAggregate; weir's prints its whole ordering and says it retracts.
  const orderBy = node.retractable
    ? orderByText(node.retractable.orderKeys, names)
    : `${names[node.orderIndex]} ASC`;
  return `OverAggregate(${node.partitionKeys.length > 0 ? `partitionBy=[${node.partitionKeys.map((k) => names[k]).join(', ')}], ` : ''}orderBy=[${orderBy}], window=[ ${unit} BETWEEN ${lower} AND CURRENT ROW], ${node.retractable ? 'retract=[true], ' : ''}select=[${[...names, ...calls].join(', ')}]`;
}
