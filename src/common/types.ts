/**
 * Flink's logical types, as plain serializable data (they travel inside the JobGraph).
 *
 * Runtime representation of values (what operators see in a row's fields):
 *   BOOLEAN → boolean; TINYINT, SMALLINT, INT, BIGINT, FLOAT, DOUBLE → number
 *     (BIGINT is exact within ±2^53; see docs/types.md);
 *   DECIMAL(p, s) → bigint holding the unscaled value (the scale comes from the type);
 *   CHAR, VARCHAR, STRING → string; BINARY, VARBINARY, BYTES → Uint8Array;
 *   DATE → days since 1970-01-01; TIME → milliseconds of the day;
 *   TIMESTAMP(p), TIMESTAMP_LTZ(p) → epoch milliseconds (a TIMESTAMP is read as UTC wall-clock time);
 *   INTERVAL DAY TO SECOND → milliseconds; INTERVAL YEAR TO MONTH → months;
 *   ARRAY, MULTISET → array; MAP → Map; ROW → array of fields; NULL → null.
 */
export type LogicalTypeRoot =
  | 'BOOLEAN'
  | 'TINYINT'
  | 'SMALLINT'
  | 'INT'
  | 'BIGINT'
  | 'FLOAT'
  | 'DOUBLE'
  | 'DECIMAL'
  | 'CHAR'
  | 'VARCHAR'
  | 'BINARY'
  | 'VARBINARY'
  | 'DATE'
  | 'TIME'
  | 'TIMESTAMP'
  | 'TIMESTAMP_LTZ'
  | 'INTERVAL_YEAR_MONTH'
  | 'INTERVAL_DAY_TIME'
  | 'ARRAY'
  | 'MULTISET'
  | 'MAP'
  | 'ROW'
  | 'NULL';

export interface RowField {
  readonly name: string;
  readonly type: LogicalType;
  readonly description?: string;
}

export interface LogicalType {
  readonly root: LogicalTypeRoot;
  readonly nullable: boolean;
  /** CHAR/VARCHAR/BINARY/VARBINARY length. */
  readonly length?: number;
  /** DECIMAL precision; TIME/TIMESTAMP fractional-second precision. */
  readonly precision?: number;
  readonly scale?: number;
  /** ARRAY/MULTISET element. */
  readonly element?: LogicalType;
  readonly key?: LogicalType;
  readonly value?: LogicalType;
  readonly fields?: readonly RowField[];
  /** Time attribute marker on TIMESTAMP/TIMESTAMP_LTZ columns: rowtime (event time) or proctime. */
  readonly timeAttribute?: 'ROWTIME' | 'PROCTIME';
}

export const MAX_LENGTH = 2147483647;

const simple = (root: LogicalTypeRoot, nullable = true): LogicalType => ({ root, nullable });

export const Types = {
  BOOLEAN: (nullable = true) => simple('BOOLEAN', nullable),
  TINYINT: (nullable = true) => simple('TINYINT', nullable),
  SMALLINT: (nullable = true) => simple('SMALLINT', nullable),
  INT: (nullable = true) => simple('INT', nullable),
  BIGINT: (nullable = true) => simple('BIGINT', nullable),
  FLOAT: (nullable = true) => simple('FLOAT', nullable),
  DOUBLE: (nullable = true) => simple('DOUBLE', nullable),
  DECIMAL: (precision = 10, scale = 0, nullable = true): LogicalType => ({
    root: 'DECIMAL',
    nullable,
    precision,
    scale,
  }),
  CHAR: (length = 1, nullable = true): LogicalType => ({ root: 'CHAR', nullable, length }),
  VARCHAR: (length = MAX_LENGTH, nullable = true): LogicalType => ({ root: 'VARCHAR', nullable, length }),
  STRING: (nullable = true): LogicalType => ({ root: 'VARCHAR', nullable, length: MAX_LENGTH }),
  BYTES: (nullable = true): LogicalType => ({ root: 'VARBINARY', nullable, length: MAX_LENGTH }),
  DATE: (nullable = true) => simple('DATE', nullable),
  TIME: (precision = 0, nullable = true): LogicalType => ({ root: 'TIME', nullable, precision }),
  TIMESTAMP: (precision = 6, nullable = true): LogicalType => ({ root: 'TIMESTAMP', nullable, precision }),
  TIMESTAMP_LTZ: (precision = 6, nullable = true): LogicalType => ({
    root: 'TIMESTAMP_LTZ',
    nullable,
    precision,
  }),
  ROW: (fields: readonly RowField[], nullable = true): LogicalType => ({ root: 'ROW', nullable, fields }),
  ARRAY: (element: LogicalType, nullable = true): LogicalType => ({ root: 'ARRAY', nullable, element }),
  MAP: (key: LogicalType, value: LogicalType, nullable = true): LogicalType => ({
    root: 'MAP',
    nullable,
    key,
    value,
  }),
  NULL: (): LogicalType => simple('NULL', true),
};

export function withNullability(type: LogicalType, nullable: boolean): LogicalType {
  return type.nullable === nullable ? type : { ...type, nullable };
}

/** How formatType spells what differs between plan output and SQL text. */
export interface TypeStyle {
  /** Mark rowtime/proctime columns as EXPLAIN does (`TIMESTAMP(3) *ROWTIME*`); not valid SQL. */
  readonly timeAttributes: boolean;
  /** One field of a ROW type, given the field's formatted type. */
  readonly rowField: (field: RowField, type: string) => string;
}

const PLAN_STYLE: TypeStyle = {
  timeAttributes: true,
  rowField: (f, type) => `\`${f.name}\` ${type}`,
};

/**
 * Flink's spelling of a type, e.g. `VARCHAR(10) NOT NULL`, `STRING`, `TIMESTAMP(3) *ROWTIME*` as
 * plans show it; the SQL printer passes its own style for valid DDL.
 */
export function formatType(type: LogicalType, style: TypeStyle = PLAN_STYLE): string {
  const nested = (t: LogicalType) => formatType(t, style);
  let s: string;
  switch (type.root) {
    case 'VARCHAR':
      s = type.length === MAX_LENGTH ? 'STRING' : `VARCHAR(${type.length})`;
      break;
    case 'VARBINARY':
      s = type.length === MAX_LENGTH ? 'BYTES' : `VARBINARY(${type.length})`;
      break;
    case 'CHAR':
    case 'BINARY':
      s = `${type.root}(${type.length})`;
      break;
    case 'DECIMAL':
      s = `DECIMAL(${type.precision}, ${type.scale})`;
      break;
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      s = `${type.root}(${type.precision})`;
      break;
    case 'INTERVAL_YEAR_MONTH':
      s = 'INTERVAL YEAR TO MONTH';
      break;
    case 'INTERVAL_DAY_TIME':
      s = 'INTERVAL DAY TO SECOND(3)';
      break;
    case 'ARRAY':
    case 'MULTISET':
      s = `${type.root}<${nested(type.element!)}>`;
      break;
    case 'MAP':
      s = `MAP<${nested(type.key!)}, ${nested(type.value!)}>`;
      break;
    case 'ROW':
      s = `ROW<${(type.fields ?? []).map((f) => style.rowField(f, nested(f.type))).join(', ')}>`;
      break;
    default:
      s = type.root;
  }
  if (!type.nullable && type.root !== 'NULL') s += ' NOT NULL';
  if (type.timeAttribute && style.timeAttributes) s += ` *${type.timeAttribute}*`;
  return s;
}

/** Flink's changelog row kinds; short strings as Flink prints them. */
export const RowKind = {
  INSERT: 0,
  UPDATE_BEFORE: 1,
  UPDATE_AFTER: 2,
  DELETE: 3,
} as const;
export type RowKind = (typeof RowKind)[keyof typeof RowKind];
export const ROW_KIND_SHORT = ['+I', '-U', '+U', '-D'] as const;

/** The schema of a table or of an operator's output: named, typed columns in order. */
export interface RowType {
  readonly fields: readonly RowField[];
}
