import type { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import type { AggregateCallSpec, MiniBatchSpec } from '../../common/jobgraph.js';
import {
  AGG_PHASE_STRATEGY,
  MINI_BATCH_ALLOW_LATENCY,
  MINI_BATCH_ENABLED,
  MINI_BATCH_SIZE,
} from '../../common/options.js';
import { type LogicalType, Types } from '../../common/types.js';
import { INSERT_ONLY, isInsertOnly } from './changelog.js';
import {
  type PhysicalGroupAggregate,
  type PhysicalLocalGroupAggregate,
  type PhysicalNode,
  physicalInputs,
  withInputs,
} from './nodes.js';

/**
 * Mini-batch planning ('table.exec.mini-batch.*', Flink's MiniBatchIntervalInferRule and
 * TwoStageOptimizedAggregateRule): every GroupAggregate becomes a mini-batch one — or, unless
 * 'table.optimizer.agg-phase-strategy' is ONE_PHASE and when all its calls can merge partial
 * results, a LocalGroupAggregate before the exchange and a GlobalGroupAggregate after it — and a
 * MiniBatchAssigner goes above each source below it. Runs on the final physical plan, after the
 * changelog inference.
 */
export function applyMiniBatch(root: PhysicalNode, config?: Configuration): PhysicalNode {
  if (!config?.get(MINI_BATCH_ENABLED)) return root;
  const allowLatency = config.get(MINI_BATCH_ALLOW_LATENCY) ?? 0;
  const size = config.get(MINI_BATCH_SIZE) ?? -1;
  if (allowLatency <= 0)
    throw new WeirError('CONFIG_INVALID_VALUE', 'MiniBatch Latency must be greater than 0 ms.', {
      hint: "'table.exec.mini-batch.enabled' needs 'table.exec.mini-batch.allow-latency', e.g. SET 'table.exec.mini-batch.allow-latency' = '1 s';",
    });
  if (size <= 0)
    throw new WeirError('CONFIG_INVALID_VALUE', 'MiniBatch Size must be greater than 0.', {
      hint: "'table.exec.mini-batch.enabled' needs 'table.exec.mini-batch.size', e.g. SET 'table.exec.mini-batch.size' = '5000';",
    });
  const miniBatch: MiniBatchSpec = { allowLatency, size };
  const twoPhase = config.get(AGG_PHASE_STRATEGY) !== 'ONE_PHASE';
  const visit = (node: PhysicalNode): PhysicalNode => {
    const inputs = physicalInputs(node);
    const visited = inputs.map(visit);
    const current = withInputs(node, visited);
    if (current.kind !== 'GroupAggregate') return current;
    const input = current.input;
    if (
      twoPhase &&
      input.kind === 'Exchange' &&
      mergeable(current.aggCalls, isInsertOnly(input.changelogMode))
    )
      return splitTwoPhase(current, input.input, miniBatch);
    return { ...current, input: withAssigners(input, miniBatch), miniBatch };
  };
  return visit(root);
}

/**
 * Calls whose partial results merge without keyed state (Flink's doAllSupportPartialMerge, with
 * the accumulators weir has): COUNT, SUM, AVG, and MIN/MAX over an insert-only input; no DISTINCT.
 */
function mergeable(calls: readonly AggregateCallSpec[], insertOnly: boolean): boolean {
  return calls.every(
    (c) =>
      !c.distinct &&
      (c.fn === 'COUNT' ||
        c.fn === 'SUM' ||
        c.fn === 'AVG' ||
        ((c.fn === 'MIN' || c.fn === 'MAX') && insertOnly)),
  );
}

/** A MiniBatchAssigner above every source (and watermark assigner) below `node`, once. */
function withAssigners(node: PhysicalNode, miniBatch: MiniBatchSpec): PhysicalNode {
  switch (node.kind) {
    case 'MiniBatchAssigner':
      return node;
    case 'TableSourceScan':
    case 'Values':
    case 'WatermarkAssigner':
      return {
        kind: 'MiniBatchAssigner',
        input: node,
        intervalMs: miniBatch.allowLatency,
        rowType: node.rowType,
        changelogMode: node.changelogMode,
      };
    default:
      return withInputs(
        node,
        physicalInputs(node).map((i) => withAssigners(i, miniBatch)),
      );
  }
}

/** The accumulator slots a call's partial result has in weir's layout (see the runtime's accumulators). */
function partialSlots(call: AggregateCallSpec, inputTypes: readonly LogicalType[]): LogicalType[] {
  switch (call.fn) {
    case 'COUNT':
      return [Types.BIGINT()];
    case 'SUM':
    case 'AVG': {
      const arg = inputTypes[call.args[0]];
      return [arg.root === 'DECIMAL' ? Types.DECIMAL(38, arg.scale ?? 0) : call.type, Types.BIGINT()];
    }
    default:
      return [inputTypes[call.args[0]]];
  }
}

/** GroupAggregate(Exchange(input)) as GlobalGroupAggregate(Exchange(LocalGroupAggregate(input))). */
function splitTwoPhase(
  agg: PhysicalGroupAggregate,
  input: PhysicalNode,
  miniBatch: MiniBatchSpec,
): PhysicalNode {
  const inputFields = input.rowType.fields;
  const inputTypes = inputFields.map((f) => f.type);
  const slots = agg.aggCalls.flatMap((c) => partialSlots(c, inputTypes));
  const local: PhysicalLocalGroupAggregate = {
    kind: 'LocalGroupAggregate',
    input: withAssigners(input, miniBatch),
    grouping: agg.grouping,
    aggCalls: agg.aggCalls,
    needRetraction: !isInsertOnly(input.changelogMode),
    miniBatch,
    rowType: {
      fields: [
        ...agg.grouping.map((g) => inputFields[g]),
        { name: '$rowcount', type: Types.BIGINT() },
        ...slots.map((type, i) => ({ name: `$partial${i}`, type })),
      ],
    },
    changelogMode: INSERT_ONLY,
  };
  const keys = agg.grouping.map((_, i) => i);
  return {
    kind: 'GlobalGroupAggregate',
    input: {
      kind: 'Exchange',
      input: local,
      distribution: keys.length > 0 ? { kind: 'hash', keys } : { kind: 'single' },
      rowType: local.rowType,
      changelogMode: INSERT_ONLY,
    },
    local,
    generateUpdateBefore: agg.generateUpdateBefore,
    miniBatch,
    rowType: agg.rowType,
    changelogMode: agg.changelogMode,
  };
}
