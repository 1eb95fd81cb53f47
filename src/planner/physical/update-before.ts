import type { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import { SINK_UPSERT_MATERIALIZE } from '../../common/options.js';
import { identifierText } from '../catalog/catalog.js';
import { isInsertOnly, rowKindSet } from './changelog.js';
import { changelogNormalizeChangelog } from './changelog-normalize.js';
import { groupAggregateChangelog, unionChangelog } from './convert.js';
import { joinChangelog } from './join.js';
import type { PhysicalNode, PhysicalSink } from './nodes.js';
import { visitRank } from './rank-update-before.js';
import { upsertKeyOf } from './upsert-key.js';

/**
 * Decides top-down whether each GroupAggregate sends -U before +U (Flink's
 * FlinkChangelogModeInferenceProgram, UpdateKind part): a sink that takes a retract stream and
 * another aggregate (which must retract the old value) need it; a sink that only takes upserts
 * does not. Row kinds are then re-derived on the way back up.
 */
export function inferUpdateBefore(root: PhysicalNode, config?: Configuration): PhysicalNode {
  if (root.kind !== 'Sink') return visit(root, true);
  const materialize = upsertMaterializeKeys(root, config?.get(SINK_UPSERT_MATERIALIZE) ?? 'AUTO');
  if (!materialize) return visit(root, true);
  // The materializer retracts the very row a -U names: it needs -U, and hands the sink +I/+U/-D.
  const input = visit(root.input, true);
  return { ...root, input, changelogMode: rowKindSet('I', 'UA', 'D'), upsertMaterialize: materialize };
}

/**
 * Whether a SinkUpsertMaterializer goes before the sink, and on which fields (Flink's
 * FlinkChangelogModeInferenceProgram): the sink has a primary key, its input has changes, and —
 * with AUTO — no upsert key of the input is contained in the primary key, so changes of one sink
 * key may come from several upstream keys, in any order.
 */
function upsertMaterializeKeys(
  sink: PhysicalSink,
  mode: 'NONE' | 'AUTO' | 'FORCE',
): readonly number[] | undefined {
  const pk = sink.table.primaryKey?.columns;
  if (mode === 'NONE' || !pk || isInsertOnly(sink.input.changelogMode)) return undefined;
  const physical = sink.table.columns.filter((c) => c.kind === 'physical').map((c) => c.name);
  const keys = pk.map((c) => physical.indexOf(c));
  if (keys.some((k) => k < 0)) return undefined;
  if (mode === 'FORCE') return keys;
  const upsertKey = upsertKeyOf(sink.input);
  return upsertKey?.every((k) => keys.includes(k)) ? undefined : keys;
}

function visit(node: PhysicalNode, updateBeforeRequired: boolean): PhysicalNode {
  switch (node.kind) {
    case 'TableSourceScan':
    case 'Values':
      return node;
    case 'Union': {
      const inputs = node.inputs.map((i) => visit(i, updateBeforeRequired));
      return inputs.every((input, i) => input === node.inputs[i])
        ? node
        : { ...node, inputs, changelogMode: unionChangelog(inputs.map((i) => i.changelogMode)) };
    }
    case 'WatermarkAssigner':
    case 'MiniBatchAssigner':
    case 'Calc':
    case 'Exchange':
    case 'WindowTableFunction': {
      const input = visit(node.input, updateBeforeRequired);
      return input === node.input ? node : { ...node, input, changelogMode: input.changelogMode };
    }
    case 'OverAggregate': {
      // A retractable OVER window removes the row an update retracts: it needs UPDATE_BEFORE, and
      // its own output is a retract changelog whatever its input's.
      const input = visit(node.input, updateBeforeRequired || node.retractable !== undefined);
      if (input === node.input) return node;
      return node.retractable ? { ...node, input } : { ...node, input, changelogMode: input.changelogMode };
    }
    case 'GroupAggregate': {
      const input = visit(node.input, true);
      const kinds = input.changelogMode;
      if (kinds.includes('UA') && !kinds.includes('UB')) {
        throw new WeirError(
          'SQL_UNSUPPORTED',
          `GroupAggregate over an upsert changelog (without UPDATE_BEFORE) is not supported yet: ${describeSource(input)}`,
          { hint: 'aggregate over an insert-only or retract source' },
        );
      }
      return {
        ...node,
        input,
        generateUpdateBefore: updateBeforeRequired,
        changelogMode: groupAggregateChangelog(kinds, updateBeforeRequired),
      };
    }
    case 'LocalGroupAggregate': {
      const input = visit(node.input, true);
      return input === node.input ? node : { ...node, input };
    }
    case 'GlobalGroupAggregate': {
      const input = visit(node.input, true);
      return {
        ...node,
        input,
        generateUpdateBefore: updateBeforeRequired,
        changelogMode: groupAggregateChangelog(node.local.input.changelogMode, updateBeforeRequired),
      };
    }
    // Insert-only out, and only planned over an insert-only input.
    case 'WindowAggregate':
    case 'GroupWindowAggregate':
    case 'WindowRank': {
      const input = visit(node.input, true);
      return input === node.input ? node : { ...node, input };
    }
    case 'Rank':
    case 'Deduplicate':
      return visitRank(node, updateBeforeRequired, visit);
    case 'Join': {
      // A join retracts what it sent for a row when that row is retracted: it needs -U from its inputs.
      const left = visit(node.left, true);
      const right = visit(node.right, true);
      return {
        ...node,
        left,
        right,
        changelogMode: joinChangelog(
          node.joinType,
          left.changelogMode,
          right.changelogMode,
          updateBeforeRequired,
        ),
      };
    }
    case 'IntervalJoin':
    case 'WindowJoin': {
      const left = visit(node.left, true);
      const right = visit(node.right, true);
      return { ...node, left, right };
    }
    case 'LookupJoin':
    case 'Correlate': {
      // Each input row is joined as it comes, with its own row kind.
      const input = visit(node.input, updateBeforeRequired);
      return input === node.input ? node : { ...node, input, changelogMode: input.changelogMode };
    }
    case 'TemporalJoin': {
      // A versioned table's rows are its versions: +I/+U/-D by key, no -U needed (Flink's upsert mode).
      const left = visit(node.left, updateBeforeRequired);
      const right = visit(node.right, false);
      return { ...node, left, right, changelogMode: left.changelogMode };
    }
    case 'ChangelogNormalize': {
      // Its input is the upsert source: nothing below it can send -U.
      return {
        ...node,
        generateUpdateBefore: updateBeforeRequired,
        changelogMode: changelogNormalizeChangelog(updateBeforeRequired),
      };
    }
    case 'Sink': {
      const accepted = node.connector.sink?.acceptedChangelogModes ?? [];
      const required = accepted.includes('retract') || !accepted.includes('upsert');
      const input = visit(node.input, required);
      return { ...node, input, changelogMode: input.changelogMode };
    }
    default: {
      const never: never = node;
      return never;
    }
  }
}

function describeSource(node: PhysicalNode): string {
  for (let n: PhysicalNode = node; ; ) {
    if (n.kind === 'TableSourceScan') return `table '${identifierText(n.table.identifier)}'`;
    if (n.kind === 'Sink' || n.kind === 'Values') return 'the input';
    n =
      n.kind === 'Join' || n.kind === 'IntervalJoin' || n.kind === 'WindowJoin' || n.kind === 'TemporalJoin'
        ? n.left
        : n.kind === 'Union'
          ? n.inputs[0]
          : n.input;
  }
}
