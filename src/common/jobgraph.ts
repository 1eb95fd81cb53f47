import type { Expr } from './expr.js';
import type { LogicalType, RowType } from './types.js';

/**
 * The JobGraph is the only thing the planner hands the runtime: plain, versioned JSON, so a job
 * and its savepoints can outlive a release. Vertices are logical operators (the runtime chains
 * them); each has a stable id used to match state in checkpoints and savepoints.
 */
export const JOB_GRAPH_VERSION = 1;

export interface JobGraph {
  readonly version: typeof JOB_GRAPH_VERSION;
  readonly jobName: string;
  /** The session configuration in force when the job was planned (raw Flink-style strings). */
  readonly config: Readonly<Record<string, string>>;
  readonly vertices: readonly JobVertex[];
  readonly edges: readonly JobEdge[];
}

export interface JobVertex {
  /** Stable operator id: state in checkpoints and savepoints is keyed by it. */
  readonly id: string;
  /** Human-readable name, as Flink prints it in EXPLAIN and the web UI. */
  readonly name: string;
  /** Parallelism chosen by the planner; undefined means `parallelism.default`. */
  readonly parallelism?: number;
  /**
   * Set when the operator keeps keyed state: its input is partitioned by these fields (a hash
   * edge with the same keys), and it gets a keyed state backend split by key group.
   */
  readonly keyed?: {
    readonly fields: readonly number[];
    /** A keyed two-input operator: the key fields of its second input (its first input's are `fields`). */
    readonly secondInputFields?: readonly number[];
  };
  readonly operator: OperatorSpec;
}

export type Partitioner = 'forward' | 'hash' | 'rebalance' | 'broadcast' | 'global';

export interface JobEdge {
  readonly source: string;
  readonly target: string;
  readonly partitioner: Partitioner;
  /** Key field indexes of the source's output, for hash partitioning. */
  readonly keys?: readonly number[];
  /**
   * Which logical input of the target this edge feeds: 0 (absent) or 1, the right side of a
   * two-input operator such as a join. A two-input target is never chained to its inputs.
   */
  readonly inputIndex?: number;
}

export type ChangelogMode = 'insert-only' | 'upsert' | 'retract';

/** A table connector instance as a source or a sink. Options include secrets: never print them raw. */
export interface ConnectorSpec {
  /** The table's identifier, e.g. `default_catalog.default_database.orders`. */
  readonly table: string;
  /** The 'connector' option, e.g. 'kafka', 'datagen'. */
  readonly connector: string;
  readonly options: Readonly<Record<string, string>>;
  /** Physical columns the connector produces or consumes, in order. */
  readonly schema: RowType;
  /**
   * The table's `PRIMARY KEY (…) NOT ENFORCED` columns, by name, when it declares one: upsert sinks
   * (JDBC, upsert-kafka) write and delete by it; absent for tables without a key.
   */
  readonly primaryKey?: readonly string[];
  /** The table's `PARTITIONED BY (…)` columns, by name, when it has any (the filesystem connector's k=v/ directories). */
  readonly partitionKeys?: readonly string[];
}

export interface SourceSpec {
  readonly kind: 'source';
  readonly connector: ConnectorSpec;
}

export interface CalcSpec {
  readonly kind: 'calc';
  /** One expression per output column, over the input row. */
  readonly projection: readonly Expr[];
  /** Rows for which this is not TRUE are dropped (SQL WHERE semantics: NULL drops). */
  readonly condition?: Expr;
  readonly outputType: RowType;
}

export interface SinkSpec {
  readonly kind: 'sink';
  readonly connector: ConnectorSpec;
  readonly inputChangelogMode: ChangelogMode;
  /**
   * NOT NULL columns of the table that the query may write a NULL into: checked per row before the
   * writer sees it ('table.exec.sink.not-null-enforcer'), as Flink's ConstraintEnforcer does.
   */
  readonly notNullColumns?: readonly { readonly index: number; readonly name: string }[];
}

/**
 * A sink's committer, after its writers (parallelism 1, behind a global edge): Flink's post-commit
 * topology, e.g. the filesystem sink's PartitionCommitter, which writes a partition's success file
 * once every writer has committed its files and the partition's time has passed.
 */
export interface SinkCommitterSpec {
  readonly kind: 'sink-committer';
  readonly connector: ConnectorSpec;
}

/**
 * Generates watermarks from a `WATERMARK FOR rowtime AS expr` definition: the watermark is the
 * largest value of `watermarkExpr` seen so far, emitted every 'pipeline.auto-watermark-interval'.
 */
export interface WatermarkAssignerSpec {
  readonly kind: 'watermark-assigner';
  /** The rowtime column of the input row. */
  readonly rowtimeIndex: number;
  /** Evaluated per row over the input row, e.g. `ts - INTERVAL '5' SECOND`; a TIMESTAMP(3) or TIMESTAMP_LTZ(3). */
  readonly watermarkExpr: Expr;
}

/** The aggregate functions a GroupAggregateSpec can compute. */
export type AggregateFunctionName =
  | 'COUNT'
  | 'SUM'
  | 'MIN'
  | 'MAX'
  | 'AVG'
  | 'FIRST_VALUE'
  | 'LAST_VALUE'
  | 'LISTAGG';

/** One aggregate call of a GroupAggregateSpec, over fields of the aggregate's input row. */
export interface AggregateCallSpec {
  readonly fn: AggregateFunctionName;
  /** Argument field indexes; empty for COUNT(*). */
  readonly args: readonly number[];
  /** Each distinct (non-NULL) value of the first argument is aggregated once. */
  readonly distinct: boolean;
  /** A BOOLEAN input field: only rows where it is TRUE are aggregated (`FILTER (WHERE …)`). */
  readonly filterArg?: number;
  /** LISTAGG's separator (a literal in SQL); ',' when absent. */
  readonly separator?: string;
  /**
   * A SUM that is 0, not NULL, over no values (Calcite's $SUM0): how a split distinct aggregation
   * adds up the partial counts of its buckets.
   */
  readonly sum0?: boolean;
  /** The result type, as the planner inferred it (Flink's rules). */
  readonly type: LogicalType;
  /** The output column's name, for messages and EXPLAIN. */
  readonly name: string;
}

/**
 * Non-windowed GROUP BY (Flink's GroupAggregate): one accumulator per group in keyed state, and
 * a changelog out — +I for a group's first result, -U/+U when it changes, -D when the group's
 * last row is retracted. The vertex is keyed by `grouping` behind a hash edge on those fields, or
 * for a global aggregation (no GROUP BY) keyed by no fields behind a global edge, parallelism 1.
 * The output row is the grouping fields, then one field per aggregate call.
 */
export interface GroupAggregateSpec {
  readonly kind: 'group-aggregate';
  /** Grouping key field indexes of the input row. */
  readonly grouping: readonly number[];
  readonly aggCalls: readonly AggregateCallSpec[];
  readonly inputType: RowType;
  readonly outputType: RowType;
  /**
   * The input only inserts; otherwise it carries -U/-D retractions, and the accumulators must be
   * able to retract (MIN/MAX keep a count per value, FIRST_VALUE/LAST_VALUE/LISTAGG every value).
   */
  readonly inputInsertOnly: boolean;
  /** Emit -U before each +U (a retract changelog); when false, only +U (an upsert changelog). */
  readonly generateUpdateBefore: boolean;
  /** Set with 'table.exec.mini-batch.enabled': rows are buffered per key and folded in once per batch. */
  readonly miniBatch?: MiniBatchSpec;
}

/**
 * Mini-batch (Flink's MiniBatchGroupAggFunction and its bundle trigger): an operator buffers rows
 * per key in memory and folds them into its state once per key when the batch is finished — after
 * `allowLatency` ms, when `size` rows are buffered, before every checkpoint barrier and at the end
 * of input, so a checkpoint never misses a buffered row.
 */
export interface MiniBatchSpec {
  readonly allowLatency: number;
  readonly size: number;
}

/**
 * Flink's MiniBatchAssigner: where the mini-batch interval of the operators below it is assigned.
 * In Flink it emits processing-time watermarks that end each batch; in weir every mini-batch
 * operator keeps its own timer, so this vertex forwards rows and watermarks unchanged.
 */
export interface MiniBatchAssignerSpec {
  readonly kind: 'mini-batch-assigner';
  readonly intervalMs: number;
}

/**
 * The local half of a two-phase aggregation (Flink's LocalGroupAggregate, before the hash
 * exchange): per mini-batch, one accumulator per key on the heap, no state; when the batch ends
 * each key's partial accumulator goes out as one insert-only row: the grouping fields, then the
 * accumulator slots (the row count first, then each call's). Not keyed: it runs where its input is.
 */
export interface LocalGroupAggregateSpec {
  readonly kind: 'local-group-aggregate';
  readonly grouping: readonly number[];
  readonly aggCalls: readonly AggregateCallSpec[];
  readonly inputType: RowType;
  readonly inputInsertOnly: boolean;
  readonly miniBatch: MiniBatchSpec;
}

/**
 * The global half of a two-phase aggregation (Flink's GlobalGroupAggregate, after the exchange):
 * keyed by the grouping fields (the first fields of its input), it merges the partial
 * accumulators of a batch into the group's accumulator in keyed state and emits the change as a
 * GroupAggregate does. `aggCalls` and `localInputType` are the local aggregate's, which fix the
 * accumulator layout.
 */
export interface GlobalGroupAggregateSpec {
  readonly kind: 'global-group-aggregate';
  readonly keyCount: number;
  readonly aggCalls: readonly AggregateCallSpec[];
  readonly localInputType: RowType;
  readonly inputInsertOnly: boolean;
  readonly generateUpdateBefore: boolean;
  readonly outputType: RowType;
  readonly miniBatch: MiniBatchSpec;
}

/**
 * Flink's SinkUpsertMaterializer, before a sink whose primary key is not the query's upsert key:
 * keyed by the sink's key fields, it keeps every row currently added for a key, so that a
 * retraction removes that row and not the key — the sink then sees +I/+U of the row it should
 * hold and -D only when no row is left. Emits an upsert changelog (+I, +U, -D).
 */
export interface SinkUpsertMaterializerSpec {
  readonly kind: 'sink-upsert-materializer';
  readonly keys: readonly number[];
}

/**
 * How rows are assigned to time windows (Flink's window TVFs and legacy group windows); all
 * lengths in milliseconds. A window is [start, end); it fires when time passes end - 1.
 */
export type WindowingSpec =
  | { readonly kind: 'tumble'; readonly size: number; readonly offset: number }
  /** Windows of `size` every `slide`: each row is in size / slide of them. */
  | { readonly kind: 'hop'; readonly size: number; readonly slide: number; readonly offset: number }
  /** Windows growing by `step` from the start of each `size`-long period: [s, s+step), [s, s+2·step) … */
  | { readonly kind: 'cumulate'; readonly size: number; readonly step: number; readonly offset: number }
  /** Per key, rows less than `gap` apart share a window [first, last + gap). */
  | { readonly kind: 'session'; readonly gap: number }
  /**
   * The window is in the row already: [row[startIndex], row[endIndex]), the window_start and
   * window_end of an upstream window aggregation of `window` (Flink's WindowAttachedWindowingStrategy).
   */
  | {
      readonly kind: 'attached';
      readonly window: WindowingSpec;
      readonly startIndex: number;
      readonly endIndex: number;
    };

export type TimeDomain = 'event-time' | 'processing-time';

/** A window's property in a window aggregate's output (Flink's window_start, window_end, window_time). */
export type WindowProperty = 'start' | 'end' | 'rowtime' | 'proctime';

/**
 * Window aggregation (Flink's WindowAggregate over a window TVF, and the legacy
 * GroupWindowAggregate): per key and window an accumulator in keyed state; each window's result
 * is emitted once, as an insert, when time passes its end, and its state is then cleared. Rows
 * whose windows have all fired are late and dropped. Keyed like a GroupAggregate. The output
 * row is the grouping fields, one field per call, then one per window property.
 */
export interface WindowAggregateSpec {
  readonly kind: 'window-aggregate';
  readonly window: WindowingSpec;
  readonly timeDomain: TimeDomain;
  /** The time field of the input row (read for event time only). */
  readonly timeIndex: number;
  readonly grouping: readonly number[];
  readonly aggCalls: readonly AggregateCallSpec[];
  readonly properties: readonly WindowProperty[];
  readonly inputType: RowType;
  readonly outputType: RowType;
  /**
   * Aggregate by slices (Flink's SlicingWindowOperator): per key one accumulator per slice rather
   * than per window, see `slicesWindows`. Part of the operator's id, as its state layout differs.
   */
  readonly slicing?: true;
}

/**
 * Whether a window aggregation can run by slices, as Flink's planner decides between its slicing
 * and its per-window operators: an aligned window cut into equal slices (TUMBLE; HOP whose size is
 * a multiple of its slide; CUMULATE, whose size is a multiple of its step) and calls whose
 * accumulators merge (not DISTINCT, not the order-dependent FIRST_VALUE, LAST_VALUE, LISTAGG).
 */
export function slicesWindows(window: WindowingSpec, aggCalls: readonly AggregateCallSpec[]): boolean {
  const aligned =
    window.kind === 'tumble' ||
    (window.kind === 'hop' && window.size % window.slide === 0) ||
    (window.kind === 'cumulate' && window.size % window.step === 0);
  return (
    aligned &&
    aggCalls.every(
      (c) => !c.distinct && c.fn !== 'FIRST_VALUE' && c.fn !== 'LAST_VALUE' && c.fn !== 'LISTAGG',
    )
  );
}

/**
 * `VALUES (…), (…)`: a bounded source of constant rows (Flink's Values), run at parallelism 1.
 * Each expression is constant (no input references) and has its column's type.
 */
export interface ValuesSpec {
  readonly kind: 'values';
  readonly tuples: readonly (readonly Expr[])[];
  readonly outputType: RowType;
}

/**
 * A window TVF not followed by a window aggregation (Flink's WindowTableFunction): each row once
 * per window it belongs to, with window_start, window_end and window_time appended.
 */
export interface WindowTableFunctionSpec {
  readonly kind: 'window-table-function';
  readonly window: WindowingSpec;
  readonly timeDomain: TimeDomain;
  readonly timeIndex: number;
}

/** One field of a sort order (Top-N's ORDER BY, an OVER window's ORDER BY). */
export interface SortFieldSpec {
  readonly index: number;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/**
 * Top-N (Flink's Rank with ROW_NUMBER): per partition, the rows ranked rankStart..rankEnd by
 * `orderKeys` (ties in arrival order), kept in keyed state, and the changes of that set out:
 * +I/-D as rows enter and leave it, or with `outputRankNumber` -U/+U per rank whose row changed.
 * Over an insert-only input (AppendFastStrategy) only the top rankEnd rows are kept; over a
 * changelog (RetractStrategy) every row of the partition is, so a retraction can promote the next.
 * Keyed by `partitionKeys` (none: parallelism 1). Output: the input row, then the rank number.
 */
export interface RankSpec {
  readonly kind: 'rank';
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortFieldSpec[];
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
  readonly inputInsertOnly: boolean;
  readonly generateUpdateBefore: boolean;
  readonly inputType: RowType;
}

/**
 * Window Top-N and window deduplication (Flink's WindowRank and WindowDeduplicate): the rows of
 * each window ([row[windowStartIndex], row[windowEndIndex]) of a window TVF or window aggregation)
 * ranked per partition key by `orderKeys`, only the first rankEnd kept in keyed state; when time
 * passes the window's end ranks rankStart..rankEnd are emitted once, insert-only, and the window's
 * state cleared. Rows of windows that have fired are late and dropped. Ties go in arrival order,
 * except with `keepLastRow` (WindowDeduplicate keep=[LastRow]), where a later row wins its tie.
 * Keyed by `partitionKeys` (none: parallelism 1). Output: the input row, then the rank number.
 */
export interface WindowRankSpec {
  readonly kind: 'window-rank';
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortFieldSpec[];
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
  readonly windowStartIndex: number;
  readonly windowEndIndex: number;
  readonly timeDomain: TimeDomain;
  readonly keepLastRow: boolean;
}

/**
 * Deduplication (Flink's Deduplicate), ROW_NUMBER = 1 ordered by a time attribute over an
 * insert-only input, one row per key in keyed state. Keep first row on processing time: the
 * first row of each key, insert-only. Keep last row on processing time: every row replaces the
 * previous one (-U/+U). On event time (`rowtimeIndex`): a row replaces the kept one when its
 * rowtime is larger (keep last: or equal) or smaller (keep first).
 */
export interface DeduplicateSpec {
  readonly kind: 'deduplicate';
  readonly keys: readonly number[];
  readonly keepLastRow: boolean;
  /** The rowtime field when ordered by event time; absent for processing time. */
  readonly rowtimeIndex?: number;
  readonly generateUpdateBefore: boolean;
}

/**
 * Flink's ChangelogNormalize after an upsert source: keeps the last row per key (`keys`) and turns
 * upserts (+I/+U) and deletes by key (-D) into +I, -U/+U and -D with the kept row.
 */
export interface ChangelogNormalizeSpec {
  readonly kind: 'changelog-normalize';
  readonly keys: readonly number[];
  readonly generateUpdateBefore: boolean;
}

/**
 * OVER aggregation (Flink's OverAggregate): every input row comes out with the aggregates over its
 * frame — the rows of its partition ordered by the time attribute, from `preceding` rows (ROWS) or
 * milliseconds (RANGE) before it, or all of them when `preceding` is absent, up to the row itself
 * (RANGE: and its peers, the rows with the same time). On event time (`rowtime`) rows wait in keyed
 * state until the watermark passes their time, then go in time order; rows that arrive for a time
 * already emitted are late and dropped. On processing time a row goes at once. Insert-only in and out.
 */
export interface OverAggregateSpec {
  readonly kind: 'over-aggregate';
  readonly partitionKeys: readonly number[];
  /** The time attribute field the window is ordered by (ascending). */
  readonly orderIndex: number;
  readonly rowtime: boolean;
  readonly unit: 'ROWS' | 'RANGE';
  /** Rows (ROWS) or milliseconds (RANGE) before the current row; absent for UNBOUNDED PRECEDING. */
  readonly preceding?: number;
  readonly aggCalls: readonly AggregateCallSpec[];
  /**
   * Set for an OVER window over an updating input or not ordered by one ascending time attribute
   * (ROWS frames only): each partition's rows are kept sorted by `orderKeys` (ties in arrival
   * order), and a change retracts and re-emits the output rows whose frame it touches.
   */
  readonly retractable?: { readonly orderKeys: readonly SortFieldSpec[] };
  readonly inputType: RowType;
}

/** The regular (non-windowed, non-interval) joins. */
/** SEMI / ANTI: `IN` / `EXISTS` subqueries (and their negations); the output is the left row only. */
export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'SEMI' | 'ANTI';

/**
 * A regular equi-join (Flink's StreamingJoinOperator): a two-input vertex, left = input 0 and
 * right = input 1, each side hash-partitioned by its own join key fields, which the planner has
 * made of one common type on both sides, so equal keys land in the same key group. Each side's
 * rows are kept in keyed state by join key (with a count, and for an outer side the number of
 * matches it has); the output row is the left row's fields, then the right row's. Without any key
 * (no equality between the sides) both inputs go to one subtask under one global key.
 */
export interface JoinSpec {
  readonly kind: 'join';
  readonly joinType: JoinType;
  /** Join key field indexes of the left row; `rightKeys[i]` is compared with `leftKeys[i]`. */
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  /** Per key: a NULL never matches (`=`); false would be `IS NOT DISTINCT FROM`. */
  readonly filterNulls: readonly boolean[];
  /** The rest of the join condition, over the joined row (left fields, then right fields). */
  readonly nonEquiCondition?: Expr;
  readonly leftType: RowType;
  readonly rightType: RowType;
  readonly outputType: RowType;
  /**
   * The input only inserts. In an inner join such a side's rows are kept as a plain list per key
   * (nothing is ever retracted from it, nor counted), which is much cheaper.
   */
  readonly leftInputInsertOnly?: boolean;
  readonly rightInputInsertOnly?: boolean;
}

/**
 * An interval join (Flink's RowTimeIntervalJoin): an equi-join whose condition also bounds the
 * left rowtime by the right one, `lowerBound <= l.rt - r.rt <= upperBound` (ms). Rows wait in keyed
 * state, by join key and rowtime, until the watermark passes the last time a row of the other side
 * could still match them; then they are dropped, and an outer side's rows that never matched are
 * emitted NULL-padded. Output is insert-only; the watermark is held back by the larger bound.
 */
export interface IntervalJoinSpec {
  readonly kind: 'interval-join';
  readonly joinType: JoinType;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly filterNulls: readonly boolean[];
  readonly leftTimeIndex: number;
  readonly rightTimeIndex: number;
  readonly lowerBound: number;
  readonly upperBound: number;
  /** The rest of the condition (neither a key equality nor a time bound), over the joined row. */
  readonly nonEquiCondition?: Expr;
  readonly leftType: RowType;
  readonly rightType: RowType;
  readonly outputType: RowType;
}

/**
 * A window join (Flink's WindowJoin): two window TVF relations (or window aggregations' results)
 * joined on window_start, window_end and the key equalities. Rows wait in keyed state, by join key
 * and window end, until the window fires (the watermark reaches its end - 1): then the window's
 * left and right rows are joined (outer sides' unmatched rows NULL-padded; for SEMI/ANTI the left
 * rows that have / have no match) and its state is cleared. A row whose window had fired when it
 * arrived is late and dropped. Insert-only in and out; event time only, as in Flink.
 */
export interface WindowJoinSpec {
  readonly kind: 'window-join';
  readonly joinType: JoinType;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly filterNulls: readonly boolean[];
  /**
   * Each side's window_start and window_end fields: the window a row belongs to. Rows wait by
   * window end; the starts are compared too, as windows of other keys (sessions) may share an end.
   */
  readonly leftWindowStartIndex: number;
  readonly leftWindowEndIndex: number;
  readonly rightWindowStartIndex: number;
  readonly rightWindowEndIndex: number;
  /** The rest of the condition (neither a key nor a window equality), over the joined row. */
  readonly nonEquiCondition?: Expr;
  readonly leftType: RowType;
  readonly rightType: RowType;
  readonly outputType: RowType;
}

/**
 * UNNEST (Flink's Correlate over `$UNNEST_ROWS$1`): each input row once per element of the
 * collection `collection` (over the input row), with the element's columns appended — an ARRAY's
 * or MULTISET's element, spread over `rowFields` columns when it is a ROW, or a MAP entry's key and
 * value. INNER drops a row whose collection is empty or NULL; LEFT emits it once, padded with NULLs.
 * Stateless, chained; each output row has its input row's kind.
 */
export interface CorrelateSpec {
  readonly kind: 'correlate';
  readonly collection: Expr;
  readonly collectionKind: 'ARRAY' | 'MULTISET' | 'MAP';
  /** The number of fields a ROW element is spread over; absent when the element is one column. */
  readonly rowFields?: number;
  readonly joinType: 'INNER' | 'LEFT';
  readonly outputType: RowType;
}

/** One key of a lookup: a column of the looked-up table equals a field of the input row or a constant. */
export type LookupKeySpec =
  | { readonly kind: 'field'; readonly tableField: number; readonly inputField: number }
  | { readonly kind: 'constant'; readonly tableField: number; readonly value: Expr };

/**
 * A lookup join (Flink's LookupJoin, `JOIN dim FOR SYSTEM_TIME AS OF t.proc_time`): per input
 * row, the rows of `table` whose key columns equal the row's lookup keys are looked up through
 * the connector's lookup capability (with its cache) and joined to it, in input order. INNER drops
 * rows without a match, LEFT pads them with NULLs. Not keyed, no state: a lookup is complete
 * before the operator takes its next batch, so no lookup is in flight when a barrier passes.
 * Output: the input row, then the table's row; insert-only in, insert-only out.
 */
export interface LookupJoinSpec {
  readonly kind: 'lookup-join';
  readonly joinType: 'INNER' | 'LEFT';
  readonly table: ConnectorSpec;
  readonly keys: readonly LookupKeySpec[];
  /** The rest of the ON condition, over the joined row (input fields, then table fields). */
  readonly condition?: Expr;
  readonly inputType: RowType;
  readonly outputType: RowType;
}

/**
 * An event-time temporal join with a versioned table (Flink's TemporalRowTimeJoinOperator): both
 * inputs are hashed by the join key; left rows wait in keyed state until the watermark passes
 * their rowtime, then each joins the version of the right row (by its rowtime) valid at that time
 * — the latest version not after it — unless that version is a delete. Right versions older than
 * the one valid at the watermark are dropped. Output: the left row then the right one, with the
 * left row's kind; LEFT pads rows without a valid version with NULLs.
 */
export interface TemporalJoinSpec {
  readonly kind: 'temporal-join';
  readonly joinType: 'INNER' | 'LEFT';
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly leftTimeIndex: number;
  readonly rightTimeIndex: number;
  /** The rest of the join condition, over the joined row. */
  readonly nonEquiCondition?: Expr;
  readonly leftType: RowType;
  readonly rightType: RowType;
  readonly outputType: RowType;
}

/**
 * UNION ALL: a vertex with one input edge per union input, forwarding every row and change as
 * it comes; the input gate merges the channels and holds the watermark at their minimum.
 */
export interface UnionSpec {
  readonly kind: 'union';
}

export type OperatorSpec =
  | IntervalJoinSpec
  | WindowJoinSpec
  | CorrelateSpec
  | LookupJoinSpec
  | TemporalJoinSpec
  | SourceSpec
  | ValuesSpec
  | CalcSpec
  | WatermarkAssignerSpec
  | GroupAggregateSpec
  | MiniBatchAssignerSpec
  | LocalGroupAggregateSpec
  | GlobalGroupAggregateSpec
  | SinkUpsertMaterializerSpec
  | WindowAggregateSpec
  | WindowTableFunctionSpec
  | RankSpec
  | WindowRankSpec
  | DeduplicateSpec
  | ChangelogNormalizeSpec
  | OverAggregateSpec
  | JoinSpec
  | UnionSpec
  | SinkSpec
  | SinkCommitterSpec;

/** Vertices that read no input edge: connector sources and VALUES. */
export const isSourceOperator = (spec: OperatorSpec): boolean =>
  spec.kind === 'source' || spec.kind === 'values';
