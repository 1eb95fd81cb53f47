import { divisionByZero } from './errors.js';

/**
 * DECIMAL(p, s) values are bigint unscaled values; the scale lives in the type. These helpers do
 * what Flink's DecimalData/DecimalDataUtils do: exact arithmetic, HALF_UP rounding when the scale
 * shrinks, and NULL (not an error) when a result does not fitPrecision the target precision.
 */

export const MAX_PRECISION = 38;

const POW10: bigint[] = [];
for (let i = 0, p = 1n; i <= 80; i++, p *= 10n) POW10.push(p);

export function pow10(n: number): bigint {
  return n <= 80 ? POW10[n] : 10n ** BigInt(n);
}

/** Divides by `divisor` (a positive power of ten or any positive bigint), rounding HALF_UP (away from zero on ties). */
export function divHalfUp(value: bigint, divisor: bigint): bigint {
  const q = value / divisor;
  const r = value - q * divisor;
  if (r === 0n) return q;
  if (r > 0n) return r * 2n >= divisor ? q + 1n : q;
  return -r * 2n >= divisor ? q - 1n : q;
}

/** Signed HALF_UP division for any non-zero divisor. */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  return d < 0n ? divHalfUp(-n, -d) : divHalfUp(n, d);
}

/** `value` at scale `from` re-expressed at scale `to` (HALF_UP), without a precision check. */
export function rescale(value: bigint, from: number, to: number): bigint {
  if (to === from) return value;
  if (to > from) return value * pow10(to - from);
  return divHalfUp(value, pow10(from - to));
}

/** The value, or null when it needs more than `precision` digits (Flink's DecimalData overflow). */
export function fitPrecision(value: bigint, precision: number): bigint | null {
  const bound = pow10(precision);
  return value < bound && value > -bound ? value : null;
}

export function rescaleFit(value: bigint, from: number, to: number, precision: number): bigint | null {
  return fitPrecision(rescale(value, from, to), precision);
}

/**
 * Flink's DecimalDataUtils.divide: the quotient to 38 significant digits (MathContext(38, HALF_UP)),
 * then rounded HALF_UP to the result scale. Emulating both roundings keeps results identical to
 * Flink's in the rare cases where rounding twice differs from rounding once.
 */
export function divide(
  a: bigint,
  sa: number,
  b: bigint,
  sb: number,
  scale: number,
  precision: number,
): bigint | null {
  if (b === 0n) throw divisionByZero();
  if (a === 0n) return 0n;
  // Quotient at a generous working scale, truncated; the sticky bit remembers a non-zero remainder.
  const work = scale + MAX_PRECISION + 2;
  let num = a * pow10(Math.max(0, work + sb - sa));
  let den = b * pow10(Math.max(0, sa - sb - work));
  if (den < 0n) {
    num = -num;
    den = -den;
  }
  const negative = num < 0n;
  const absNum = negative ? -num : num;
  let q = absNum / den;
  // Round q (at scale `work`) to 38 significant digits, HALF_UP.
  const digits = q.toString().length;
  let qScale = work;
  if (digits > MAX_PRECISION) {
    const drop = digits - MAX_PRECISION;
    const unit = pow10(drop);
    const kept = q / unit;
    const rest = q - kept * unit;
    // HALF_UP: ties go up, so digits truncated beyond the working scale cannot change the outcome.
    q = rest * 2n >= unit ? kept + 1n : kept;
    qScale = work - drop;
  }
  const abs = rescale(q, qScale, scale);
  return fitPrecision(negative ? -abs : abs, precision);
}

export function toNumber(value: bigint, scale: number): number {
  if (scale <= 0) return Number(scale === 0 ? value : value * pow10(-scale));
  // Exact operands make a single, correctly rounded division: same as BigDecimal.doubleValue().
  if (value < 9007199254740992n && value > -9007199254740992n && scale <= 22)
    return Number(value) / 10 ** scale;
  return Number(toPlainString(value, scale));
}

/** BigDecimal.toPlainString: the scale's digits always shown ('12.50', '-0.05'). */
export function toPlainString(value: bigint, scale: number): string {
  if (scale <= 0) return (scale === 0 ? value : value * pow10(-scale)).toString();
  const negative = value < 0n;
  let digits = (negative ? -value : value).toString();
  if (digits.length <= scale) digits = '0'.repeat(scale - digits.length + 1) + digits;
  const cut = digits.length - scale;
  return `${negative ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses BigDecimal syntax (sign, digits, optional fraction and exponent) to an unscaled value at
 * `scale`, rounding HALF_UP; undefined when the text is not a number.
 */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = DECIMAL_TEXT.exec(text);
  if (!m) return undefined;
  const int = m[2];
  const frac = m[3] ?? '';
  if (int === '' && frac === '') return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isFinite(exponent) || Math.abs(exponent) > 10000) return undefined;
  const unscaled = BigInt(int + frac || '0');
  const value = rescale(unscaled, frac.length - exponent, scale);
  return m[1] === '-' ? -value : value;
}

/** Flink's DecimalDataUtils.castFrom(double): BigDecimal.valueOf(d), i.e. via Double.toString's digits. */
export function fromNumber(n: number, scale: number): bigint | undefined {
  if (!Number.isFinite(n)) return undefined;
  if (Number.isInteger(n) && Math.abs(n) <= Number.MAX_SAFE_INTEGER) return BigInt(n) * pow10(scale);
  return parseDecimal(String(n), scale);
}

/** FLOOR/CEIL of a decimal at scale `s`, as an integral unscaled value at scale 0. */
export function floorDiv(value: bigint, divisor: bigint): bigint {
  const q = value / divisor;
  return value < 0n && q * divisor !== value ? q - 1n : q;
}

export function ceilDiv(value: bigint, divisor: bigint): bigint {
  const q = value / divisor;
  return value > 0n && q * divisor !== value ? q + 1n : q;
}

export function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
