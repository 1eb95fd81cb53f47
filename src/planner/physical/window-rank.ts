import { WeirError } from '../../common/errors.js';
import type { LogicalNode, LogicalOverWindow } from '../logical/nodes.js';
import { windowPath } from '../logical/window-path.js';
import { INSERT_ONLY, isInsertOnly } from './changelog.js';
import type { PhysicalNode, PhysicalWindowRank } from './nodes.js';

/**
 * Window Top-N and window deduplication planning (Flink's StreamPhysicalWindowRankRule and
 * StreamPhysicalWindowDeduplicateRule): a ROW_NUMBER Top-N whose PARTITION BY holds window_start
 * and window_end of a window TVF — directly, or of a window aggregation's output — through
 * projections and filters that only pass those columns along. The window columns leave the
 * partition keys (the window is read from the row instead), and the result is insert-only, one
 * emission per window when it ends.
 *
 * Directly over the TVF, rank 1 without the rank number, ordered by the TVF's rowtime column, is a
 * WindowDeduplicate: keep=[FirstRow] ascending, keep=[LastRow] descending. Ordered by anything
 * else, or over a window aggregation, it stays a WindowRank, as in Flink.
 */
export function windowRank(
  window: LogicalOverWindow,
  range: { readonly start: number; readonly end: number },
  outputRankNumber: boolean,
  toPhysical: (node: LogicalNode) => PhysicalNode,
): PhysicalNode | undefined {
  const found = windowPath(window.input);
  if (!found) return undefined;
  const columnOf = (k: number) => found.columns.get(k);
  const startIndex = window.partitionKeys.find((k) => columnOf(k) === 'start');
  const endIndex = window.partitionKeys.find((k) => columnOf(k) === 'end');
  if (startIndex === undefined || endIndex === undefined) return undefined;
  const rankCall = window.calls[0];

  const input = toPhysical(window.input);
  if (!isInsertOnly(input.changelogMode))
    throw new WeirError('SQL_UNSUPPORTED', 'Window Top-N over an updating input is not supported', {
      position: rankCall.pos,
      hint: 'rank the rows of a window TVF or a window aggregation, which are insert-only',
    });
  const partitionKeys = window.partitionKeys.filter((k) => k !== startIndex && k !== endIndex);
  const orderKeys = window.orderKeys;
  // Ordered by the TVF's own time column (no longer a time attribute after the TVF, as in Flink).
  const byRowtime =
    orderKeys.length === 1 &&
    found.tvf.timeDomain === 'event-time' &&
    found.origins.get(orderKeys[0].index) === found.tvf.timeIndex;
  const deduplicate =
    range.start === 1 && range.end === 1 && !outputRankNumber && found.attached !== true && byRowtime;
  const exchange: PhysicalNode = {
    kind: 'Exchange',
    input,
    distribution: partitionKeys.length > 0 ? { kind: 'hash', keys: partitionKeys } : { kind: 'single' },
    rowType: input.rowType,
    changelogMode: input.changelogMode,
  };
  const node: PhysicalWindowRank = {
    kind: 'WindowRank',
    input: exchange,
    window: { kind: 'attached', window: found.tvf.window, startIndex, endIndex },
    timeDomain: found.tvf.timeDomain,
    partitionKeys,
    orderKeys,
    rankStart: range.start,
    rankEnd: range.end,
    outputRankNumber,
    ...(deduplicate ? { keep: orderKeys[0].descending ? ('LastRow' as const) : ('FirstRow' as const) } : {}),
    rowType: outputRankNumber ? window.rowType : window.input.rowType,
    changelogMode: INSERT_ONLY,
  };
  return node;
}
