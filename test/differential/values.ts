/**
 * Values of the reference evaluator, kept apart from the runtime's representation on purpose:
 * exact integers are bigint (so `7 / 2` truncates like Java's int division), DOUBLE and FLOAT are
 * number, DECIMAL is an unscaled bigint with scale and precision, temporal values are wrapped.
 */
export type Value =
  | null
  | boolean
  | bigint
  | number
  | string
  | Dec
  | DateValue
  | TimeValue
  | TimestampValue
  | CollectionValue
  | RowValue;

/** A ROW: its fields by name, read with `column.field`. */
export class RowValue {
  constructor(
    readonly names: readonly string[],
    readonly values: readonly Value[],
  ) {}

  field(name: string): Value {
    const i = this.names.indexOf(name);
    if (i < 0) throw new Error(`the ROW has no field ${name}`);
    return this.values[i];
  }
}

/**
 * An ARRAY or MULTISET (its elements, a ROW element as the list of its fields) or a MAP (its
 * entries, key then value), as a file gives it; only UNNEST looks inside.
 */
export class CollectionValue {
  constructor(readonly items: readonly (readonly Value[])[]) {}
}

export class DateValue {
  constructor(readonly days: number) {}
}

export class TimeValue {
  constructor(readonly millis: number) {}
}

/** TIMESTAMP(3): epoch milliseconds of the UTC wall clock. */
export class TimestampValue {
  constructor(readonly millis: number) {}
}

/** A PROCTIME() value: the processing time a row was read at (windows on it fire by the clock). */
export class ProcTimeValue extends TimestampValue {}

const pow10 = (n: number) => 10n ** BigInt(n);

/** Java's RoundingMode.HALF_UP of a / b for bigints. */
export function divideHalfUp(a: bigint, b: bigint): bigint {
  const negative = a < 0n !== b < 0n;
  const x = a < 0n ? -a : a;
  const y = b < 0n ? -b : b;
  const q = (2n * x + y) / (2n * y);
  return negative ? -q : q;
}

export class Dec {
  /** Precision defaults to the digits needed (a literal's precision). */
  readonly precision: number;

  constructor(
    readonly unscaled: bigint,
    readonly scale: number,
    precision?: number,
  ) {
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length;
    this.precision = precision ?? Math.max(digits, scale, 1);
  }

  static parse(text: string, precision?: number): Dec {
    const negative = text.startsWith('-');
    const body = negative || text.startsWith('+') ? text.slice(1) : text;
    const [int, frac = ''] = body.split('.');
    const unscaled = BigInt(`${int || '0'}${frac}`);
    return new Dec(negative ? -unscaled : unscaled, frac.length, precision);
  }

  /** An exact integer as DECIMAL(precision, 0): INT is DECIMAL(10, 0), BIGINT DECIMAL(19, 0). */
  static ofInteger(v: bigint, precision = 19): Dec {
    return new Dec(v, 0, precision);
  }

  withScale(scale: number, precision = this.precision): Dec {
    if (scale >= this.scale) return new Dec(this.unscaled * pow10(scale - this.scale), scale, precision);
    return new Dec(divideHalfUp(this.unscaled, pow10(this.scale - scale)), scale, precision);
  }

  toNumber(): number {
    return Number(this.text());
  }

  compare(o: Dec): number {
    const s = Math.max(this.scale, o.scale);
    const a = this.withScale(s).unscaled;
    const b = o.withScale(s).unscaled;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  text(): string {
    const negative = this.unscaled < 0n;
    const digits = (negative ? -this.unscaled : this.unscaled).toString().padStart(this.scale + 1, '0');
    const int = digits.slice(0, digits.length - this.scale);
    const frac = digits.slice(digits.length - this.scale);
    return `${negative ? '-' : ''}${int}${this.scale > 0 ? `.${frac}` : ''}`;
  }

  /** The value with trailing fractional zeros dropped ("2.50" → "2.5", "3.00" → "3"). */
  normalizedText(): string {
    const t = this.text();
    return t.includes('.') ? t.replace(/0+$/, '').replace(/\.$/, '') : t;
  }
}

/**
 * Flink's adjustment when a DECIMAL result would need more than 38 digits
 * (LogicalTypeMerging.adjustPrecisionScale): keep the integer digits, cut the scale, but to no
 * less than min(scale, 6).
 */
export function adjustPrecisionScale(precision: number, scale: number): [number, number] {
  if (precision <= 38) return [precision, scale];
  const intDigits = precision - scale;
  const minScale = Math.min(scale, 6);
  return [38, Math.max(38 - intDigits, minScale)];
}
