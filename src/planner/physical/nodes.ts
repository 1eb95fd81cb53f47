import type { ConnectorDescriptor } from '../../common/connector.js';
import type { Expr } from '../../common/expr.js';
import type { AggregateCallSpec, JoinType } from '../../common/jobgraph.js';
import type { RowType } from '../../common/types.js';
import type { CatalogTable } from '../catalog/catalog.js';
import type { RowKindSet } from './changelog.js';

/**
 * Physical (executable) plan nodes, one per runtime operator kind (and Exchange, which becomes a
 * JobGraph edge), each knowing the row kinds it emits. Names follow Flink's StreamPhysical* nodes
 * as EXPLAIN prints them.
 */
export type PhysicalNode =
  | PhysicalTableSourceScan
  | PhysicalWatermarkAssigner
  | PhysicalCalc
  | PhysicalExchange
  | PhysicalGroupAggregate
  | PhysicalJoin
  | PhysicalIntervalJoin
  | PhysicalSink;

export interface PhysicalTableSourceScan {
  readonly kind: 'TableSourceScan';
  readonly table: CatalogTable;
  readonly connector: ConnectorDescriptor;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** Generates watermarks from the rowtime (Flink's StreamPhysicalWatermarkAssigner); rows pass through. */
export interface PhysicalWatermarkAssigner {
  readonly kind: 'WatermarkAssigner';
  readonly input: PhysicalNode;
  readonly rowtimeIndex: number;
  readonly watermarkExpr: Expr;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** Projection and filter in one operator (Flink's Calc). */
export interface PhysicalCalc {
  readonly kind: 'Calc';
  readonly input: PhysicalNode;
  readonly projection: readonly Expr[];
  readonly condition?: Expr;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** How an Exchange spreads rows over the next operator's subtasks. */
export type Distribution =
  | { readonly kind: 'hash'; readonly keys: readonly number[] }
  /** Everything to one subtask (Flink's `single`, a global edge). */
  | { readonly kind: 'single' };

/** A network shuffle (Flink's Exchange): a JobGraph edge, not a vertex. */
export interface PhysicalExchange {
  readonly kind: 'Exchange';
  readonly input: PhysicalNode;
  readonly distribution: Distribution;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** Non-windowed GROUP BY (Flink's StreamPhysicalGroupAggregate); its input is an Exchange. */
export interface PhysicalGroupAggregate {
  readonly kind: 'GroupAggregate';
  readonly input: PhysicalNode;
  /** Grouping fields of the input. */
  readonly grouping: readonly number[];
  readonly aggCalls: readonly AggregateCallSpec[];
  /** Whether -U rows are emitted: the consumer needs them (a retract sink, another aggregate). */
  readonly generateUpdateBefore: boolean;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/**
 * How a join input's rows are kept (Flink's JoinInputSideSpec, printed as leftInputSpec and
 * rightInputSpec): by a unique key that the join key contains, by a unique key, or as a multiset.
 */
export type JoinInputSpec = 'JoinKeyContainsUniqueKey' | 'HasUniqueKey' | 'NoUniqueKey';

/**
 * A regular join (Flink's StreamPhysicalJoin): both inputs are Exchanges, hashed by each side's
 * join keys (or single, without keys). `condition` is the whole join condition over the joined
 * row, as EXPLAIN prints it; `nonEquiCondition` what remains of it besides the key equalities.
 */
export interface PhysicalJoin {
  readonly kind: 'Join';
  readonly left: PhysicalNode;
  readonly right: PhysicalNode;
  readonly joinType: JoinType;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly condition: Expr;
  readonly nonEquiCondition?: Expr;
  readonly leftInputSpec: JoinInputSpec;
  readonly rightInputSpec: JoinInputSpec;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/**
 * An interval join (Flink's StreamPhysicalIntervalJoin): like a Join, plus the time bounds
 * `leftLowerBound <= l.rt - r.rt <= leftUpperBound` on the rowtime fields of both inputs.
 * `condition` is the whole join condition as EXPLAIN prints it; `nonEquiCondition` what is neither
 * a key equality nor a time bound.
 */
export interface PhysicalIntervalJoin extends Omit<PhysicalJoin, 'kind'> {
  readonly kind: 'IntervalJoin';
  readonly leftTimeIndex: number;
  readonly rightTimeIndex: number;
  readonly leftLowerBound: number;
  readonly leftUpperBound: number;
}

export interface PhysicalSink {
  readonly kind: 'Sink';
  readonly input: PhysicalNode;
  readonly table: CatalogTable;
  readonly connector: ConnectorDescriptor;
  /** The row type the sink consumes (named as the query named it, as Flink prints). */
  readonly rowType: RowType;
  /** The changelog the sink receives. */
  readonly changelogMode: RowKindSet;
}

export function physicalInputs(node: PhysicalNode): readonly PhysicalNode[] {
  switch (node.kind) {
    case 'TableSourceScan':
      return [];
    case 'WatermarkAssigner':
    case 'Calc':
    case 'Exchange':
    case 'GroupAggregate':
    case 'Sink':
      return [node.input];
    case 'Join':
    case 'IntervalJoin':
      return [node.left, node.right];
    default: {
      const never: never = node;
      return never;
    }
  }
}

export function withInputs(node: PhysicalNode, inputs: readonly PhysicalNode[]): PhysicalNode {
  switch (node.kind) {
    case 'TableSourceScan':
      return node;
    case 'WatermarkAssigner':
    case 'Calc':
    case 'Exchange':
    case 'GroupAggregate':
    case 'Sink':
      return inputs[0] === node.input ? node : { ...node, input: inputs[0] };
    case 'Join':
    case 'IntervalJoin':
      return inputs[0] === node.left && inputs[1] === node.right
        ? node
        : { ...node, left: inputs[0], right: inputs[1] };
    default: {
      const never: never = node;
      return never;
    }
  }
}
