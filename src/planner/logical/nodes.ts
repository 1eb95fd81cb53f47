import type { ConnectorDescriptor } from '../../common/connector.js';
import type { SourcePosition } from '../../common/errors.js';
import type { Expr } from '../../common/expr.js';
import type { AggregateCallSpec, JoinType, TimeDomain, WindowingSpec } from '../../common/jobgraph.js';
import type { LogicalType, RowType } from '../../common/types.js';
import type { CatalogTable } from '../catalog/catalog.js';
import type { Pos } from '../parser/ast.js';

/**
 * The logical plan the binder produces, shaped like Calcite's (what Flink prints as the
 * "Abstract Syntax Tree" of EXPLAIN): scans, projections, filters and a sink, each with the row
 * type it outputs. Expressions refer to their input's fields by index.
 */
export type LogicalNode =
  | LogicalTableScan
  | LogicalWatermarkAssigner
  | LogicalProject
  | LogicalFilter
  | LogicalAggregate
  | LogicalWindowTableFunction
  | LogicalOverWindow
  | LogicalJoin
  | LogicalSnapshot
  | LogicalCorrelate
  | LogicalValues
  | LogicalUnion
  | LogicalSink;

export interface LogicalTableScan {
  readonly kind: 'LogicalTableScan';
  readonly table: CatalogTable;
  readonly connector: ConnectorDescriptor;
  /** The columns the connector produces: the table's physical columns. */
  readonly rowType: RowType;
}

/**
 * A table's `WATERMARK FOR rowtime AS expr` (Calcite's LogicalWatermarkAssigner): rows pass
 * through; the rowtime column becomes a ROWTIME time attribute in the output row type.
 */
export interface LogicalWatermarkAssigner {
  readonly kind: 'LogicalWatermarkAssigner';
  readonly input: LogicalNode;
  readonly rowtimeIndex: number;
  /** Over the input row. */
  readonly watermarkExpr: Expr;
  readonly rowType: RowType;
}

export interface LogicalProject {
  readonly kind: 'LogicalProject';
  readonly input: LogicalNode;
  readonly exprs: readonly Expr[];
  readonly rowType: RowType;
}

export interface LogicalFilter {
  readonly kind: 'LogicalFilter';
  readonly input: LogicalNode;
  readonly condition: Expr;
  readonly rowType: RowType;
}

/**
 * GROUP BY (Calcite's LogicalAggregate): groups by input fields `groupSet` and computes `aggCalls`
 * over input fields; outputs the grouping fields, then one field per call.
 */
export interface LogicalAggregate {
  readonly kind: 'LogicalAggregate';
  readonly input: LogicalNode;
  readonly groupSet: readonly number[];
  readonly aggCalls: readonly AggregateCallSpec[];
  readonly rowType: RowType;
}

/**
 * A window TVF, `TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), …))` (Calcite's LogicalTableFunctionScan):
 * the input's columns (the time column no longer a time attribute), then window_start,
 * window_end and window_time. See binder/window.ts.
 */
export interface LogicalWindowTableFunction {
  readonly kind: 'LogicalWindowTableFunction';
  readonly input: LogicalNode;
  /** TUMBLE, HOP, CUMULATE or SESSION. */
  readonly fn: string;
  readonly window: WindowingSpec;
  readonly timeIndex: number;
  readonly timeDomain: TimeDomain;
  /** The interval arguments as bound, for EXPLAIN. */
  readonly params: readonly Expr[];
  /** Where the TVF (or group window) was written, for errors found when planning it. */
  readonly pos?: SourcePosition;
  /** SESSION's `PARTITION BY` keys: input fields. Sessions are per partition. */
  readonly partitionKeys?: readonly number[];
  /** Made by the binder for a legacy GROUP BY TUMBLE/HOP/SESSION(…) group window. */
  readonly legacy?: boolean;
  readonly rowType: RowType;
}

/** One key of an OVER window's ORDER BY, over the window's input. */
export interface OverOrderKey {
  readonly index: number;
  readonly descending: boolean;
  /** Flink's default (NullCollation.LOW): NULLS FIRST ascending, NULLS LAST descending. */
  readonly nullsFirst: boolean;
}

/** A frame bound; `offset` is a row count (ROWS) or milliseconds (RANGE over a time attribute). */
export interface OverFrameBound {
  readonly kind: 'UNBOUNDED PRECEDING' | 'PRECEDING' | 'CURRENT ROW' | 'FOLLOWING' | 'UNBOUNDED FOLLOWING';
  readonly offset?: number;
}

export interface OverFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly lower: OverFrameBound;
  readonly upper: OverFrameBound;
}

/** A call computed over an OVER window: a ranking function or an aggregate function. */
export interface OverCallSpec {
  readonly fn: 'ROW_NUMBER' | 'RANK' | 'DENSE_RANK' | AggregateCallSpec['fn'];
  /** Argument field indexes of the window's input. */
  readonly args: readonly number[];
  readonly distinct: boolean;
  readonly type: LogicalType;
  readonly name: string;
  /** Where the call was written, for errors found while planning it. */
  readonly pos: Pos;
}

/**
 * The OVER windows of a SELECT (Calcite's LogicalWindow, which Flink's planner makes of RexOver
 * calls): every input row passes through with one more field per call. All calls share one
 * window (PARTITION BY, ORDER BY, frame), as Flink requires. A filter on a ranking call's field
 * above it makes a Rank (Top-N) or a Deduplicate; other calls become an OverAggregate.
 */
export interface LogicalOverWindow {
  readonly kind: 'LogicalOverWindow';
  readonly input: LogicalNode;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly OverOrderKey[];
  readonly frame: OverFrame;
  readonly calls: readonly OverCallSpec[];
  readonly rowType: RowType;
  /** The first OVER call, for errors. */
  readonly pos: Pos;
  /**
   * Set when the window is how a `[ORDER BY …] LIMIT n [OFFSET m]` ranks its rows, so EXPLAIN
   * can show Flink's LogicalSort and Limit/SortLimit instead of the ranking it is planned as.
   */
  readonly limit?: { readonly offset: number; readonly fetch: number };
}

/**
 * A join of two inputs (Calcite's LogicalJoin): `condition` is over the joined row (the left
 * input's fields, then the right's); TRUE for a comma join or CROSS JOIN, whose equalities the
 * WHERE clause above carries. The output row is the left fields then the right ones, the side an
 * outer join pads with NULLs made nullable.
 */
export interface LogicalJoin {
  readonly kind: 'LogicalJoin';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly condition: Expr;
  readonly rowType: RowType;
  /** Where the join is written (its right side), for messages about it. */
  readonly pos?: Pos;
}

/**
 * `t FOR SYSTEM_TIME AS OF o.time` as the right side of a LogicalJoin (Calcite's LogicalSnapshot
 * under a LogicalCorrelate): the table as of the left row's time attribute `period`, an input
 * reference into the join's left row. A PROCTIME period over a lookup table makes a LookupJoin, a
 * ROWTIME period over a versioned table a TemporalJoin. Rows pass through unchanged.
 */
export interface LogicalSnapshot {
  readonly kind: 'LogicalSnapshot';
  readonly input: LogicalNode;
  /** Over the join's left row. */
  readonly period: Expr;
  /** The period's name in the left row, for EXPLAIN (`$cor0.proc_time`). */
  readonly periodName: string;
  /** Where the period was written, for errors found when planning the join. */
  readonly pos: Pos;
  readonly rowType: RowType;
}

/**
 * `t CROSS JOIN UNNEST(t.c)` / `t LEFT JOIN UNNEST(t.c) ON TRUE` (Calcite's LogicalCorrelate of the
 * input with an Uncollect): each input row once per element of the collection `collection`, an
 * ARRAY, MULTISET or MAP over the input row; the output row is the input row, then the element's
 * columns (a ROW element's fields, a MAP entry's key and value). LEFT keeps a row without elements,
 * padded with NULLs. See binder/unnest.ts.
 */
export interface LogicalCorrelate {
  readonly kind: 'LogicalCorrelate';
  readonly input: LogicalNode;
  readonly collection: Expr;
  readonly joinType: 'INNER' | 'LEFT';
  readonly rowType: RowType;
  /** Where UNNEST is written, for errors found when planning it. */
  readonly pos: Pos;
}

/** `VALUES (…), (…)`: constant rows (Calcite's LogicalValues); each expression has its column's type. */
export interface LogicalValues {
  readonly kind: 'LogicalValues';
  readonly tuples: readonly (readonly Expr[])[];
  readonly rowType: RowType;
}

/** UNION ALL of inputs with the same row type (Calcite's LogicalUnion; `all` is always true here). */
export interface LogicalUnion {
  readonly kind: 'LogicalUnion';
  readonly inputs: readonly LogicalNode[];
  readonly all: true;
  readonly rowType: RowType;
}

export interface LogicalSink {
  readonly kind: 'LogicalSink';
  readonly input: LogicalNode;
  readonly table: CatalogTable;
  readonly connector: ConnectorDescriptor;
  readonly rowType: RowType;
}

export const logicalProject = (
  input: LogicalNode,
  exprs: readonly Expr[],
  names: readonly string[],
): LogicalProject => ({
  kind: 'LogicalProject',
  input,
  exprs,
  rowType: { fields: exprs.map((e, i) => ({ name: names[i], type: e.type })) },
});

export const logicalFilter = (input: LogicalNode, condition: Expr): LogicalFilter => ({
  kind: 'LogicalFilter',
  input,
  condition,
  rowType: input.rowType,
});

export function logicalInputs(node: LogicalNode): readonly LogicalNode[] {
  switch (node.kind) {
    case 'LogicalTableScan':
    case 'LogicalValues':
      return [];
    case 'LogicalUnion':
      return node.inputs;
    case 'LogicalWatermarkAssigner':
    case 'LogicalProject':
    case 'LogicalFilter':
    case 'LogicalAggregate':
    case 'LogicalWindowTableFunction':
    case 'LogicalOverWindow':
    case 'LogicalSnapshot':
    case 'LogicalCorrelate':
    case 'LogicalSink':
      return [node.input];
    case 'LogicalJoin':
      return [node.left, node.right];
    default: {
      const never: never = node;
      return never;
    }
  }
}
