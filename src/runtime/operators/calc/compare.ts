import type { Expr } from '../../../common/expr.js';
import type { LogicalType } from '../../../common/types.js';
import { convertValue } from './cast.js';
import {
  type Gen,
  isApprox,
  isBinaryType,
  isDecimalType,
  isIntegral,
  isString,
  scaleOf,
  type Value,
} from './codegen.js';
import { pow10 } from './decimal.js';
import { compareBytes, compareStrings } from './strings-runtime.js';

/**
 * Comparing two SQL values: both sides are brought to one representation (numbers, bigint
 * unscaled values at one scale, strings, booleans, bytes), then compared with Flink's order
 * (strings by code point, bytes unsigned).
 */

export type CompareKind = 'number' | 'bigint' | 'string' | 'boolean' | 'bytes' | 'other';

export interface Comparable {
  readonly a: Value;
  readonly b: Value;
  readonly kind: CompareKind;
}

const NUMBER_ROOTS = new Set([
  'TINYINT',
  'SMALLINT',
  'INT',
  'BIGINT',
  'FLOAT',
  'DOUBLE',
  'DATE',
  'TIME',
  'TIMESTAMP',
  'TIMESTAMP_LTZ',
  'INTERVAL_YEAR_MONTH',
  'INTERVAL_DAY_TIME',
]);

export function kindOf(t: LogicalType): CompareKind {
  if (isDecimalType(t)) return 'bigint';
  if (NUMBER_ROOTS.has(t.root)) return 'number';
  if (isString(t)) return 'string';
  if (isBinaryType(t)) return 'bytes';
  if (t.root === 'BOOLEAN') return 'boolean';
  return 'other';
}

function scaled(g: Gen, v: Value, by: number): Value {
  return by === 0 ? v : g.strict([v], ([c]) => `(${c} * ${pow10(by)}n)`);
}

/** Brings two operands to a common representation for comparison. */
export function comparable(g: Gen, ea: Expr, a: Value, eb: Expr, b: Value): Comparable {
  const ta = ea.type;
  const tb = eb.type;
  if (ta.root === 'NULL' || tb.root === 'NULL') {
    const kind = kindOf(ta.root === 'NULL' ? tb : ta);
    return { a, b, kind };
  }
  if (isDecimalType(ta) || isDecimalType(tb)) {
    if (isApprox(ta) || isApprox(tb)) {
      const dbl: LogicalType = { root: 'DOUBLE', nullable: true };
      return { a: convertValue(g, a, ta, dbl), b: convertValue(g, b, tb, dbl), kind: 'number' };
    }
    const sa = isDecimalType(ta) ? scaleOf(ta) : 0;
    const sb = isDecimalType(tb) ? scaleOf(tb) : 0;
    const m = Math.max(sa, sb);
    const big = (e: LogicalType, v: Value) =>
      isIntegral(e) ? convertValue(g, v, e, { root: 'DECIMAL', nullable: true, precision: 38, scale: 0 }) : v;
    return { a: scaled(g, big(ta, a), m - sa), b: scaled(g, big(tb, b), m - sb), kind: 'bigint' };
  }
  // DATE meets TIMESTAMP: compare as timestamps (the planner normally casts already).
  if (ta.root === 'DATE' && (tb.root === 'TIMESTAMP' || tb.root === 'TIMESTAMP_LTZ'))
    return { a: convertValue(g, a, ta, tb), b, kind: 'number' };
  if (tb.root === 'DATE' && (ta.root === 'TIMESTAMP' || ta.root === 'TIMESTAMP_LTZ'))
    return { a, b: convertValue(g, b, tb, ta), kind: 'number' };
  if (ta.root === 'TIMESTAMP' && tb.root === 'TIMESTAMP_LTZ')
    return { a: convertValue(g, a, ta, tb), b, kind: 'number' };
  if (ta.root === 'TIMESTAMP_LTZ' && tb.root === 'TIMESTAMP')
    return { a, b: convertValue(g, b, tb, ta), kind: 'number' };
  const ka = kindOf(ta);
  const kb = kindOf(tb);
  if (ka === kb) return { a, b, kind: ka };
  // Different families: compare as strings when one side is a string (the planner casts first).
  if (ka === 'string') return { a, b: convertValue(g, b, tb, ta), kind: 'string' };
  if (kb === 'string') return { a: convertValue(g, a, ta, tb), b, kind: 'string' };
  return { a, b, kind: 'other' };
}

/** Structural equality for ARRAY, MAP, ROW and MULTISET values. */
export function deepEquals(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  if (x instanceof Uint8Array && y instanceof Uint8Array) return compareBytes(x, y) === 0;
  if (Array.isArray(x) && Array.isArray(y))
    return x.length === y.length && x.every((v, i) => deepEquals(v, y[i]));
  if (x instanceof Map && y instanceof Map) {
    if (x.size !== y.size) return false;
    for (const [k, v] of x) if (!y.has(k) || !deepEquals(v, y.get(k))) return false;
    return true;
  }
  return false;
}

function deepCompare(x: unknown, y: unknown): number {
  if (Array.isArray(x) && Array.isArray(y)) {
    const n = Math.min(x.length, y.length);
    for (let i = 0; i < n; i++) {
      const c = compareAny(x[i], y[i]);
      if (c !== 0) return c;
    }
    return x.length - y.length;
  }
  return 0;
}

function compareAny(x: unknown, y: unknown): number {
  if (x === y) return 0;
  if (x === null || x === undefined) return -1;
  if (y === null || y === undefined) return 1;
  if (typeof x === 'string' && typeof y === 'string') return compareStrings(x, y);
  if (x instanceof Uint8Array && y instanceof Uint8Array) return compareBytes(x, y);
  if (typeof x === 'object') return deepCompare(x, y);
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

const JS_OP: Record<string, string> = { '=': '===', '<>': '!==', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** A boolean JS expression comparing non-null operand codes. */
export function compareCode(g: Gen, kind: CompareKind, op: string, x: string, y: string): string {
  const js = JS_OP[op];
  switch (kind) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return `(${x} ${js} ${y})`;
    case 'string':
      return op === '=' || op === '<>'
        ? `(${x} ${js} ${y})`
        : `(${g.helper(compareStrings)}(${x}, ${y}) ${js} 0)`;
    case 'bytes':
      return `(${g.helper(compareBytes)}(${x}, ${y}) ${js} 0)`;
    case 'other':
      if (op === '=') return `${g.helper(deepEquals)}(${x}, ${y})`;
      if (op === '<>') return `!${g.helper(deepEquals)}(${x}, ${y})`;
      return `(${g.helper(compareAny)}(${x}, ${y}) ${js} 0)`;
  }
}

/** A -1/0/1-style comparison expression (for GREATEST/LEAST). */
export function orderCode(g: Gen, kind: CompareKind, x: string, y: string): string {
  switch (kind) {
    case 'number':
    case 'bigint':
    case 'boolean':
      return `(${x} > ${y} ? 1 : ${x} < ${y} ? -1 : 0)`;
    case 'string':
      return `${g.helper(compareStrings)}(${x}, ${y})`;
    case 'bytes':
      return `${g.helper(compareBytes)}(${x}, ${y})`;
    case 'other':
      return `${g.helper(compareAny)}(${x}, ${y})`;
  }
}
