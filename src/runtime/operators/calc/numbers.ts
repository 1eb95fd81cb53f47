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

/** Java's Double.toString: plain notation in [1e-3, 1e7), otherwise 'd.dddE±n'; always a '.'. */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const e = d.toExponential();
  const at = e.indexOf('e');
  let mantissa = e.slice(0, at);
  if (!mantissa.includes('.')) mantissa += '.0';
  const exponent = e.slice(at + 1);
  return `${mantissa}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}

/** Java's Float.toString: the shortest digits that identify the float, in Double.toString's layout. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f) || !Number.isFinite(f) || f === 0) return formatDouble(f);
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(f.toPrecision(p));
    if (Math.fround(candidate) === f) return formatDouble(candidate);
  }
  return formatDouble(f);
}

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
