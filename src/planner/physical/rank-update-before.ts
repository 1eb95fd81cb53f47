import { WeirError } from '../../common/errors.js';
import type { PhysicalDeduplicate, PhysicalNode, PhysicalRank } from './nodes.js';
import { deduplicateChangelog, rankChangelog, rankedInArrivalOrder } from './rank.js';

/**
 * The UpdateKind part of changelog inference for Rank and Deduplicate: a Rank over a changelog
 * needs -U rows (it finds the row to remove by them), and each sends -U itself only when its
 * consumer needs them.
 */
export function visitRank(
  node: PhysicalRank | PhysicalDeduplicate,
  updateBeforeRequired: boolean,
  visit: (node: PhysicalNode, updateBeforeRequired: boolean) => PhysicalNode,
): PhysicalNode {
  const input = visit(node.input, true);
  const kinds = input.changelogMode;
  if (kinds.includes('UA') && !kinds.includes('UB'))
    throw new WeirError(
      'SQL_UNSUPPORTED',
      `${node.kind} over an upsert changelog (without UPDATE_BEFORE) is not supported yet`,
      { hint: 'rank an insert-only or retract input' },
    );
  if (node.kind === 'Rank')
    return {
      ...node,
      input,
      generateUpdateBefore: updateBeforeRequired,
      changelogMode: rankChangelog(updateBeforeRequired, rankedInArrivalOrder(node.orderKeys, kinds)),
    };
  return {
    ...node,
    input,
    generateUpdateBefore: updateBeforeRequired,
    changelogMode: deduplicateChangelog(
      node.keepLastRow,
      node.rowtimeIndex !== undefined,
      updateBeforeRequired,
    ),
  };
}
