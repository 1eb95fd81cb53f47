import { civilFromDays, daysFromCivil } from '../../common/calendar.js';
/**
 * Text forms of temporal and decimal values shared by the text formats (JSON, CSV), following
 * Flink's TimeFormats: 'SQL' timestamps are `2024-01-02 03:04:05.678`, 'ISO-8601' ones
 * `2024-01-02T03:04:05.678`; TIMESTAMP_LTZ adds a trailing `Z`. Fractions print as few digits
 * as needed, as java.time's appendFraction(NANO_OF_SECOND, 0, 9, true) does.
 */
export type TimestampStandard = 'SQL' | 'ISO-8601';

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);

function fraction(ms: number): string {
  if (ms === 0) return '';
  if (ms % 100 === 0) return `.${ms / 100}`;
  if (ms % 10 === 0) return `.${String(ms / 10).padStart(2, '0')}`;
  return `.${String(ms).padStart(3, '0')}`;
}

/** HH:mm:ss[.fff] for milliseconds of the day. */
export function timeText(millisOfDay: number): string {
  const s = Math.floor(millisOfDay / 1000);
  return `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}${fraction(millisOfDay % 1000)}`;
}

export { daysFromCivil };

export function dateText(days: number): string {
  const { year: y, month: m, day: d } = civilFromDays(days);
  const year = y >= 0 && y <= 9999 ? String(y).padStart(4, '0') : String(y);
  return `${year}-${pad2(m)}-${pad2(d)}`;
}

export function timestampText(epochMillis: number, standard: TimestampStandard, zoned: boolean): string {
  const days = Math.floor(epochMillis / 86_400_000);
  const sep = standard === 'SQL' ? ' ' : 'T';
  return `${dateText(days)}${sep}${timeText(epochMillis - days * 86_400_000)}${zoned ? 'Z' : ''}`;
}

const DATE_RE = /^([+-]?\d{4,})-(\d{2})-(\d{2})$/;
const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

function fractionMillis(digits: string | undefined): number {
  if (!digits) return 0;
  return Number(digits.padEnd(3, '0').slice(0, 3));
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function checkedUtc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number | undefined {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > MONTH_DAYS[mo - 1] + (leap ? 1 : 0)) return undefined;
  return daysFromCivil(y, mo, d) * 86_400_000 + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

const digit = (text: string, i: number) => text.charCodeAt(i) - 48;
const two = (text: string, i: number) => digit(text, i) * 10 + digit(text, i + 1);

/** `yyyy-MM-dd?HH:mm:ss.SSS` exactly, the shape almost every message has: read without regexes. */
function fastTimestamp(text: string, sep: number): number | undefined {
  if (text.length !== 23 || text.charCodeAt(10) !== sep) return undefined;
  for (let i = 0; i < 23; i++) {
    const c = text.charCodeAt(i);
    const punct = i === 4 || i === 7 ? 45 : i === 13 || i === 16 ? 58 : i === 19 ? 46 : i === 10 ? sep : -1;
    if (punct >= 0 ? c !== punct : c < 48 || c > 57) return undefined;
  }
  return checkedUtc(
    two(text, 0) * 100 + two(text, 2),
    two(text, 5),
    two(text, 8),
    two(text, 11),
    two(text, 14),
    two(text, 17),
    digit(text, 20) * 100 + two(text, 21),
  );
}

export function parseDateText(text: string): number | undefined {
  const m = DATE_RE.exec(text);
  if (!m) return undefined;
  const t = checkedUtc(Number(m[1]), Number(m[2]), Number(m[3]));
  return t === undefined ? undefined : Math.floor(t / 86_400_000);
}

export function parseTimeText(text: string): number | undefined {
  const m = TIME_RE.exec(text);
  if (!m) return undefined;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return ((h * 60 + mi) * 60 + s) * 1000 + fractionMillis(m[4]);
}

/** Epoch milliseconds of a timestamp in the given standard; the zone suffix is required iff `zoned`. */
export function parseTimestampText(
  text: string,
  standard: TimestampStandard,
  zoned: boolean,
): number | undefined {
  let body = text;
  if (zoned) {
    if (!body.endsWith('Z')) return undefined;
    body = body.slice(0, -1);
  }
  const sep = standard === 'SQL' ? ' ' : 'T';
  const fast = fastTimestamp(body, sep.charCodeAt(0));
  if (fast !== undefined) return fast;
  const at = body.indexOf(sep);
  if (at < 0) return undefined;
  const dm = DATE_RE.exec(body.slice(0, at));
  const tm = TIME_RE.exec(body.slice(at + 1));
  if (!dm || !tm) return undefined;
  return checkedUtc(
    Number(dm[1]),
    Number(dm[2]),
    Number(dm[3]),
    Number(tm[1]),
    Number(tm[2]),
    tm[3] === undefined ? 0 : Number(tm[3]),
    fractionMillis(tm[4]),
  );
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The unscaled value of a decimal literal at `scale`, rounded half-up as BigDecimal.setScale does;
 * undefined when it is not a number or needs more than `precision` digits (Flink then yields null).
 */
export function parseDecimalText(text: string, precision: number, scale: number): bigint | undefined {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const digits = `${m[2]}${m[3] ?? ''}`;
  // value = digits × 10^-(fractionLength - exponent); shift to `scale`.
  const shift = scale - (m[3]?.length ?? 0) + (m[4] ? Number(m[4]) : 0);
  let unscaled: bigint;
  if (shift >= 0) {
    unscaled = BigInt(digits || '0') * 10n ** BigInt(shift);
  } else {
    const drop = -shift;
    if (drop >= digits.length) {
      unscaled = drop === digits.length && Number(digits[0]) >= 5 ? 1n : 0n;
    } else {
      unscaled = BigInt(digits.slice(0, digits.length - drop) || '0');
      if (Number(digits[digits.length - drop]) >= 5) unscaled += 1n;
    }
  }
  if (unscaled >= 10n ** BigInt(precision)) return undefined;
  return m[1] === '-' ? -unscaled : unscaled;
}

/** A finite JS number as a decimal at `scale`, through its shortest round-tripping text. */
export function decimalFromNumber(value: number, precision: number, scale: number): bigint | undefined {
  if (!Number.isFinite(value)) return undefined;
  return parseDecimalText(String(value), precision, scale);
}

/** The range of each integer type; BIGINT's ends are as near as a double gets to ±2^63. */
const INTEGER_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [-(2 ** 63), 2 ** 63 - 1],
};

export function inIntegerRange(root: string, n: number): boolean {
  const range = INTEGER_RANGE[root];
  return range === undefined || (n >= range[0] && n < -range[0]);
}
