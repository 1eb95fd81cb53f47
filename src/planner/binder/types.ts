import {
  type LogicalType,
  type LogicalTypeRoot,
  MAX_LENGTH,
  Types,
  withNullability,
} from '../../common/types.js';

/**
 * Flink's type rules for the operators the planner binds: families, the least restrictive common
 * type, decimal result precision (LogicalTypeMerging) and which casts are allowed implicitly.
 */

const EXACT_INTEGER: readonly LogicalTypeRoot[] = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT'];
const APPROXIMATE: readonly LogicalTypeRoot[] = ['FLOAT', 'DOUBLE'];
const CHARACTER: readonly LogicalTypeRoot[] = ['CHAR', 'VARCHAR'];
const BINARY: readonly LogicalTypeRoot[] = ['BINARY', 'VARBINARY'];
const TIMESTAMPS: readonly LogicalTypeRoot[] = ['TIMESTAMP', 'TIMESTAMP_LTZ'];
const INTERVALS: readonly LogicalTypeRoot[] = ['INTERVAL_YEAR_MONTH', 'INTERVAL_DAY_TIME'];

export const MAX_DECIMAL_PRECISION = 38;

export const isExactInteger = (t: LogicalType) => EXACT_INTEGER.includes(t.root);
export const isApproximate = (t: LogicalType) => APPROXIMATE.includes(t.root);
export const isDecimal = (t: LogicalType) => t.root === 'DECIMAL';
export const isExactNumeric = (t: LogicalType) => isExactInteger(t) || isDecimal(t);
export const isNumeric = (t: LogicalType) => isExactNumeric(t) || isApproximate(t);
export const isCharacter = (t: LogicalType) => CHARACTER.includes(t.root);
export const isBinary = (t: LogicalType) => BINARY.includes(t.root);
export const isTimestamp = (t: LogicalType) => TIMESTAMPS.includes(t.root);
export const isTemporal = (t: LogicalType) => t.root === 'DATE' || t.root === 'TIME' || isTimestamp(t);
export const isInterval = (t: LogicalType) => INTERVALS.includes(t.root);
export const isNull = (t: LogicalType) => t.root === 'NULL';
export const isBoolean = (t: LogicalType) => t.root === 'BOOLEAN';

/** The DECIMAL an exact integer fits in (Flink: TINYINT → DECIMAL(3, 0) … BIGINT → DECIMAL(19, 0)). */
export function asDecimal(t: LogicalType): LogicalType {
  switch (t.root) {
    case 'TINYINT':
      return Types.DECIMAL(3, 0, t.nullable);
    case 'SMALLINT':
      return Types.DECIMAL(5, 0, t.nullable);
    case 'INT':
      return Types.DECIMAL(10, 0, t.nullable);
    case 'BIGINT':
      return Types.DECIMAL(19, 0, t.nullable);
    default:
      return t;
  }
}

/** Flink's adjustPrecisionScale: keep up to 38 digits, giving up scale (down to 6) before integer digits. */
function boundedDecimal(precision: number, scale: number, nullable: boolean): LogicalType {
  if (precision <= MAX_DECIMAL_PRECISION) return Types.DECIMAL(precision, scale, nullable);
  const integerDigits = precision - scale;
  const minScale = Math.min(scale, 6);
  const s = Math.max(MAX_DECIMAL_PRECISION - integerDigits, minScale);
  return Types.DECIMAL(MAX_DECIMAL_PRECISION, s, nullable);
}

/** FLOAT stays FLOAT against FLOAT and integers; DOUBLE or a DECIMAL makes it DOUBLE. */
function approximateType(a: LogicalType, b: LogicalType, nullable: boolean): LogicalType {
  const floatOk = (t: LogicalType) => t.root === 'FLOAT' || isExactInteger(t);
  return floatOk(a) && floatOk(b) ? Types.FLOAT(nullable) : Types.DOUBLE(nullable);
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';

/** The result type of numeric arithmetic, or undefined when the operands are not both numeric. */
export function numericResultType(op: ArithmeticOp, a: LogicalType, b: LogicalType): LogicalType | undefined {
  if (!isNumeric(a) || !isNumeric(b)) return undefined;
  const nullable = a.nullable || b.nullable;
  if (op === '%') {
    if (!isExactNumeric(a) || !isExactNumeric(b)) return undefined;
    if (isExactInteger(a) && isExactInteger(b)) return withNullability(b, nullable);
    const x = asDecimal(a);
    const y = asDecimal(b);
    const scale = Math.max(x.scale!, y.scale!);
    return boundedDecimal(
      Math.min(x.precision! - x.scale!, y.precision! - y.scale!) + scale,
      scale,
      nullable,
    );
  }
  if (isApproximate(a) || isApproximate(b)) return approximateType(a, b, nullable);
  if (isExactInteger(a) && isExactInteger(b)) {
    return withNullability(EXACT_INTEGER.indexOf(a.root) >= EXACT_INTEGER.indexOf(b.root) ? a : b, nullable);
  }
  const x = asDecimal(a);
  const y = asDecimal(b);
  const [p1, s1, p2, s2] = [x.precision!, x.scale!, y.precision!, y.scale!];
  switch (op) {
    case '+':
    case '-': {
      const scale = Math.max(s1, s2);
      return boundedDecimal(Math.max(p1 - s1, p2 - s2) + scale + 1, scale, nullable);
    }
    case '*':
      return boundedDecimal(p1 + p2 + 1, s1 + s2, nullable);
    case '/': {
      const scale = Math.max(6, s1 + p2 + 1);
      return boundedDecimal(p1 - s1 + s2 + scale, scale, nullable);
    }
    default: {
      const never: never = op;
      return never;
    }
  }
}

/**
 * The least restrictive type both values convert to (for comparisons, CASE branches, COALESCE, IN
 * lists), or undefined when there is none.
 */
export function commonType(a: LogicalType, b: LogicalType): LogicalType | undefined {
  const nullable = a.nullable || b.nullable;
  if (isNull(a)) return withNullability(b, true);
  if (isNull(b)) return withNullability(a, true);
  if (isNumeric(a) && isNumeric(b)) {
    if (isApproximate(a) || isApproximate(b)) return approximateType(a, b, nullable);
    if (isExactInteger(a) && isExactInteger(b))
      return withNullability(
        EXACT_INTEGER.indexOf(a.root) >= EXACT_INTEGER.indexOf(b.root) ? a : b,
        nullable,
      );
    const x = asDecimal(a);
    const y = asDecimal(b);
    const scale = Math.max(x.scale!, y.scale!);
    const integerDigits = Math.max(x.precision! - x.scale!, y.precision! - y.scale!);
    return boundedDecimal(integerDigits + scale, scale, nullable);
  }
  if (isCharacter(a) && isCharacter(b)) {
    const length = Math.max(a.length ?? MAX_LENGTH, b.length ?? MAX_LENGTH);
    return a.root === 'CHAR' && b.root === 'CHAR'
      ? Types.CHAR(length, nullable)
      : Types.VARCHAR(length, nullable);
  }
  if (isBinary(a) && isBinary(b)) {
    const length = Math.max(a.length ?? MAX_LENGTH, b.length ?? MAX_LENGTH);
    return { root: a.root === 'BINARY' && b.root === 'BINARY' ? 'BINARY' : 'VARBINARY', nullable, length };
  }
  if (isTimestamp(a) && isTimestamp(b)) {
    const precision = Math.max(a.precision ?? 6, b.precision ?? 6);
    return a.root === 'TIMESTAMP_LTZ' || b.root === 'TIMESTAMP_LTZ'
      ? Types.TIMESTAMP_LTZ(precision, nullable)
      : Types.TIMESTAMP(precision, nullable);
  }
  if ((a.root === 'DATE' && isTimestamp(b)) || (b.root === 'DATE' && isTimestamp(a)))
    return withNullability(isTimestamp(a) ? a : b, nullable);
  if (a.root === 'TIME' && b.root === 'TIME')
    return Types.TIME(Math.max(a.precision ?? 0, b.precision ?? 0), nullable);
  if (a.root === b.root && sameTypeIgnoringNullability(a, b)) return withNullability(a, nullable);
  return undefined;
}

export function sameTypeIgnoringNullability(a: LogicalType, b: LogicalType): boolean {
  return JSON.stringify(withNullability(a, true)) === JSON.stringify(withNullability(b, true));
}

/**
 * Whether a value of `from` must be converted to be used as `to` at runtime: the runtime
 * representation changes (number ↔ DECIMAL's bigint), a DECIMAL's scale changes, or the types are
 * of different kinds. Lengths of strings and precision of timestamps need no conversion.
 */
export function needsConversion(from: LogicalType, to: LogicalType): boolean {
  if (isNull(from)) return false;
  if (isNumeric(from) && isNumeric(to)) {
    if (isDecimal(from) !== isDecimal(to)) return true;
    return isDecimal(from) && from.scale !== to.scale;
  }
  if (isCharacter(from) && isCharacter(to)) return false;
  if (isBinary(from) && isBinary(to)) return false;
  if (from.root !== to.root) return true;
  return (
    !sameTypeIgnoringNullability(withNullability(from, true), withNullability(to, true)) && !isTemporal(from)
  );
}

/** Flink's implicit casts (LogicalTypeCasts.supportsImplicitCast), for INSERT into a sink column. */
export function supportsImplicitCast(from: LogicalType, to: LogicalType): boolean {
  if (isNull(from)) return true;
  if (isNumeric(from) && isNumeric(to)) {
    const order: LogicalTypeRoot[] = ['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'DECIMAL', 'FLOAT', 'DOUBLE'];
    if (isDecimal(from) && isDecimal(to)) return true;
    return order.indexOf(from.root) <= order.indexOf(to.root);
  }
  if (isCharacter(from) && isCharacter(to)) return true;
  if (isBinary(from) && isBinary(to)) return true;
  if (isTimestamp(from) && isTimestamp(to)) return true;
  if (from.root === 'DATE' && isTimestamp(to)) return true;
  if (from.root === 'TIME' && to.root === 'TIME') return true;
  if (from.root !== to.root) return false;
  switch (from.root) {
    case 'ARRAY':
    case 'MULTISET':
      return supportsImplicitCast(from.element!, to.element!);
    case 'MAP':
      return supportsImplicitCast(from.key!, to.key!) && supportsImplicitCast(from.value!, to.value!);
    case 'ROW': {
      const f = from.fields ?? [];
      const t = to.fields ?? [];
      return f.length === t.length && f.every((field, i) => supportsImplicitCast(field.type, t[i].type));
    }
    default:
      return true;
  }
}

/** Flink's explicit casts (CAST): what can be converted at all. */
export function supportsExplicitCast(from: LogicalType, to: LogicalType): boolean {
  if (isNull(from) || supportsImplicitCast(from, to)) return true;
  const scalar = (t: LogicalType) => isNumeric(t) || isCharacter(t) || isBoolean(t) || isTemporal(t);
  if (isCharacter(from) || isCharacter(to))
    return scalar(from) || scalar(to) || isBinary(from) || isBinary(to);
  if (isNumeric(from) && isNumeric(to)) return true;
  if ((isNumeric(from) && isBoolean(to)) || (isBoolean(from) && isNumeric(to))) return true;
  if (isTemporal(from) && isTemporal(to))
    return !(from.root === 'DATE' && to.root === 'TIME') && !(from.root === 'TIME' && to.root === 'DATE');
  if ((isNumeric(from) && isTimestamp(to)) || (isTimestamp(from) && isNumeric(to)))
    return isExactInteger(from) || isExactInteger(to);
  if (isInterval(from) && isInterval(to)) return from.root === to.root;
  return false;
}
