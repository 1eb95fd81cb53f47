import { WeirError } from '../../common/errors.js';
import { identifierText } from '../catalog/catalog.js';
import { physicalLabel } from '../explain.js';
import type { Pos } from '../parser/ast.js';
import { changelogModeOf, hasDeletes, hasUpdates, isInsertOnly } from './changelog.js';
import type { PhysicalNode, PhysicalSink } from './nodes.js';

/** The node below `node` that first makes the changelog contain `kind` (Flink names it in its error). */
function producerOf(node: PhysicalNode, has: (n: PhysicalNode) => boolean): PhysicalNode {
  let producer = node;
  for (let n = node; has(n); ) {
    producer = n;
    if (n.kind === 'TableSourceScan' || n.kind === 'Values') break;
    // A join is where an outer join's retractions start, or the first input that has them; a
    // union's changes come from whichever input has them.
    if (
      n.kind === 'Join' ||
      n.kind === 'IntervalJoin' ||
      n.kind === 'WindowJoin' ||
      n.kind === 'TemporalJoin' ||
      n.kind === 'Union'
    ) {
      const input = (n.kind === 'Union' ? n.inputs : [n.left, n.right]).find(has);
      if (!input) break;
      n = input;
      continue;
    }
    n = n.input;
  }
  return producer;
}

/**
 * Rejects a plan whose sink cannot take the changelog its input produces, with Flink's message:
 * "Table sink 't' doesn't support consuming update changes which is produced by node
 * GroupAggregate(…)". The error points at the sink's name in the INSERT.
 */
export function checkSinkChangelog(sink: PhysicalSink, at: Pos): void {
  const accepted = sink.connector.sink?.acceptedChangelogModes ?? [];
  const kinds = sink.changelogMode;
  const mode = changelogModeOf(kinds);
  const ok =
    accepted.includes(mode) ||
    (isInsertOnly(kinds) && accepted.length > 0) ||
    // A retract sink also takes an upsert stream: the planner made the aggregates send -U for it.
    (mode === 'upsert' && accepted.includes('retract'));
  if (ok) return;
  const updates = hasUpdates(kinds);
  const what = updates ? 'update' : hasDeletes(kinds) ? 'delete' : mode;
  const producer = producerOf(sink.input, (n) => (updates ? hasUpdates : hasDeletes)(n.changelogMode));
  throw new WeirError(
    'SQL_VALIDATION',
    `Table sink '${identifierText(sink.table.identifier)}' doesn't support consuming ${what} changes which is produced by node ${physicalLabel(producer, 'infix')}`,
    {
      position: at,
      hint: `connector '${sink.connector.identifier}' accepts ${accepted.join(', ') || 'nothing'}; write to a sink that takes ${mode} changes (e.g. 'print', or 'upsert-kafka' with a PRIMARY KEY)`,
    },
  );
}
