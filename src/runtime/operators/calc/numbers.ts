/**
 * Java's number semantics where JavaScript's differ: integer wrap-around on overflow, narrowing
 * conversions, Double.toString/Float.toString formatting and Integer/Double parsing.
 */

const TWO_63 = 2 ** 63;

/** Narrows a JS integer to a Java integral type by keeping the low bits (Java casts wrap). */
export function wrapInt(n: number): number {
  return n | 0;
}

export function wrapShort(n: number): number {
  return (n << 16) >> 16;
}

export function wrapByte(n: number): number {
  return (n << 24) >> 24;
}

/** BIGINT results beyond ±2^53: exact 64-bit two's complement wrap, then rounded to a JS number. */
export function wrapLong(n: bigint): number {
  return Number(BigInt.asIntN(64, n));
}

export function addLong(a: number, b: number): number {
  return wrapLong(BigInt(a) + BigInt(b));
}

export function subLong(a: number, b: number): number {
  return wrapLong(BigInt(a) - BigInt(b));
}

export function mulLong(a: number, b: number): number {
  return wrapLong(BigInt(a) * BigInt(b));
}

/** Java long division truncates toward zero; doubles are exact below 2^52, BigInt above. */
export function divLong(a: number, b: number): number {
  if (Math.abs(a) < 4503599627370496) return Math.trunc(a / b) + 0;
  return wrapLong(BigInt(a) / BigInt(b));
}

/** Java's (int)/(long) cast of a double: truncation, NaN → 0, saturation at the type's bounds. */
export function doubleToInt(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= 2147483647) return 2147483647;
  if (d <= -2147483648) return -2147483648;
  return Math.trunc(d) | 0;
}

export function doubleToLong(d: number): number {
  if (Number.isNaN(d)) return 0;
  if (d >= TWO_63) return TWO_63;
  if (d <= -TWO_63) return -TWO_63;
  return Math.trunc(d) + 0;
}

/** Java's Double.toString and Float.toString, shared with the print connector's formatting. */
export {
  javaDoubleToString as formatDouble,
  javaFloatToString as formatFloat,
} from '../../../common/format.js';

/** Characters Java's String.trim() removes: everything up to and including ' '. */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 32) start++;
  while (end > start && s.charCodeAt(end - 1) <= 32) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

const INTEGRAL_TEXT = /^([+-]?)(\d+)(?:\.\d*)?$/;

/**
 * Flink's BinaryStringDataUtil.toLong/toInt: trimmed, optional sign, digits, and a fraction that
 * is dropped ('1.9' → 1); undefined when malformed or outside [min, max].
 */
export function parseIntegral(text: string, min: bigint, max: bigint): number | undefined {
  const m = INTEGRAL_TEXT.exec(javaTrim(text));
  if (!m) return undefined;
  const digits = m[2];
  if (digits.length <= 15) {
    const n = m[1] === '-' ? -Number(digits) : Number(digits);
    return n >= Number(min) && n <= Number(max) ? n + 0 : undefined;
  }
  const big = m[1] === '-' ? -BigInt(digits) : BigInt(digits);
  return big >= min && big <= max ? Number(big) : undefined;
}

const FLOAT_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/** Java's Double.parseDouble on the trimmed text (hex floats aside); undefined when malformed. */
export function parseDouble(text: string): number | undefined {
  const t = javaTrim(text);
  if (!FLOAT_TEXT.test(t)) return undefined;
  if (t.endsWith('NaN')) return Number.NaN;
  const last = t.charCodeAt(t.length - 1);
  return Number(last > 57 && !t.endsWith('Infinity') ? t.slice(0, -1) : t);
}
