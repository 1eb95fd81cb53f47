import { WeirError } from '../../common/errors.js';
import { inputRef } from '../../common/expr.js';
import type { LogicalNode, LogicalProject } from '../logical/nodes.js';
import { INSERT_ONLY, isInsertOnly, type RowKindSet, rowKindSet, rowKindsOf } from './changelog.js';
import { normalizeUpsertSource } from './changelog-normalize.js';
import { convertJoin } from './join.js';
import type { PhysicalNode } from './nodes.js';
import { convertOverWindow } from './over.js';
import { convertRank } from './rank.js';
import { convertTemporalJoin } from './temporal-join.js';
import { windowAggregate, windowTableFunction } from './window.js';
import { convertWindowJoin } from './window-join.js';

/** What a GroupAggregate emits: updates, and deletes too when its input can retract a group's last row. */
export function groupAggregateChangelog(input: RowKindSet, generateUpdateBefore: boolean): RowKindSet {
  const kinds = isInsertOnly(input) ? rowKindSet('I', 'UB', 'UA') : rowKindSet('I', 'UB', 'UA', 'D');
  return generateUpdateBefore ? kinds : kinds.filter((k) => k !== 'UB');
}

/** A union emits every kind any of its inputs emits. */
export function unionChangelog(inputs: readonly RowKindSet[]): RowKindSet {
  return rowKindSet(...inputs.flat());
}

/**
 * Logical to physical, one node for one: a scan becomes a TableSourceScan, a projection or filter a
 * Calc (the rules then merge Calcs and drop empty ones), an aggregate an Exchange (hash on the
 * grouping keys, or single without any) and a GroupAggregate, a sink a Sink. Row kinds are derived
 * on the way up: sources declare theirs, Calc and Exchange pass their input's through, and a
 * GroupAggregate makes updates. Whether it sends -U is decided later, top-down (see update-before.ts).
 */
export function toPhysical(node: LogicalNode): PhysicalNode {
  switch (node.kind) {
    case 'LogicalTableScan':
      return normalizeUpsertSource({
        kind: 'TableSourceScan',
        table: node.table,
        connector: node.connector,
        rowType: node.rowType,
        changelogMode: rowKindsOf(node.connector.source?.changelogMode ?? 'insert-only'),
      });
    case 'LogicalWatermarkAssigner': {
      const input = toPhysical(node.input);
      return {
        kind: 'WatermarkAssigner',
        input,
        rowtimeIndex: node.rowtimeIndex,
        watermarkExpr: node.watermarkExpr,
        rowType: node.rowType,
        changelogMode: input.changelogMode,
      };
    }
    case 'LogicalProject': {
      const topN = convertRank(node, toPhysical);
      if (topN) return topN;
      const input = toPhysical(node.input);
      return {
        kind: 'Calc',
        input,
        projection: node.exprs,
        rowType: node.rowType,
        changelogMode: input.changelogMode,
      };
    }
    case 'LogicalFilter': {
      // A WHERE over a join is planned with it: its conditions may be the join's keys.
      if (node.input.kind === 'LogicalJoin')
        return node.input.right.kind === 'LogicalSnapshot'
          ? convertTemporalJoin(node.input, node.condition, toPhysical)
          : (convertWindowJoin(node.input, node.condition, toPhysical) ??
              convertJoin(node.input, node.condition, toPhysical));
      // A Top-N filter that no SELECT list sits on (`SELECT …, AVG(x) OVER (…) FROM (… ROW_NUMBER() …)
      // WHERE rn <= 1`: the filter is the outer OVER window's input): planned under an identity projection.
      const identity: LogicalProject = {
        kind: 'LogicalProject',
        input: node,
        exprs: node.rowType.fields.map((f, i) => inputRef(i, f.type)),
        rowType: node.rowType,
      };
      const topN = convertRank(identity, toPhysical);
      if (topN) return topN;
      const input = toPhysical(node.input);
      return {
        kind: 'Calc',
        input,
        projection: input.rowType.fields.map((f, i) => inputRef(i, f.type)),
        condition: node.condition,
        rowType: node.rowType,
        changelogMode: input.changelogMode,
      };
    }
    case 'LogicalAggregate': {
      const windowed = windowAggregate(node, toPhysical);
      if (windowed) return windowed;
      const input = toPhysical(node.input);
      const exchange: PhysicalNode = {
        kind: 'Exchange',
        input,
        distribution: node.groupSet.length > 0 ? { kind: 'hash', keys: node.groupSet } : { kind: 'single' },
        rowType: input.rowType,
        changelogMode: input.changelogMode,
      };
      return {
        kind: 'GroupAggregate',
        input: exchange,
        grouping: node.groupSet,
        aggCalls: node.aggCalls,
        generateUpdateBefore: true,
        rowType: node.rowType,
        changelogMode: groupAggregateChangelog(input.changelogMode, true),
      };
    }
    case 'LogicalWindowTableFunction':
      return windowTableFunction(node, toPhysical(node.input));
    case 'LogicalOverWindow':
      return convertOverWindow(node, toPhysical);
    case 'LogicalJoin':
      return node.right.kind === 'LogicalSnapshot'
        ? convertTemporalJoin(node, undefined, toPhysical)
        : (convertWindowJoin(node, undefined, toPhysical) ?? convertJoin(node, undefined, toPhysical));
    case 'LogicalSnapshot':
      // Only ever the right side of a join (binder/join.ts), planned with it.
      throw new WeirError('PLANNER_INTERNAL', 'A LogicalSnapshot outside a join', { kind: 'internal' });
    case 'LogicalCorrelate': {
      const input = toPhysical(node.input);
      return {
        kind: 'Correlate',
        input,
        collection: node.collection,
        joinType: node.joinType,
        rowType: node.rowType,
        changelogMode: input.changelogMode,
      };
    }
    case 'LogicalValues':
      return { kind: 'Values', tuples: node.tuples, rowType: node.rowType, changelogMode: INSERT_ONLY };
    case 'LogicalUnion': {
      const inputs = node.inputs.map(toPhysical);
      return {
        kind: 'Union',
        inputs,
        rowType: node.rowType,
        changelogMode: unionChangelog(inputs.map((i) => i.changelogMode)),
      };
    }
    case 'LogicalSink': {
      const input = toPhysical(node.input);
      return {
        kind: 'Sink',
        input,
        table: node.table,
        connector: node.connector,
        rowType: node.rowType,
        changelogMode: input.changelogMode,
      };
    }
    default: {
      const never: never = node;
      return never;
    }
  }
}
