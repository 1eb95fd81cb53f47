import { invalidArgument } from './errors.js';

/**
 * Calendar arithmetic on the runtime representation: DATE = days since 1970-01-01, TIME = ms of
 * the day, TIMESTAMP = UTC wall-clock epoch ms, TIMESTAMP_LTZ = epoch ms (an instant). Proleptic
 * Gregorian calendar, like java.time.
 */

export const MS_PER_DAY = 86_400_000;

import { type Civil, civilFromDays, daysFromCivil } from '../../../common/calendar.js';

export { type Civil, civilFromDays, daysFromCivil };

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  return m === 2 ? (isLeapYear(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

export function floorMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r + 0;
}

/** Adds months as java.time's plusMonths does: the day is clamped to the target month's length. */
export function addMonthsToDays(days: number, months: number): number {
  const c = civilFromDays(days);
  const total = c.year * 12 + (c.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  return daysFromCivil(year, month, Math.min(c.day, daysInMonth(year, month)));
}

export function addMonthsToMillis(ms: number, months: number): number {
  const days = floorDiv(ms, MS_PER_DAY);
  return addMonthsToDays(days, months) * MS_PER_DAY + (ms - days * MS_PER_DAY);
}

/** Whole months from a to b, counting a month only when its day and time of day are reached (java.time's until). */
export function monthsBetween(a: number, b: number): number {
  const da = floorDiv(a, MS_PER_DAY);
  const db = floorDiv(b, MS_PER_DAY);
  const ca = civilFromDays(da);
  const cb = civilFromDays(db);
  let months = (cb.year - ca.year) * 12 + (cb.month - ca.month);
  const restA = ca.day * MS_PER_DAY + (a - da * MS_PER_DAY);
  const restB = cb.day * MS_PER_DAY + (b - db * MS_PER_DAY);
  if (months > 0 && restB < restA) months--;
  else if (months < 0 && restB > restA) months++;
  return months;
}

// ---------------------------------------------------------------------------------------------
// Time zones

export interface Zone {
  readonly id: string;
  /** Offset (ms) of local time from UTC at an instant. */
  offsetAt(epochMs: number): number;
}

const FIXED = /^(?:GMT|UTC|UT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

const zones = new Map<string, Zone>();

export function zone(id: string): Zone {
  let z = zones.get(id);
  if (!z) {
    z = makeZone(id);
    zones.set(id, z);
  }
  return z;
}

export function defaultZoneId(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}

function makeZone(id: string): Zone {
  const upper = id.toUpperCase();
  if (upper === 'UTC' || upper === 'GMT' || upper === 'Z' || upper === 'UT') return { id, offsetAt: () => 0 };
  const m = FIXED.exec(id);
  if (m) {
    const offset = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3] ?? 0) * 60_000);
    return { id, offsetAt: () => offset };
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    throw invalidArgument(`Unknown time zone '${id}' (table.local-time-zone)`);
  }
  // Offsets change at most a few times a year and on quarter-hour boundaries: cache by quarter hour.
  const cache = new Map<number, number>();
  return {
    id,
    offsetAt(epochMs: number): number {
      const bucket = Math.floor(epochMs / 900_000);
      let offset = cache.get(bucket);
      if (offset === undefined) {
        const at = bucket * 900_000;
        const parts = format.formatToParts(new Date(at));
        const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
        let year = get('year');
        if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
        const local =
          daysFromCivil(year, get('month'), get('day')) * MS_PER_DAY +
          ((get('hour') * 60 + get('minute')) * 60 + get('second')) * 1000;
        offset = local - at;
        if (cache.size > 100_000) cache.clear();
        cache.set(bucket, offset);
      }
      return offset;
    },
  };
}

/** Wall-clock ms in the zone for an instant (TIMESTAMP_LTZ → TIMESTAMP). */
export function toLocal(z: Zone, epochMs: number): number {
  return epochMs + z.offsetAt(epochMs);
}

/**
 * The instant of a wall-clock time in the zone (TIMESTAMP → TIMESTAMP_LTZ) as java.time resolves
 * it: in an overlap the earlier offset, in a gap the time is pushed forward by the gap's length.
 */
export function fromLocal(z: Zone, localMs: number): number {
  const before = z.offsetAt(localMs - 86_400_000);
  const after = z.offsetAt(localMs + 86_400_000);
  if (before === after) return localMs - before;
  const earlier = localMs - before;
  if (toLocal(z, earlier) === localMs) return earlier;
  const later = localMs - after;
  if (toLocal(z, later) === localMs) return later;
  // A gap: java.time moves the time forward by the gap length, i.e. uses the offset before it.
  return localMs - before;
}

// ---------------------------------------------------------------------------------------------
// Default text formats (Flink's CAST to/from STRING)

function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  const padded = s.length >= width ? s : '0'.repeat(width - s.length) + s;
  return n < 0 ? `-${padded}` : padded;
}

export function formatDate(days: number): string {
  const c = civilFromDays(days);
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
}

/** 'HH:mm:ss' plus exactly `precision` fraction digits (values hold milliseconds). */
export function formatTime(msOfDay: number, precision: number): string {
  const h = Math.floor(msOfDay / 3_600_000);
  const m = Math.floor(msOfDay / 60_000) % 60;
  const s = Math.floor(msOfDay / 1000) % 60;
  let text = `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
  if (precision > 0) {
    const fraction = pad(msOfDay % 1000, 3) + '000000';
    text += `.${fraction.slice(0, precision)}`;
  }
  return text;
}

/** Flink's timestamp format: 'yyyy-MM-dd HH:mm:ss' and the type's precision in fraction digits. */
export function formatTimestamp(ms: number, precision: number): string {
  const days = floorDiv(ms, MS_PER_DAY);
  return `${formatDate(days)} ${formatTime(ms - days * MS_PER_DAY, precision)}`;
}

/** Drops fraction digits beyond a TIME/TIMESTAMP precision below milliseconds (Flink truncates). */
export function truncateMillis(ms: number, precision: number): number {
  if (precision >= 3) return ms;
  const unit = precision === 2 ? 10 : precision === 1 ? 100 : 1000;
  return ms - floorMod(ms, unit);
}

const DATE_TEXT = /^\s*([+-]?\d{1,9})-(\d{1,2})-(\d{1,2})\s*$/;
const TIME_TEXT = /^\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?\s*$/;
const TIMESTAMP_TEXT =
  /^\s*([+-]?\d{1,9})-(\d{1,2})-(\d{1,2})(?:(?:[ T]+)(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{0,9}))?)?)?\s*$/;

function validDate(y: number, m: number, d: number): boolean {
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function fractionMillis(f: string | undefined): number {
  return f ? Number((f + '00').slice(0, 3)) : 0;
}

export function parseDate(text: string): number | undefined {
  const m = DATE_TEXT.exec(text);
  if (!m) {
    // Flink's parseDate also takes a timestamp and keeps its date.
    const ts = parseTimestamp(text);
    return ts === undefined ? undefined : floorDiv(ts, MS_PER_DAY);
  }
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return validDate(y, mo, d) ? daysFromCivil(y, mo, d) : undefined;
}

export function parseTime(text: string): number | undefined {
  const m = TIME_TEXT.exec(text);
  if (!m) return undefined;
  const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return ((h * 60 + mi) * 60 + s) * 1000 + fractionMillis(m[4]);
}

/** 'yyyy-MM-dd[( |T)HH:mm[:ss[.fffffffff]]]' as UTC wall-clock ms. */
export function parseTimestamp(text: string): number | undefined {
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) return undefined;
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  return daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + fractionMillis(m[7]);
}
