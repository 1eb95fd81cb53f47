import type { Call, Expr } from '../../../common/expr.js';
import type { LogicalType } from '../../../common/types.js';
import { convertValue } from './cast.js';
import { type FunctionGen, type Gen, unsupported, type Value } from './codegen.js';
import { formatter, parser } from './datefmt.js';
import {
  addMonthsToDays,
  addMonthsToMillis,
  civilFromDays,
  daysFromCivil,
  floorDiv,
  floorMod,
  fromLocal,
  MS_PER_DAY,
  monthsBetween,
  parseTimestamp,
  toLocal,
  type Zone,
} from './datetime.js';
import { invalidArgument } from './errors.js';

/**
 * Date and time functions. TIMESTAMP values are wall-clock time; TIMESTAMP_LTZ values are instants
 * shown in the session time zone, so functions that look at fields convert them first.
 */

const LONG_MIN = -(2 ** 63);
const DEFAULT_FORMAT = 'yyyy-MM-dd HH:mm:ss';

// --- runtime helpers ------------------------------------------------------------------------

/** ISO-8601 week of the week-based year (Monday first, week 1 holds the first Thursday). */
function isoWeek(days: number): number {
  const dow = floorMod(days + 3, 7); // 0 = Monday
  const thursday = days - dow + 3;
  const year = civilFromDays(thursday).year;
  return Math.floor((thursday - daysFromCivil(year, 1, 1)) / 7) + 1;
}

/** EXTRACT on wall-clock ms (Calcite's DateTimeUtils.unixTimestampExtract / julian extract). */
export function extractField(unit: string, ms: number): number {
  const days = floorDiv(ms, MS_PER_DAY);
  const tod = ms - days * MS_PER_DAY;
  switch (unit) {
    case 'HOUR':
      return Math.floor(tod / 3_600_000);
    case 'MINUTE':
      return Math.floor(tod / 60_000) % 60;
    case 'SECOND':
      return Math.floor(tod / 1000) % 60;
    case 'MILLISECOND':
      return floorMod(ms, 60_000);
    case 'MICROSECOND':
      return floorMod(ms, 60_000) * 1000;
    case 'NANOSECOND':
      return floorMod(ms, 60_000) * 1_000_000;
    case 'EPOCH':
      return floorDiv(ms, 1000);
    case 'DOW':
      return floorMod(days + 4, 7) + 1;
    case 'ISODOW':
      return floorMod(days + 3, 7) + 1;
    case 'WEEK':
      return isoWeek(days);
    case 'ISOYEAR':
      return civilFromDays(days - floorMod(days + 3, 7) + 3).year;
    default:
      break;
  }
  const c = civilFromDays(days);
  switch (unit) {
    case 'YEAR':
      return c.year;
    case 'QUARTER':
      return Math.floor((c.month - 1) / 3) + 1;
    case 'MONTH':
      return c.month;
    case 'DAY':
      return c.day;
    case 'DOY':
      return days - daysFromCivil(c.year, 1, 1) + 1;
    case 'DECADE':
      return Math.floor(c.year / 10);
    case 'CENTURY':
      return c.year > 0 ? Math.floor((c.year + 99) / 100) : -Math.floor((-c.year + 99) / 100);
    case 'MILLENNIUM':
      return c.year > 0 ? Math.floor((c.year + 999) / 1000) : -Math.floor((-c.year + 999) / 1000);
    default:
      throw invalidArgument(`Unknown time unit '${unit}'`);
  }
}

function formatLocal(wallMs: number, pattern: string): string {
  return formatter(pattern)(wallMs);
}

function formatLtz(ms: number, pattern: string, z: Zone): string {
  return formatter(pattern)(toLocal(z, ms));
}

function formatStringTimestamp(text: string, pattern: string): string | null {
  const ts = parseTimestamp(text);
  return ts === undefined ? null : formatter(pattern)(ts);
}

function toTimestamp(text: string, pattern: string | null): number | null {
  const ts = pattern === null ? parseTimestamp(text) : parser(pattern)(text);
  return ts ?? null;
}

function fromUnixtime(seconds: number, pattern: string, z: Zone): string {
  return formatter(pattern)(toLocal(z, seconds * 1000));
}

/** Flink returns Long.MIN_VALUE, not NULL, for text that does not parse. */
function unixTimestamp(text: string, pattern: string, z: Zone): number {
  const wall = parser(pattern)(text);
  return wall === undefined ? LONG_MIN : floorDiv(fromLocal(z, wall), 1000);
}

const UNIT_MS: Record<string, number> = {
  WEEK: 7 * MS_PER_DAY,
  DAY: MS_PER_DAY,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
  MILLISECOND: 1,
  FRAC_SECOND: 1,
};
const UNIT_MONTHS: Record<string, number> = { YEAR: 12, QUARTER: 3, MONTH: 1 };

function timestampAddMs(unit: string, n: number, ms: number): number {
  const months = UNIT_MONTHS[unit];
  if (months !== undefined) return addMonthsToMillis(ms, n * months);
  if (unit === 'MICROSECOND') return ms + Math.trunc(n / 1000);
  return ms + n * UNIT_MS[unit];
}

function timestampAddDays(unit: string, n: number, days: number): number {
  const months = UNIT_MONTHS[unit];
  if (months !== undefined) return addMonthsToDays(days, n * months);
  return days + Math.trunc((n * (UNIT_MS[unit] ?? 0)) / MS_PER_DAY);
}

function timestampDiff(unit: string, a: number, b: number): number {
  const months = UNIT_MONTHS[unit];
  if (months !== undefined) return Math.trunc(monthsBetween(a, b) / months);
  if (unit === 'MICROSECOND') return (b - a) * 1000;
  return Math.trunc((b - a) / UNIT_MS[unit]) + 0;
}

// --- code generation ------------------------------------------------------------------------

function unitOf(call: Call, e: Expr): string {
  if (e.kind !== 'literal' || typeof e.value !== 'string')
    return unsupported(call, 'with a time unit that is not a literal');
  const unit = e.value.toUpperCase();
  return unit === 'DAYOFWEEK' ? 'DOW' : unit === 'DAYOFYEAR' ? 'DOY' : unit === 'SQL_TSI_DAY' ? 'DAY' : unit;
}

/** A temporal value as wall-clock ms (DATE and TIME widen; TIMESTAMP_LTZ moves to the session zone). */
function wallMs(g: Gen, t: LogicalType, v: Value): Value {
  switch (t.root) {
    case 'TIMESTAMP':
    case 'TIME':
      return v;
    case 'DATE':
      return g.strict([v], ([x]) => `(${x} * ${MS_PER_DAY})`);
    case 'TIMESTAMP_LTZ':
      return g.strict([v], ([x]) => `${g.helper(toLocal)}(${g.bind(g.zone, 'zone')}, ${x})`);
    default:
      throw invalidArgument(`Expected a date or time value, not ${t.root}`);
  }
}

function field(g: Gen, call: Call, unit: string, e: Expr): Value {
  if (e.type.root === 'INTERVAL_DAY_TIME' || e.type.root === 'INTERVAL_YEAR_MONTH')
    return unsupported(call, 'on an INTERVAL');
  extractField(unit, 0); // rejects unknown units at compile time
  const v = wallMs(g, e.type, g.expr(e));
  return g.strict([v], ([x]) => `${g.helper(extractField)}(${JSON.stringify(unit)}, ${x})`);
}

const extract: FunctionGen = (g, call) => field(g, call, unitOf(call, call.args[0]), call.args[1]);

function fieldFn(unit: string): FunctionGen {
  return (g, call) => field(g, call, unit, call.args[0]);
}

function patternArg(g: Gen, call: Call, index: number): Value {
  const e = call.args[index];
  if (e === undefined) return { code: g.bind(DEFAULT_FORMAT, 's'), nullable: false };
  if (e.kind === 'literal' && typeof e.value === 'string') {
    // Validate the pattern once, at compile time.
    formatter(e.value);
    parser(e.value);
  }
  return g.expr(e);
}

const dateFormat: FunctionGen = (g, call) => {
  const [e] = call.args;
  const v = g.expr(e);
  const p = patternArg(g, call, 1);
  switch (e.type.root) {
    case 'CHAR':
    case 'VARCHAR':
      return g.strict([v, p], ([x, y]) => `${g.helper(formatStringTimestamp)}(${x}, ${y})`, true);
    case 'TIMESTAMP_LTZ':
      return g.strict([v, p], ([x, y]) => `${g.helper(formatLtz)}(${x}, ${y}, ${g.bind(g.zone, 'zone')})`);
    default: {
      const w = wallMs(g, e.type, v);
      return g.strict([w, p], ([x, y]) => `${g.helper(formatLocal)}(${x}, ${y})`);
    }
  }
};

const toTimestampFn: FunctionGen = (g, call) => {
  const v = g.expr(call.args[0]);
  if (call.args.length === 1) return g.strict([v], ([x]) => `${g.helper(toTimestamp)}(${x}, null)`, true);
  const p = patternArg(g, call, 1);
  return g.strict([v, p], ([x, y]) => `${g.helper(toTimestamp)}(${x}, ${y})`, true);
};

/** Flink's TO_DATE: a date from text in 'yyyy-MM-dd' (or the given pattern); NULL when it does not parse. */
function toDate(text: string, pattern: string): number | null {
  const wall = parser(pattern)(text);
  return wall === undefined ? null : floorDiv(wall, MS_PER_DAY);
}

const toDateFn: FunctionGen = (g, call) => {
  const v = g.expr(call.args[0]);
  const p =
    call.args.length === 1 ? { code: g.bind('yyyy-MM-dd', 's'), nullable: false } : patternArg(g, call, 1);
  return g.strict([v, p], ([x, y]) => `${g.helper(toDate)}(${x}, ${y})`, true);
};

const fromUnixtimeFn: FunctionGen = (g, call) => {
  const [e] = call.args;
  const v = convertValue(g, g.expr(e), e.type, { root: 'BIGINT', nullable: true });
  const p = patternArg(g, call, 1);
  return g.strict([v, p], ([x, y]) => `${g.helper(fromUnixtime)}(${x}, ${y}, ${g.bind(g.zone, 'zone')})`);
};

const unixTimestampFn: FunctionGen = (g, call) => {
  if (call.args.length === 0) return g.local(`Math.floor(${g.now()} / 1000)`, false);
  const v = g.expr(call.args[0]);
  const p = patternArg(g, call, 1);
  return g.strict([v, p], ([x, y]) => `${g.helper(unixTimestamp)}(${x}, ${y}, ${g.bind(g.zone, 'zone')})`);
};

const now: FunctionGen = (g) => ({ code: g.now(), nullable: false });

const timestampAdd: FunctionGen = (g, call) => {
  const unit = unitOf(call, call.args[0]);
  if (UNIT_MONTHS[unit] === undefined && UNIT_MS[unit] === undefined && unit !== 'MICROSECOND')
    throw invalidArgument(`Unknown time unit '${unit}' in TIMESTAMPADD`);
  const [, en, et] = call.args;
  const n = g.expr(en);
  const t = g.expr(et);
  const u = JSON.stringify(unit);
  if (call.type.root === 'DATE')
    return g.strict([n, t], ([x, y]) => `${g.helper(timestampAddDays)}(${u}, ${x}, ${y})`);
  const base = et.type.root === 'DATE' ? wallMs(g, et.type, t) : t;
  return g.strict([n, base], ([x, y]) => `${g.helper(timestampAddMs)}(${u}, ${x}, ${y})`);
};

const timestampDiffFn: FunctionGen = (g, call) => {
  const unit = unitOf(call, call.args[0]);
  if (UNIT_MONTHS[unit] === undefined && UNIT_MS[unit] === undefined && unit !== 'MICROSECOND')
    throw invalidArgument(`Unknown time unit '${unit}' in TIMESTAMPDIFF`);
  const [, ea, eb] = call.args;
  const asMs = (e: Expr) => {
    const v = g.expr(e);
    return e.type.root === 'DATE' ? wallMs(g, e.type, v) : v;
  };
  const a = asMs(ea);
  const b = asMs(eb);
  return g.strict([a, b], ([x, y]) => `${g.helper(timestampDiff)}(${JSON.stringify(unit)}, ${x}, ${y})`);
};

export const temporalFunctions: Record<string, FunctionGen> = {
  EXTRACT: extract,
  HOUR: fieldFn('HOUR'),
  MINUTE: fieldFn('MINUTE'),
  SECOND: fieldFn('SECOND'),
  DAYOFMONTH: fieldFn('DAY'),
  YEAR: fieldFn('YEAR'),
  QUARTER: fieldFn('QUARTER'),
  MONTH: fieldFn('MONTH'),
  WEEK: fieldFn('WEEK'),
  DAYOFYEAR: fieldFn('DOY'),
  DAYOFWEEK: fieldFn('DOW'),
  TO_DATE: toDateFn,
  DATE_FORMAT: dateFormat,
  TO_TIMESTAMP: toTimestampFn,
  FROM_UNIXTIME: fromUnixtimeFn,
  UNIX_TIMESTAMP: unixTimestampFn,
  CURRENT_TIMESTAMP: now,
  NOW: now,
  PROCTIME: now,
  LOCALTIMESTAMP: (g) => g.local(`${g.helper(toLocal)}(${g.bind(g.zone, 'zone')}, ${g.now()})`, false),
  CURRENT_DATE: (g) =>
    g.local(`Math.floor(${g.helper(toLocal)}(${g.bind(g.zone, 'zone')}, ${g.now()}) / ${MS_PER_DAY})`, false),
  TIMESTAMPADD: timestampAdd,
  TIMESTAMPDIFF: timestampDiffFn,
};
