import { WeirError } from '../../common/errors.js';
import { identifierText } from '../catalog/catalog.js';
import { changelogNormalizeChangelog } from './changelog-normalize.js';
import { groupAggregateChangelog, unionChangelog } from './convert.js';
import { joinChangelog } from './join.js';
import type { PhysicalNode } from './nodes.js';
import { visitRank } from './rank-update-before.js';

/**
 * Decides top-down whether each GroupAggregate sends -U before +U (Flink's
 * FlinkChangelogModeInferenceProgram, UpdateKind part): a sink that takes a retract stream and
 * another aggregate (which must retract the old value) need it; a sink that only takes upserts
 * does not. Row kinds are then re-derived on the way back up.
 */
export function inferUpdateBefore(root: PhysicalNode): PhysicalNode {
  return visit(root, true);
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
    case 'Calc':
    case 'Exchange':
    case 'WindowTableFunction':
    case 'OverAggregate': {
      const input = visit(node.input, updateBeforeRequired);
      return input === node.input ? node : { ...node, input, changelogMode: input.changelogMode };
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
