import { WeirError } from '../../common/errors.js';
import type { AggregateCallSpec, AggregateFunctionName } from '../../common/jobgraph.js';
import { physicalLabel } from '../explain.js';
import type { LogicalNode, LogicalOverWindow } from '../logical/nodes.js';
import { INSERT_ONLY, isInsertOnly, rowKindSet } from './changelog.js';
import type { PhysicalNode } from './nodes.js';
import { rejectOverWindow } from './rank.js';

/**
 * An OVER window that is not a Top-N: Flink's OverAggregate — ordered by one time attribute
 * ascending, the frame ending at CURRENT ROW, over an insert-only input, insert-only out.
 *
 * Flink refuses an OVER window over an updating input (Nexmark q6 averages the last ten winning
 * bids of a seller, which a Top-1 keeps revising) or ordered by another column. weir runs both, with
 * a ROWS frame, as a retractable OverAggregate: it keeps each partition's rows sorted, and a change
 * retracts and re-emits the rows whose frame it touches, so its output is a retract changelog.
 */
export function convertOverWindow(
  window: LogicalOverWindow,
  toPhysical: (node: LogicalNode) => PhysicalNode,
): PhysicalNode {
  if (window.calls.some((c) => c.fn === 'ROW_NUMBER' || c.fn === 'RANK' || c.fn === 'DENSE_RANK'))
    return rejectOverWindow(window);
  const fail = (message: string, hint?: string): never => {
    throw new WeirError('SQL_UNSUPPORTED', message, { position: window.pos, hint });
  };
  const input = toPhysical(window.input);
  const { unit, lower, upper } = window.frame;
  if (upper.kind !== 'CURRENT ROW')
    fail(`OVER ${unit} ${upper.kind} windows are not supported: the frame must end at CURRENT ROW`);
  if (lower.kind === 'FOLLOWING' || lower.kind === 'UNBOUNDED FOLLOWING')
    fail(`OVER windows starting at ${lower.kind} are not supported: the frame must end at CURRENT ROW`);
  const preceding =
    lower.kind === 'UNBOUNDED PRECEDING' ? undefined : lower.kind === 'CURRENT ROW' ? 0 : lower.offset;
  const orderKey = window.orderKeys[0];
  if (!orderKey) fail('OVER windows in stream mode must have an ORDER BY', 'ORDER BY a time attribute');
  const orderType = window.input.rowType.fields[orderKey.index].type;
  const timeOrdered = window.orderKeys.length === 1 && orderType.timeAttribute && !orderKey.descending;
  const retractable = !isInsertOnly(input.changelogMode) || !timeOrdered;
  if (retractable && unit === 'RANGE') {
    // Flink's conditions for a RANGE frame, with Flink's messages; ROWS frames go beyond them.
    const hint =
      'weir runs such an OVER window with a ROWS frame (ROWS BETWEEN n PRECEDING AND CURRENT ROW), not with RANGE';
    if (window.orderKeys.length !== 1 || !orderType.timeAttribute)
      fail("OVER windows' ordering in stream mode must be defined on a time attribute.", hint);
    if (orderKey.descending)
      fail('OVER windows in stream mode must be ordered ascending by their time attribute.', hint);
    fail(
      `OverAggregate doesn't support consuming update and delete changes which is produced by node ${physicalLabel(producerOf(input), 'infix')}`,
      hint,
    );
  }
  const rowtime = !retractable && orderType.timeAttribute === 'ROWTIME';
  const exchange: PhysicalNode = {
    kind: 'Exchange',
    input,
    distribution:
      window.partitionKeys.length > 0 ? { kind: 'hash', keys: window.partitionKeys } : { kind: 'single' },
    rowType: input.rowType,
    changelogMode: input.changelogMode,
  };
  const aggCalls: AggregateCallSpec[] = window.calls.map((c) => ({
    fn: c.fn as AggregateFunctionName,
    args: c.args,
    distinct: false,
    type: c.type,
    name: c.name,
  }));
  return {
    kind: 'OverAggregate',
    input: exchange,
    partitionKeys: window.partitionKeys,
    orderIndex: orderKey.index,
    rowtime,
    unit,
    ...(preceding !== undefined ? { preceding } : {}),
    aggCalls,
    ...(retractable
      ? {
          retractable: {
            orderKeys: window.orderKeys.map((k) => ({
              index: k.index,
              descending: k.descending,
              nullsFirst: k.nullsFirst,
            })),
          },
        }
      : {}),
    rowType: window.rowType,
    changelogMode: retractable ? RETRACT : INSERT_ONLY,
  };
}

const RETRACT = rowKindSet('I', 'UB', 'UA', 'D');

/** The node that makes an input's changes, as Flink names it, not the Calc that passes them on. */
function producerOf(input: PhysicalNode): PhysicalNode {
  let producer = input;
  while (
    (producer.kind === 'Calc' || producer.kind === 'Exchange' || producer.kind === 'WatermarkAssigner') &&
    !isInsertOnly(producer.input.changelogMode)
  )
    producer = producer.input;
  return producer;
}
