import { WeirError } from '../../common/errors.js';
import type { AggregateCallSpec, AggregateFunctionName } from '../../common/jobgraph.js';
import { physicalLabel } from '../explain.js';
import type { LogicalNode, LogicalOverWindow } from '../logical/nodes.js';
import { INSERT_ONLY, isInsertOnly } from './changelog.js';
import type { PhysicalNode } from './nodes.js';
import { rejectOverWindow } from './rank.js';

/**
 * An OVER window that is not a Top-N: Flink's OverAggregate, with Flink's restrictions — ordered
 * by one time attribute ascending, the frame ending at CURRENT ROW, over an insert-only input.
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
  const orderKey = window.orderKeys[0];
  const orderType = window.input.rowType.fields[orderKey.index].type;
  if (window.orderKeys.length !== 1 || !orderType.timeAttribute)
    fail(
      "OVER windows' ordering in stream mode must be defined on a time attribute.",
      'ORDER BY the rowtime column (WATERMARK FOR) or a PROCTIME() column',
    );
  if (orderKey.descending)
    fail('OVER windows in stream mode must be ordered ascending by their time attribute.');
  const { unit, lower, upper } = window.frame;
  if (upper.kind !== 'CURRENT ROW')
    fail(`OVER ${unit} ${upper.kind} windows are not supported: the frame must end at CURRENT ROW`);
  if (lower.kind === 'FOLLOWING' || lower.kind === 'UNBOUNDED FOLLOWING')
    fail(`OVER windows starting at ${lower.kind} are not supported: the frame must end at CURRENT ROW`);
  const preceding =
    lower.kind === 'UNBOUNDED PRECEDING' ? undefined : lower.kind === 'CURRENT ROW' ? 0 : lower.offset;
  const rowtime = orderType.timeAttribute === 'ROWTIME';

  const input = toPhysical(window.input);
  if (!isInsertOnly(input.changelogMode)) {
    // Name the node that makes the changes, as Flink does, not the Calc that passes them on.
    let producer = input;
    while (
      (producer.kind === 'Calc' || producer.kind === 'Exchange' || producer.kind === 'WatermarkAssigner') &&
      !isInsertOnly(producer.input.changelogMode)
    )
      producer = producer.input;
    throw new WeirError(
      'SQL_UNSUPPORTED',
      `OverAggregate doesn't support consuming update and delete changes which is produced by node ${physicalLabel(producer, 'infix')}`,
      { position: window.pos },
    );
  }
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
    rowType: window.rowType,
    changelogMode: INSERT_ONLY,
  };
}
