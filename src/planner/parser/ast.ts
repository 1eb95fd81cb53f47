import type { LogicalType } from '../../common/types.js';

/**
 * The typed, readonly syntax tree of Flink SQL statements. Every node has a `kind` discriminant and
 * `pos`: where its text starts in the script (0-based offset, 1-based line and column) and how long
 * it is, so errors found much later (binding, planning) can underline the right text.
 */
export interface Pos {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly length: number;
}

export const NO_POS: Pos = { offset: 0, line: 1, column: 1, length: 0 };

export interface Ident {
  readonly kind: 'Ident';
  readonly value: string;
  readonly pos: Pos;
}

/** A possibly qualified object name: `orders`, `db.orders`, `cat.db.orders`. */
export interface QualifiedName {
  readonly kind: 'QualifiedName';
  readonly parts: readonly Ident[];
  readonly pos: Pos;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export type Expr =
  | ColumnRef
  | OverCall
  | TableArg
  | NumericLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | IntervalLiteral
  | TypedLiteral
  | UnaryExpr
  | BinaryExpr
  | IsExpr
  | InExpr
  | InSubqueryExpr
  | ExistsExpr
  | ScalarSubquery
  | BetweenExpr
  | LikeExpr
  | CastExpr
  | CaseExpr
  | FunctionCall;

export interface ColumnRef {
  readonly kind: 'ColumnRef';
  /** `a` or `t.a` (qualifier first). */
  readonly parts: readonly Ident[];
  readonly pos: Pos;
}

export interface NumericLiteral {
  readonly kind: 'NumericLiteral';
  /** As written: `42`, `1.50`, `1e3`; the binder derives the type from the spelling, as Calcite does. */
  readonly text: string;
  readonly pos: Pos;
}

export interface StringLiteral {
  readonly kind: 'StringLiteral';
  readonly value: string;
  readonly pos: Pos;
}

export interface BooleanLiteral {
  readonly kind: 'BooleanLiteral';
  readonly value: boolean;
  readonly pos: Pos;
}

export interface NullLiteral {
  readonly kind: 'NullLiteral';
  readonly pos: Pos;
}

export type TimeUnit = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'MINUTE' | 'SECOND';

/** `INTERVAL '10' SECOND`, `INTERVAL '1:30' MINUTE TO SECOND`. */
export interface IntervalLiteral {
  readonly kind: 'IntervalLiteral';
  readonly value: string;
  readonly from: TimeUnit;
  readonly to?: TimeUnit;
  readonly pos: Pos;
}

/** `DATE '2024-01-01'`, `TIME '12:00:00'`, `TIMESTAMP '2024-01-01 12:00:00.123'`. */
export interface TypedLiteral {
  readonly kind: 'TypedLiteral';
  readonly type: 'DATE' | 'TIME' | 'TIMESTAMP';
  readonly value: string;
  readonly pos: Pos;
}

export interface UnaryExpr {
  readonly kind: 'UnaryExpr';
  readonly op: 'NOT' | '-' | '+';
  readonly operand: Expr;
  readonly pos: Pos;
}

export type BinaryOp =
  | 'OR'
  | 'AND'
  | '='
  | '<>'
  | '<'
  | '<='
  | '>'
  | '>='
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '||';

export interface BinaryExpr {
  readonly kind: 'BinaryExpr';
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
  /** Position of the operator itself, for type errors. */
  readonly opPos: Pos;
  readonly pos: Pos;
}

/** `x IS [NOT] NULL | TRUE | FALSE | UNKNOWN`. */
export interface IsExpr {
  readonly kind: 'IsExpr';
  readonly operand: Expr;
  readonly test: 'NULL' | 'TRUE' | 'FALSE' | 'UNKNOWN';
  readonly negated: boolean;
  readonly pos: Pos;
}

export interface InExpr {
  readonly kind: 'InExpr';
  readonly operand: Expr;
  readonly items: readonly Expr[];
  readonly negated: boolean;
  readonly pos: Pos;
}

/** `x [NOT] IN (SELECT …)`: a semi (anti) join when it is a conjunct of WHERE. */
export interface InSubqueryExpr {
  readonly kind: 'InSubqueryExpr';
  readonly operand: Expr;
  readonly query: Query;
  readonly negated: boolean;
  readonly pos: Pos;
}

/** `EXISTS (SELECT …)`: a semi join (`NOT EXISTS`: an anti join) when it is a conjunct of WHERE. */
export interface ExistsExpr {
  readonly kind: 'ExistsExpr';
  readonly query: Query;
  readonly pos: Pos;
}

/** `(SELECT …)` as a value: a scalar subquery. */
export interface ScalarSubquery {
  readonly kind: 'ScalarSubquery';
  readonly query: Query;
  readonly pos: Pos;
}

export interface BetweenExpr {
  readonly kind: 'BetweenExpr';
  readonly operand: Expr;
  readonly low: Expr;
  readonly high: Expr;
  readonly negated: boolean;
  readonly pos: Pos;
}

export interface LikeExpr {
  readonly kind: 'LikeExpr';
  readonly operand: Expr;
  readonly pattern: Expr;
  readonly escape?: Expr;
  readonly negated: boolean;
  readonly pos: Pos;
}

/** `CAST(x AS type)`, or `TRY_CAST` when `safe`. */
export interface CastExpr {
  readonly kind: 'CastExpr';
  readonly operand: Expr;
  readonly type: DataType;
  readonly safe: boolean;
  readonly pos: Pos;
}

export interface WhenClause {
  readonly when: Expr;
  readonly result: Expr;
}

/** Simple (`CASE x WHEN 1 THEN …`, with `operand`) or searched (`CASE WHEN cond THEN …`). */
export interface CaseExpr {
  readonly kind: 'CaseExpr';
  readonly operand?: Expr;
  readonly whens: readonly WhenClause[];
  readonly else?: Expr;
  readonly pos: Pos;
}

/** `fn(…) OVER (PARTITION BY … ORDER BY … ROWS BETWEEN … AND …)`: an OVER window or ranking function. */
export interface OverCall {
  readonly kind: 'OverCall';
  readonly call: FunctionCall;
  /** Empty when the call names its window (`OVER w`). */
  readonly window: WindowSpec;
  /** `OVER w`: the window `WINDOW w AS (…)` of the SELECT defines. */
  readonly windowName?: Ident;
  readonly pos: Pos;
}

export interface WindowSpec {
  readonly partitionBy: readonly Expr[];
  readonly orderBy: readonly OrderItem[];
  readonly frame?: WindowFrame;
}

export interface WindowFrame {
  readonly unit: 'ROWS' | 'RANGE';
  readonly start: FrameBound;
  /** Absent for the short form `ROWS 10 PRECEDING`. */
  readonly end?: FrameBound;
}

export interface FrameBound {
  readonly kind: 'UNBOUNDED PRECEDING' | 'UNBOUNDED FOLLOWING' | 'CURRENT ROW' | 'PRECEDING' | 'FOLLOWING';
  /** `10` in `10 PRECEDING`. */
  readonly offset?: Expr;
}

/** `TABLE t`, an argument of a table-valued function such as TUMBLE(TABLE bid, DESCRIPTOR(ts), …). */
export interface TableArg {
  readonly kind: 'TableArg';
  readonly name: QualifiedName;
  /** `TABLE t PARTITION BY k`: the SESSION window TVF's partition keys. */
  readonly partitionBy?: readonly ColumnRef[];
  readonly pos: Pos;
}

export interface FunctionCall {
  readonly kind: 'FunctionCall';
  /** As written; function names are case-insensitive. */
  readonly name: Ident;
  readonly args: readonly Expr[];
  readonly distinct: boolean;
  /** `COUNT(*)`. */
  readonly star: boolean;
  /** Written without parentheses (`CURRENT_TIMESTAMP`). */
  readonly niladic: boolean;
  /** `FILTER (WHERE cond)` after an aggregate call. */
  readonly filter?: Expr;
  /** Named arguments (`SIZE => INTERVAL '10' SECOND`): the name of each argument that has one. */
  readonly argNames?: readonly (Ident | undefined)[];
  readonly pos: Pos;
}

/** A data type as written, already resolved to the logical type it denotes. */
export interface DataType {
  readonly kind: 'DataType';
  readonly type: LogicalType;
  readonly pos: Pos;
}

// ---------------------------------------------------------------------------------------------
// Queries

export type Query = Select | SetOperation | Values | WithQuery | OrderedQuery;

export type SelectItem = SelectExpr | SelectStar;

export interface SelectExpr {
  readonly kind: 'SelectExpr';
  readonly expr: Expr;
  readonly alias?: Ident;
  readonly pos: Pos;
}

/** `*` or `t.*`. */
export interface SelectStar {
  readonly kind: 'SelectStar';
  readonly qualifier?: readonly Ident[];
  readonly pos: Pos;
}

export type TableRef = TableName | SubqueryRef | JoinRef | TableFunctionRef | UnnestRef;

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS' | 'COMMA';

/** `a [INNER|LEFT|RIGHT|FULL [OUTER]|CROSS] JOIN b [ON cond]`, or `a, b` ('COMMA'). */
export interface JoinRef {
  readonly kind: 'JoinRef';
  readonly type: JoinType;
  readonly left: TableRef;
  readonly right: TableRef;
  readonly on?: Expr;
  readonly alias?: undefined;
  readonly pos: Pos;
}

/**
 * `UNNEST(expr, …) [WITH ORDINALITY] [AS] alias[(columns)]` in FROM: the elements of an ARRAY,
 * MULTISET or MAP (a column of a table joined before it) as rows.
 */
export interface UnnestRef {
  readonly kind: 'UnnestRef';
  readonly args: readonly Expr[];
  /** Where `WITH ORDINALITY` is written, if it is. */
  readonly withOrdinality?: Pos;
  readonly alias?: Ident;
  readonly columns?: readonly Ident[];
  readonly pos: Pos;
}

/** `TABLE(fn(…))` in FROM: a table-valued function such as the window TVFs TUMBLE, HOP, CUMULATE, SESSION. */
export interface TableFunctionRef {
  readonly kind: 'TableFunctionRef';
  readonly call: FunctionCall;
  readonly alias?: Ident;
  readonly pos: Pos;
}

export interface TableName {
  readonly kind: 'TableName';
  readonly name: QualifiedName;
  /** `FOR SYSTEM_TIME AS OF expr`: a temporal (lookup or versioned) table join's right side. */
  readonly forSystemTime?: Expr;
  readonly alias?: Ident;
  readonly pos: Pos;
}

export interface SubqueryRef {
  readonly kind: 'SubqueryRef';
  readonly query: Query;
  readonly alias?: Ident;
  /** `AS t(a, b)`: names for the subquery's columns (as for a VALUES table). */
  readonly columns?: readonly Ident[];
  readonly pos: Pos;
}

export interface Select {
  readonly kind: 'Select';
  readonly distinct: boolean;
  readonly items: readonly SelectItem[];
  readonly from?: TableRef;
  readonly where?: Expr;
  readonly groupBy: readonly Expr[];
  readonly having?: Expr;
  /** `WINDOW w AS (…), …`: named OVER windows. */
  readonly windows?: readonly NamedWindow[];
  readonly pos: Pos;
}

export interface NamedWindow {
  readonly name: Ident;
  readonly spec: WindowSpec;
}

/** `left UNION [ALL] right`. */
export interface SetOperation {
  readonly kind: 'SetOperation';
  readonly op: 'UNION';
  readonly all: boolean;
  readonly left: Query;
  readonly right: Query;
  readonly pos: Pos;
}

export interface Values {
  readonly kind: 'Values';
  readonly rows: readonly (readonly Expr[])[];
  readonly pos: Pos;
}

export interface CommonTableExpr {
  readonly name: Ident;
  readonly columns?: readonly Ident[];
  readonly query: Query;
}

export interface WithQuery {
  readonly kind: 'WithQuery';
  readonly ctes: readonly CommonTableExpr[];
  readonly body: Query;
  readonly pos: Pos;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly descending: boolean;
  readonly nulls?: 'FIRST' | 'LAST';
}

/** ORDER BY / LIMIT / OFFSET around a query (they apply to a whole UNION, as in Calcite). */
export interface OrderedQuery {
  readonly kind: 'OrderedQuery';
  readonly query: Query;
  readonly orderBy: readonly OrderItem[];
  readonly limit?: Expr;
  readonly offset?: Expr;
  readonly pos: Pos;
}

// ---------------------------------------------------------------------------------------------
// Statements

export type Statement =
  | CreateTable
  | CreateView
  | DropObject
  | SetStatement
  | ResetStatement
  | Insert
  | QueryStatement
  | Explain
  | ShowTables
  | Describe
  | CreateFunction
  | AlterTable
  | Use
  | StatementSet
  | BeginStatementSet
  | EndStatementSet;

/** `EXECUTE STATEMENT SET BEGIN INSERT …; INSERT …; END`: the INSERTs run as one job. */
export interface StatementSet {
  readonly kind: 'StatementSet';
  readonly inserts: readonly Insert[];
  readonly pos: Pos;
}

/** The SQL client's `BEGIN STATEMENT SET`: INSERTs are collected until `END`. */
export interface BeginStatementSet {
  readonly kind: 'BeginStatementSet';
  readonly pos: Pos;
}

/** `END`: submits the statement set `BEGIN STATEMENT SET` opened. */
export interface EndStatementSet {
  readonly kind: 'EndStatementSet';
  readonly pos: Pos;
}

/**
 * `CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'identifier' [LANGUAGE l]
 * [USING JAR 'path', …]`: the identifier is a JVM class name in Flink, a module path in weir.
 */
export interface CreateFunction {
  readonly kind: 'CreateFunction';
  readonly temporary: boolean;
  /** TEMPORARY SYSTEM: a function without catalog or database, shadowing built-ins. */
  readonly system: boolean;
  readonly ifNotExists: boolean;
  readonly name: QualifiedName;
  readonly className: string;
  readonly language?: string;
  readonly jars: readonly string[];
  readonly pos: Pos;
}

export type ColumnDef = PhysicalColumn | ComputedColumn | MetadataColumn;

export interface PhysicalColumn {
  readonly kind: 'PhysicalColumn';
  readonly name: Ident;
  readonly type: DataType;
  readonly comment?: string;
  readonly pos: Pos;
}

/** `c AS expr`. */
export interface ComputedColumn {
  readonly kind: 'ComputedColumn';
  readonly name: Ident;
  readonly expr: Expr;
  readonly comment?: string;
  readonly pos: Pos;
}

/** `c type METADATA [FROM 'key'] [VIRTUAL]`. */
export interface MetadataColumn {
  readonly kind: 'MetadataColumn';
  readonly name: Ident;
  readonly type: DataType;
  readonly key?: string;
  readonly virtual: boolean;
  readonly comment?: string;
  readonly pos: Pos;
}

export interface WatermarkDef {
  readonly column: Ident;
  readonly expr: Expr;
  readonly pos: Pos;
}

export interface PrimaryKeyDef {
  readonly constraintName?: Ident;
  readonly columns: readonly Ident[];
  readonly pos: Pos;
}

/** One `'key' = 'value'` entry of a WITH clause. */
export interface TableOption {
  readonly key: string;
  readonly value: string;
  readonly keyPos: Pos;
  readonly valuePos: Pos;
}

export interface CreateTable {
  readonly kind: 'CreateTable';
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly name: QualifiedName;
  readonly columns: readonly ColumnDef[];
  readonly watermark?: WatermarkDef;
  /** Table-level or declared inline on a column; the parser keeps one form. */
  readonly primaryKey?: PrimaryKeyDef;
  readonly comment?: string;
  readonly partitionedBy: readonly Ident[];
  readonly options: readonly TableOption[];
  /** `LIKE source [(like options)]`: the table extends another (merged by the binder). */
  readonly like?: LikeClause;
  /** `CREATE TABLE … WITH (…) AS SELECT …` (CTAS): the columns come from the query, which fills it. */
  readonly asQuery?: Query;
  readonly pos: Pos;
}

/** `ALTER TABLE t SET ('k' = 'v', …)`, `ALTER TABLE t RESET ('k', …)`, `ALTER TABLE t RENAME TO u`. */
export interface AlterTable {
  readonly kind: 'AlterTable';
  readonly name: QualifiedName;
  readonly action:
    | { readonly kind: 'set'; readonly options: readonly TableOption[] }
    | { readonly kind: 'reset'; readonly keys: readonly QuotedText[] }
    | { readonly kind: 'rename'; readonly to: QualifiedName };
  readonly pos: Pos;
}

/** `USE [CATALOG] name` or `USE catalog.database`. */
export interface Use {
  readonly kind: 'Use';
  readonly catalog: boolean;
  readonly name: QualifiedName;
  readonly pos: Pos;
}

export type LikeFeature =
  | 'ALL'
  | 'CONSTRAINTS'
  | 'PARTITIONS'
  | 'GENERATED'
  | 'OPTIONS'
  | 'WATERMARKS'
  | 'METADATA';

export interface LikeOption {
  readonly strategy: 'INCLUDING' | 'EXCLUDING' | 'OVERWRITING';
  readonly feature: LikeFeature;
  readonly pos: Pos;
}

export interface LikeClause {
  readonly source: QualifiedName;
  readonly options: readonly LikeOption[];
  readonly pos: Pos;
}

export interface CreateView {
  readonly kind: 'CreateView';
  readonly temporary: boolean;
  readonly ifNotExists: boolean;
  readonly name: QualifiedName;
  readonly columns?: readonly Ident[];
  readonly comment?: string;
  readonly query: Query;
  readonly pos: Pos;
}

export interface DropObject {
  readonly kind: 'DropObject';
  readonly object: 'TABLE' | 'VIEW' | 'FUNCTION';
  readonly temporary: boolean;
  /** DROP TEMPORARY SYSTEM FUNCTION. */
  readonly system?: boolean;
  readonly ifExists: boolean;
  readonly name: QualifiedName;
  readonly pos: Pos;
}

/** A quoted key or value of SET / RESET, with where it was written. */
export interface QuotedText {
  readonly value: string;
  readonly pos: Pos;
}

/** `SET 'k' = 'v'`, or `SET` alone to list the session's settings. */
export interface SetStatement {
  readonly kind: 'SetStatement';
  readonly key?: QuotedText;
  readonly value?: QuotedText;
  readonly pos: Pos;
}

export interface ResetStatement {
  readonly kind: 'ResetStatement';
  readonly key?: QuotedText;
  readonly pos: Pos;
}

export interface Insert {
  readonly kind: 'Insert';
  readonly overwrite: boolean;
  readonly table: QualifiedName;
  readonly columns?: readonly Ident[];
  readonly query: Query;
  readonly pos: Pos;
}

export interface QueryStatement {
  readonly kind: 'QueryStatement';
  readonly query: Query;
  readonly pos: Pos;
}

/** `EXPLAIN [PLAN FOR | detail, …] statement`. */
export interface Explain {
  readonly kind: 'Explain';
  /** Upper-case detail words such as CHANGELOG_MODE. */
  readonly details: readonly string[];
  readonly statement: Insert | QueryStatement;
  readonly pos: Pos;
}

export interface ShowTables {
  readonly kind: 'ShowTables';
  readonly views: boolean;
  readonly pos: Pos;
}

export interface Describe {
  readonly kind: 'Describe';
  readonly name: QualifiedName;
  readonly pos: Pos;
}

export type Node =
  | Statement
  | Query
  | Expr
  | TableRef
  | SelectItem
  | ColumnDef
  | DataType
  | Ident
  | QualifiedName;

// ---------------------------------------------------------------------------------------------
// Factories: small and positional-last, so tests and rewrites can build trees by hand.

export const ident = (value: string, pos: Pos = NO_POS): Ident => ({ kind: 'Ident', value, pos });

export const qualifiedName = (parts: readonly Ident[], pos: Pos = NO_POS): QualifiedName => ({
  kind: 'QualifiedName',
  parts,
  pos,
});

export const columnRef = (parts: readonly Ident[], pos: Pos = NO_POS): ColumnRef => ({
  kind: 'ColumnRef',
  parts,
  pos,
});

export const numericLiteral = (text: string, pos: Pos = NO_POS): NumericLiteral => ({
  kind: 'NumericLiteral',
  text,
  pos,
});

export const stringLiteral = (value: string, pos: Pos = NO_POS): StringLiteral => ({
  kind: 'StringLiteral',
  value,
  pos,
});

export const booleanLiteral = (value: boolean, pos: Pos = NO_POS): BooleanLiteral => ({
  kind: 'BooleanLiteral',
  value,
  pos,
});

export const nullLiteral = (pos: Pos = NO_POS): NullLiteral => ({ kind: 'NullLiteral', pos });

export const unary = (op: UnaryExpr['op'], operand: Expr, pos: Pos = NO_POS): UnaryExpr => ({
  kind: 'UnaryExpr',
  op,
  operand,
  pos,
});

export const binary = (
  op: BinaryOp,
  left: Expr,
  right: Expr,
  pos: Pos = NO_POS,
  opPos: Pos = NO_POS,
): BinaryExpr => ({ kind: 'BinaryExpr', op, left, right, opPos, pos });

export const functionCall = (
  name: Ident,
  args: readonly Expr[],
  pos: Pos = NO_POS,
  extra: { distinct?: boolean; star?: boolean; niladic?: boolean } = {},
): FunctionCall => ({
  kind: 'FunctionCall',
  name,
  args,
  distinct: extra.distinct ?? false,
  star: extra.star ?? false,
  niladic: extra.niladic ?? false,
  pos,
});

export const dataType = (type: LogicalType, pos: Pos = NO_POS): DataType => ({ kind: 'DataType', type, pos });

/** The source text of a name as a user would write it, for messages: `db`.`orders` → db.orders. */
export function nameText(name: QualifiedName | readonly Ident[]): string {
  const parts = 'parts' in name ? name.parts : name;
  return parts.map((p) => p.value).join('.');
}
