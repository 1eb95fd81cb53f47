import type { ConnectorDescriptor } from '../../common/connector.js';
import type { Expr } from '../../common/expr.js';
import type {
  AggregateCallSpec,
  JoinType,
  MiniBatchSpec,
  SortFieldSpec,
  TimeDomain,
  WindowingSpec,
  WindowProperty,
} from '../../common/jobgraph.js';
import type { RowType } from '../../common/types.js';
import type { CatalogTable } from '../catalog/catalog.js';
import type { RowKindSet } from './changelog.js';
import type { PhysicalChangelogNormalize } from './changelog-normalize.js';

export type { PhysicalChangelogNormalize } from './changelog-normalize.js';

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
  | PhysicalMiniBatchAssigner
  | PhysicalLocalGroupAggregate
  | PhysicalGlobalGroupAggregate
  | PhysicalWindowAggregate
  | PhysicalWindowTableFunction
  | PhysicalRank
  | PhysicalWindowRank
  | PhysicalDeduplicate
  | PhysicalOverAggregate
  | PhysicalJoin
  | PhysicalIntervalJoin
  | PhysicalWindowJoin
  | PhysicalTemporalJoin
  | PhysicalLookupJoin
  | PhysicalCorrelate
  | PhysicalValues
  | PhysicalUnion
  | PhysicalChangelogNormalize
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
  /** Set with mini-batch on: rows are folded in per key once per batch. */
  readonly miniBatch?: MiniBatchSpec;
  /** The two levels of a split distinct aggregation (Flink's PartialFinalType), for EXPLAIN. */
  readonly partialFinalType?: 'PARTIAL' | 'FINAL';
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/**
 * Flink's StreamPhysicalMiniBatchAssigner: placed above the sources of a plan with mini-batch
 * operators, `MiniBatchAssigner(interval=[1000ms], mode=[ProcTime])`; rows pass through.
 */
export interface PhysicalMiniBatchAssigner {
  readonly kind: 'MiniBatchAssigner';
  readonly input: PhysicalNode;
  readonly intervalMs: number;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/**
 * The local phase of a two-phase aggregation (Flink's StreamPhysicalLocalGroupAggregate), before
 * the hash exchange: insert-only partial accumulators per key and batch. Its row type is the
 * grouping fields, then the accumulator slots.
 */
export interface PhysicalLocalGroupAggregate {
  readonly kind: 'LocalGroupAggregate';
  readonly input: PhysicalNode;
  readonly grouping: readonly number[];
  readonly aggCalls: readonly AggregateCallSpec[];
  /** The input carries retractions: Flink counts rows (COUNT_RETRACT(*)) to know when a group is empty. */
  readonly needRetraction: boolean;
  readonly miniBatch: MiniBatchSpec;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/**
 * The global phase (Flink's StreamPhysicalGlobalGroupAggregate), after the exchange on the
 * grouping fields (the first fields of its input): merges the partials into keyed state and
 * emits the GroupAggregate's changelog. `local` is the local phase, whose calls and input fix
 * the accumulator layout.
 */
export interface PhysicalGlobalGroupAggregate {
  readonly kind: 'GlobalGroupAggregate';
  readonly input: PhysicalNode;
  readonly local: PhysicalLocalGroupAggregate;
  readonly generateUpdateBefore: boolean;
  readonly miniBatch: MiniBatchSpec;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/**
 * Window aggregation (Flink's StreamPhysicalWindowAggregate, or GroupWindowAggregate for a legacy
 * group window): insert-only, one row per key and window when the window fires. Its input is an
 * Exchange on the grouping fields. Output: grouping fields, calls, then the window properties.
 */
export interface PhysicalWindowAggregate {
  readonly kind: 'WindowAggregate' | 'GroupWindowAggregate';
  readonly input: PhysicalNode;
  readonly grouping: readonly number[];
  readonly aggCalls: readonly AggregateCallSpec[];
  readonly fn: string;
  readonly window: WindowingSpec;
  readonly timeIndex: number;
  readonly timeDomain: TimeDomain;
  readonly properties: readonly WindowProperty[];
  /** A SESSION TVF's partition keys (input fields), for EXPLAIN. */
  readonly partitionKeys?: readonly number[];
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** Constant rows (Flink's StreamPhysicalValues): a bounded source vertex of parallelism 1. */
export interface PhysicalValues {
  readonly kind: 'Values';
  /** Constant expressions, each of its column's type. */
  readonly tuples: readonly (readonly Expr[])[];
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** A window TVF not followed by a window aggregation (Flink's StreamPhysicalWindowTableFunction). */
export interface PhysicalWindowTableFunction {
  readonly kind: 'WindowTableFunction';
  readonly input: PhysicalNode;
  readonly fn: string;
  readonly window: WindowingSpec;
  readonly timeIndex: number;
  readonly timeDomain: TimeDomain;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/**
 * Top-N (Flink's StreamPhysicalRank, ROW_NUMBER only as in Flink's streaming mode); its input is
 * an Exchange on the partition keys. AppendFastStrategy over an insert-only input, RetractStrategy
 * over a changelog. Outputs the input row, and the rank number when `outputRankNumber`.
 */
export interface PhysicalRank {
  readonly kind: 'Rank';
  readonly input: PhysicalNode;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortFieldSpec[];
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
  readonly strategy: 'AppendFastStrategy' | 'RetractStrategy';
  readonly generateUpdateBefore: boolean;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
  /** A LIMIT's ranking: EXPLAIN shows it as Flink's Limit (no ORDER BY) or SortLimit. */
  readonly limit?: { readonly offset: number; readonly fetch: number };
}

/**
 * Window Top-N (Flink's StreamPhysicalWindowRank) or, with `keep`, window deduplication
 * (StreamPhysicalWindowDeduplicate): per partition key and window, ranks rankStart..rankEnd by
 * `orderKeys`, emitted once when the window ends. `window` is attached: the row's window_start
 * and window_end say the window. Insert-only in and out. Its input is an Exchange on the keys.
 */
export interface PhysicalWindowRank {
  readonly kind: 'WindowRank';
  readonly input: PhysicalNode;
  readonly window: WindowingSpec & { readonly kind: 'attached' };
  readonly timeDomain: TimeDomain;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortFieldSpec[];
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
  /** Set for a WindowDeduplicate: which row of a tie on the rowtime is kept. */
  readonly keep?: 'FirstRow' | 'LastRow';
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** Deduplication (Flink's StreamPhysicalDeduplicate): ROW_NUMBER = 1 ordered by a time attribute. */
export interface PhysicalDeduplicate {
  readonly kind: 'Deduplicate';
  readonly input: PhysicalNode;
  readonly keys: readonly number[];
  readonly keepLastRow: boolean;
  /** Ordered by this rowtime field; absent when ordered by processing time. */
  readonly rowtimeIndex?: number;
  readonly generateUpdateBefore: boolean;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** OVER aggregation (Flink's StreamPhysicalOverAggregate); its input is an Exchange on the partition keys. */
export interface PhysicalOverAggregate {
  readonly kind: 'OverAggregate';
  readonly input: PhysicalNode;
  readonly partitionKeys: readonly number[];
  readonly orderIndex: number;
  readonly rowtime: boolean;
  readonly unit: 'ROWS' | 'RANGE';
  /** Rows or milliseconds before the current row; absent for UNBOUNDED PRECEDING. */
  readonly preceding?: number;
  readonly aggCalls: readonly AggregateCallSpec[];
  /**
   * Over an updating input, or ordered by anything but one ascending time attribute: rows are kept
   * sorted and every change updates the rows whose frame it touches (weir's; see convertOverWindow).
   */
  readonly retractable?: { readonly orderKeys: readonly SortFieldSpec[] };
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

/**
 * A window join (Flink's StreamPhysicalWindowJoin): like a Join of two window TVF relations (or
 * window aggregations' results), whose window_start and window_end equalities are not keys but the
 * windows `leftWindow` and `rightWindow` (read from each side's row). `condition` is the rest of
 * the join condition, as EXPLAIN prints it. Insert-only in and out.
 */
export interface PhysicalWindowJoin extends Omit<PhysicalJoin, 'kind'> {
  readonly kind: 'WindowJoin';
  readonly leftWindow: WindowingSpec & { readonly kind: 'attached' };
  readonly rightWindow: WindowingSpec & { readonly kind: 'attached' };
}

/**
 * An event-time temporal join with a versioned table (Flink's StreamPhysicalTemporalJoin): like a
 * Join, both inputs Exchanges hashed by the join keys; the left row joins the right version valid
 * at its rowtime. `condition` is printed as Flink does, with __TEMPORAL_JOIN_CONDITION(…).
 */
export interface PhysicalTemporalJoin extends Omit<PhysicalJoin, 'kind' | 'joinType'> {
  readonly kind: 'TemporalJoin';
  readonly joinType: 'INNER' | 'LEFT';
  readonly leftTimeIndex: number;
  readonly rightTimeIndex: number;
  /** The versioned table's primary key, right input fields. */
  readonly rightPrimaryKey: readonly number[];
}

/** One lookup key as planned: a table column equals an input field or a constant. */
export type PhysicalLookupKey =
  | { readonly kind: 'field'; readonly tableField: number; readonly inputField: number }
  | { readonly kind: 'constant'; readonly tableField: number; readonly value: Expr };

/**
 * A lookup join (Flink's StreamPhysicalLookupJoin): each input row looks up `table` by its keys.
 * `where` is the rest of the ON condition over the table's row alone, `joinCondition` the rest
 * over both; both are over the joined row (input fields, then table fields).
 */
export interface PhysicalLookupJoin {
  readonly kind: 'LookupJoin';
  readonly input: PhysicalNode;
  readonly table: CatalogTable;
  readonly connector: ConnectorDescriptor;
  readonly joinType: 'INNER' | 'LEFT';
  readonly keys: readonly PhysicalLookupKey[];
  /** The table's columns as looked up. */
  readonly tableType: RowType;
  readonly where?: Expr;
  readonly joinCondition?: Expr;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/**
 * UNNEST (Flink's StreamPhysicalCorrelate over `$UNNEST_ROWS$1`): each input row once per element
 * of `collection` (over the input row), the element's columns appended. Chained, stateless; rows
 * keep their kinds.
 */
export interface PhysicalCorrelate {
  readonly kind: 'Correlate';
  readonly input: PhysicalNode;
  readonly collection: Expr;
  readonly joinType: 'INNER' | 'LEFT';
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

/** UNION ALL (Flink's StreamPhysicalUnion): the rows of every input, in no particular order. */
export interface PhysicalUnion {
  readonly kind: 'Union';
  readonly inputs: readonly PhysicalNode[];
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
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
  /**
   * The sink's primary key fields when a SinkUpsertMaterializer runs before it
   * ('table.exec.sink.upsert-materialize'); the sink then receives +I/+U/-D by that key.
   */
  readonly upsertMaterialize?: readonly number[];
}

export function physicalInputs(node: PhysicalNode): readonly PhysicalNode[] {
  switch (node.kind) {
    case 'TableSourceScan':
    case 'Values':
      return [];
    case 'Union':
      return node.inputs;
    case 'WatermarkAssigner':
    case 'Calc':
    case 'Exchange':
    case 'GroupAggregate':
    case 'MiniBatchAssigner':
    case 'LocalGroupAggregate':
    case 'GlobalGroupAggregate':
    case 'WindowAggregate':
    case 'GroupWindowAggregate':
    case 'WindowTableFunction':
    case 'Rank':
    case 'WindowRank':
    case 'Deduplicate':
    case 'OverAggregate':
    case 'ChangelogNormalize':
    case 'LookupJoin':
    case 'Correlate':
    case 'Sink':
      return [node.input];
    case 'Join':
    case 'IntervalJoin':
    case 'WindowJoin':
    case 'TemporalJoin':
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
    case 'Values':
      return node;
    case 'Union':
      return inputs.every((input, i) => input === node.inputs[i]) ? node : { ...node, inputs };
    case 'WatermarkAssigner':
    case 'Calc':
    case 'Exchange':
    case 'GroupAggregate':
    case 'MiniBatchAssigner':
    case 'LocalGroupAggregate':
    case 'GlobalGroupAggregate':
    case 'WindowAggregate':
    case 'GroupWindowAggregate':
    case 'WindowTableFunction':
    case 'Rank':
    case 'WindowRank':
    case 'Deduplicate':
    case 'OverAggregate':
    case 'ChangelogNormalize':
    case 'LookupJoin':
    case 'Correlate':
    case 'Sink':
      return inputs[0] === node.input ? node : { ...node, input: inputs[0] };
    case 'Join':
    case 'IntervalJoin':
    case 'WindowJoin':
    case 'TemporalJoin':
      return inputs[0] === node.left && inputs[1] === node.right
        ? node
        : { ...node, left: inputs[0], right: inputs[1] };
    default: {
      const never: never = node;
      return never;
    }
  }
}
