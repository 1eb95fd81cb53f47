import type { Call } from '../../../common/expr.js';
import { formatType, type LogicalType, MAX_LENGTH } from '../../../common/types.js';
import {
  type FunctionGen,
  type Gen,
  isApprox,
  isBinaryType,
  isDecimalType,
  isIntegral,
  isString,
  NULL_VALUE,
  precisionOf,
  scaleOf,
  type Value,
} from './codegen.js';
import {
  floorDiv,
  floorMod,
  formatDate,
  formatTime,
  formatTimestamp,
  fromLocal,
  MS_PER_DAY,
  parseDate,
  parseTime,
  parseTimestamp,
  toLocal,
  truncateMillis,
  type Zone,
} from './datetime.js';
import {
  fitPrecision,
  fromNumber,
  parseDecimal,
  pow10,
  rescale,
  toNumber,
  toPlainString,
} from './decimal.js';
import { castFailed, notSupported } from './errors.js';
import {
  doubleToInt,
  doubleToLong,
  formatDouble,
  formatFloat,
  javaTrim,
  parseDouble,
  parseIntegral,
} from './numbers.js';
import { padChars, truncateChars, utf8Decode, utf8Encode } from './strings-runtime.js';

/**
 * CAST and TRY_CAST with Flink's (1.15+, non-legacy) cast rules. Invalid input fails the job for
 * CAST and gives NULL for TRY_CAST; a DECIMAL that does not fitPrecision its precision is NULL either way.
 */

const RANGES: Record<string, [bigint, bigint]> = {
  TINYINT: [-128n, 127n],
  SMALLINT: [-32768n, 32767n],
  INT: [-2147483648n, 2147483647n],
  BIGINT: [-9223372036854775808n, 9223372036854775807n],
};

const BITS: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 };

// --- runtime helpers (called from generated code) -------------------------------------------

function castStringToIntegral(s: string, min: bigint, max: bigint, target: string): number {
  const n = parseIntegral(s, min, max);
  if (n === undefined) throw castFailed(s, target);
  return n;
}

function castStringToDouble(s: string, target: string): number {
  const n = parseDouble(s);
  if (n === undefined) throw castFailed(s, target);
  return n;
}

function castStringToDecimal(s: string, scale: number, precision: number, target: string): bigint | null {
  const v = parseDecimal(javaTrim(s), scale);
  if (v === undefined) throw castFailed(s, target);
  return fitPrecision(v, precision);
}

function castDoubleToDecimal(d: number, scale: number, precision: number, target: string): bigint | null {
  const v = fromNumber(d, scale);
  if (v === undefined) throw castFailed(d, target);
  return fitPrecision(v, precision);
}

function castDecimalToIntegral(u: bigint, scale: number, bits: number): number {
  const truncated = scale === 0 ? u : u / pow10(scale);
  return Number(BigInt.asIntN(bits, truncated));
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

function castStringToBoolean(s: string): boolean {
  const word = javaTrim(s).toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw castFailed(s, 'BOOLEAN');
}

function castStringToDate(s: string): number {
  const d = parseDate(s);
  if (d === undefined) throw castFailed(s, 'DATE');
  return d;
}

function castStringToTime(s: string, precision: number): number {
  const t = parseTime(s);
  if (t === undefined) throw castFailed(s, 'TIME');
  return truncateMillis(t, precision);
}

function castStringToTimestamp(s: string, precision: number): number {
  const t = parseTimestamp(s);
  if (t === undefined) throw castFailed(s, 'TIMESTAMP');
  return truncateMillis(t, precision);
}

function castStringToLtz(s: string, precision: number, z: Zone): number {
  const t = parseTimestamp(s);
  if (t === undefined) throw castFailed(s, 'TIMESTAMP_LTZ');
  return truncateMillis(fromLocal(z, t), precision);
}

function padBytes(b: Uint8Array, n: number): Uint8Array {
  if (b.length === n) return b;
  const out = new Uint8Array(n);
  out.set(b.length > n ? b.subarray(0, n) : b);
  return out;
}

function truncateBytes(b: Uint8Array, n: number): Uint8Array {
  return b.length <= n ? b : b.slice(0, n);
}

/** Flink's interval formats: '+1 02:03:04.005' (day-time) and '+1-02' (year-month). */
export function formatIntervalDayTime(ms: number): string {
  const sign = ms < 0 ? '-' : '+';
  let rest = Math.abs(ms);
  const days = Math.floor(rest / MS_PER_DAY);
  rest -= days * MS_PER_DAY;
  return `${sign}${days} ${formatTime(rest, 3)}`;
}

export function formatIntervalYearMonth(months: number): string {
  const sign = months < 0 ? '-' : '+';
  const abs = Math.abs(months);
  return `${sign}${Math.floor(abs / 12)}-${String(abs % 12).padStart(2, '0')}`;
}

function ltzToString(ms: number, precision: number, z: Zone): string {
  return formatTimestamp(toLocal(z, ms), precision);
}

function ltzToDate(ms: number, z: Zone): number {
  return floorDiv(toLocal(z, ms), MS_PER_DAY);
}

function ltzToTime(ms: number, z: Zone): number {
  return floorMod(toLocal(z, ms), MS_PER_DAY);
}

function dateToLtz(days: number, z: Zone): number {
  return fromLocal(z, days * MS_PER_DAY);
}

// --- code generation ------------------------------------------------------------------------

type Family =
  | 'int'
  | 'approx'
  | 'decimal'
  | 'string'
  | 'binary'
  | 'boolean'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'ltz'
  | 'iym'
  | 'idt'
  | 'null'
  | 'other';

function family(t: LogicalType): Family {
  if (isIntegral(t)) return 'int';
  if (isApprox(t)) return 'approx';
  if (isDecimalType(t)) return 'decimal';
  if (isString(t)) return 'string';
  if (isBinaryType(t)) return 'binary';
  switch (t.root) {
    case 'BOOLEAN':
      return 'boolean';
    case 'DATE':
      return 'date';
    case 'TIME':
      return 'time';
    case 'TIMESTAMP':
      return 'timestamp';
    case 'TIMESTAMP_LTZ':
      return 'ltz';
    case 'INTERVAL_YEAR_MONTH':
      return 'iym';
    case 'INTERVAL_DAY_TIME':
      return 'idt';
    case 'NULL':
      return 'null';
    default:
      return 'other';
  }
}

const typeName = (t: LogicalType) => formatType({ ...t, nullable: true });

/** Narrows an integral JS number to a (smaller) integral type, wrapping like a Java cast. */
export function narrowCode(code: string, to: LogicalType): string {
  switch (to.root) {
    case 'TINYINT':
      return `((${code} << 24) >> 24)`;
    case 'SMALLINT':
      return `((${code} << 16) >> 16)`;
    case 'INT':
      return `(${code} | 0)`;
    default:
      return code;
  }
}

/** Integer digits a value of an exact type can have. */
function integerDigits(t: LogicalType): number {
  switch (t.root) {
    case 'TINYINT':
      return 3;
    case 'SMALLINT':
      return 5;
    case 'INT':
      return 10;
    case 'BIGINT':
      return 19;
    case 'DECIMAL':
      return precisionOf(t) - scaleOf(t);
    default:
      return 38;
  }
}

/**
 * Code converting `v` of type `from` to `to`. Helpers that reject their input throw; `TRY_CAST`
 * wraps the conversion in a try/catch. The result may be NULL (DECIMAL overflow) even when `v` is not.
 */
export function convertValue(g: Gen, v: Value, from: LogicalType, to: LogicalType): Value {
  if (v.code === 'null') return NULL_VALUE;
  const f = family(from);
  const t = family(to);
  if (f === 'null') return NULL_VALUE;
  const target = JSON.stringify(typeName(to));
  const strict = (body: (c: string) => string, nullable = false) => g.strict([v], ([c]) => body(c), nullable);
  const zone = () => g.bind(g.zone, 'zone');
  const toStringValue = (code: (c: string) => string): Value =>
    adjustLength(g, strict(code), Number.MAX_SAFE_INTEGER, to);

  switch (t) {
    case 'int': {
      const bits = BITS[to.root];
      switch (f) {
        case 'int':
          return BITS[from.root] <= bits ? v : strict((c) => narrowCode(c, to));
        case 'approx':
          return strict((c) =>
            to.root === 'BIGINT'
              ? `${g.helper(doubleToLong)}(${c})`
              : narrowCode(`${g.helper(doubleToInt)}(${c})`, to),
          );
        case 'decimal':
          return strict((c) => `${g.helper(castDecimalToIntegral)}(${c}, ${scaleOf(from)}, ${bits})`);
        case 'boolean':
          return strict((c) => `(${c} ? 1 : 0)`);
        case 'string': {
          const [min, max] = RANGES[to.root];
          return strict((c) => `${g.helper(castStringToIntegral)}(${c}, ${min}n, ${max}n, ${target})`);
        }
        case 'timestamp':
          return strict((c) => narrowCode(`Math.floor(${c} / 1000)`, to));
        case 'ltz':
          return strict((c) => narrowCode(`Math.floor(${c} / 1000)`, to));
        default:
          break;
      }
      break;
    }
    case 'approx': {
      const float = to.root === 'FLOAT';
      const round = (code: string) => (float ? `Math.fround(${code})` : code);
      switch (f) {
        case 'int':
          return float ? strict((c) => `Math.fround(${c})`) : v;
        case 'approx':
          return float && from.root !== 'FLOAT' ? strict((c) => `Math.fround(${c})`) : v;
        case 'decimal':
          return strict((c) => round(`${g.helper(toNumber)}(${c}, ${scaleOf(from)})`));
        case 'boolean':
          return strict((c) => `(${c} ? 1 : 0)`);
        case 'string':
          return strict((c) => round(`${g.helper(castStringToDouble)}(${c}, ${target})`));
        default:
          break;
      }
      break;
    }
    case 'decimal': {
      const s = scaleOf(to);
      const p = precisionOf(to);
      switch (f) {
        case 'int': {
          const scaled =
            s === 0 ? (c: string) => `BigInt(${c})` : (c: string) => `BigInt(${c}) * ${pow10(s)}n`;
          if (integerDigits(from) <= p - s) return strict(scaled);
          return strict((c) => `${g.helper(fitPrecision)}(${scaled(c)}, ${p})`, true);
        }
        case 'decimal': {
          const fs = scaleOf(from);
          if (fs === s && integerDigits(from) <= p - s) return v;
          if (s > fs && integerDigits(from) <= p - s) return strict((c) => `(${c} * ${pow10(s - fs)}n)`);
          return strict(
            (c) => `${g.helper(fitPrecision)}(${g.helper(rescale)}(${c}, ${fs}, ${s}), ${p})`,
            true,
          );
        }
        case 'approx':
          return strict((c) => `${g.helper(castDoubleToDecimal)}(${c}, ${s}, ${p}, ${target})`, true);
        case 'boolean':
          return strict((c) => `(${c} ? ${pow10(s)}n : 0n)`);
        case 'string':
          return strict((c) => `${g.helper(castStringToDecimal)}(${c}, ${s}, ${p}, ${target})`, true);
        default:
          break;
      }
      break;
    }
    case 'boolean':
      switch (f) {
        case 'boolean':
          return v;
        case 'int':
        case 'approx':
          return strict((c) => `(${c} !== 0)`);
        case 'decimal':
          return strict((c) => `(${c} !== 0n)`);
        case 'string':
          return strict((c) => `${g.helper(castStringToBoolean)}(${c})`);
        default:
          break;
      }
      break;
    case 'string':
      switch (f) {
        case 'string':
          return adjustLength(g, v, from.length ?? MAX_LENGTH, to, from.root === 'CHAR');
        case 'int':
          return toStringValue((c) => `String(${c})`);
        case 'approx':
          return toStringValue(
            (c) => `${g.helper(from.root === 'FLOAT' ? formatFloat : formatDouble)}(${c})`,
          );
        case 'decimal':
          return toStringValue((c) => `${g.helper(toPlainString)}(${c}, ${scaleOf(from)})`);
        case 'boolean':
          return toStringValue((c) => `(${c} ? 'TRUE' : 'FALSE')`);
        case 'date':
          return toStringValue((c) => `${g.helper(formatDate)}(${c})`);
        case 'time':
          return toStringValue((c) => `${g.helper(formatTime)}(${c}, ${precisionOf0(from)})`);
        case 'timestamp':
          return toStringValue((c) => `${g.helper(formatTimestamp)}(${c}, ${precisionOf0(from)})`);
        case 'ltz':
          return toStringValue((c) => `${g.helper(ltzToString)}(${c}, ${precisionOf0(from)}, ${zone()})`);
        case 'binary':
          return toStringValue((c) => `${g.helper(utf8Decode)}(${c})`);
        case 'idt':
          return toStringValue((c) => `${g.helper(formatIntervalDayTime)}(${c})`);
        case 'iym':
          return toStringValue((c) => `${g.helper(formatIntervalYearMonth)}(${c})`);
        default:
          break;
      }
      break;
    case 'binary':
      switch (f) {
        case 'binary':
          return adjustBinary(g, v, from, to);
        case 'string':
          return adjustBinary(
            g,
            strict((c) => `${g.helper(utf8Encode)}(${c})`),
            { ...to, length: MAX_LENGTH },
            to,
          );
        default:
          break;
      }
      break;
    case 'date':
      switch (f) {
        case 'date':
          return v;
        case 'timestamp':
          return strict((c) => `Math.floor(${c} / ${MS_PER_DAY})`);
        case 'ltz':
          return strict((c) => `${g.helper(ltzToDate)}(${c}, ${zone()})`);
        case 'string':
          return strict((c) => `${g.helper(castStringToDate)}(${c})`);
        default:
          break;
      }
      break;
    case 'time': {
      const p = precisionOf0(to);
      const trunc = (code: string) => (p >= 3 ? code : `${g.helper(truncateMillis)}(${code}, ${p})`);
      switch (f) {
        case 'time':
          return p >= precisionOf0(from) ? v : strict(trunc);
        case 'timestamp':
          return strict((c) => trunc(`${g.helper(floorMod)}(${c}, ${MS_PER_DAY})`));
        case 'ltz':
          return strict((c) => trunc(`${g.helper(ltzToTime)}(${c}, ${zone()})`));
        case 'string':
          return strict((c) => `${g.helper(castStringToTime)}(${c}, ${p})`);
        default:
          break;
      }
      break;
    }
    case 'timestamp':
    case 'ltz': {
      const p = precisionOf0(to);
      const trunc = (code: string) => (p >= 3 ? code : `${g.helper(truncateMillis)}(${code}, ${p})`);
      const ltz = t === 'ltz';
      switch (f) {
        case 'timestamp':
        case 'ltz':
          if (f === t) return p >= precisionOf0(from) ? v : strict(trunc);
          return strict((c) => trunc(`${g.helper(ltz ? fromLocal : toLocal)}(${zone()}, ${c})`));
        case 'date':
          return ltz
            ? strict((c) => `${g.helper(dateToLtz)}(${c}, ${zone()})`)
            : strict((c) => `(${c} * ${MS_PER_DAY})`);
        case 'time':
          return ltz ? strict((c) => `${g.helper(fromLocal)}(${zone()}, ${c})`) : v;
        case 'int':
          // Flink reads numbers as epoch seconds.
          return strict((c) => `(${c} * 1000)`);
        case 'string':
          return ltz
            ? strict((c) => `${g.helper(castStringToLtz)}(${c}, ${p}, ${zone()})`)
            : strict((c) => `${g.helper(castStringToTimestamp)}(${c}, ${p})`);
        default:
          break;
      }
      break;
    }
    case 'iym':
    case 'idt':
      if (f === t) return v;
      break;
    case 'other':
      if (
        f === 'other' &&
        JSON.stringify({ ...from, nullable: true }) === JSON.stringify({ ...to, nullable: true })
      )
        return v;
      break;
    default:
      break;
  }
  throw notSupported(`CAST from ${typeName(from)} to ${typeName(to)}`);
}

function precisionOf0(t: LogicalType): number {
  return t.precision ?? (t.root === 'TIME' ? 0 : 6);
}

/** CHAR(n) pads and truncates, VARCHAR(n) truncates (Flink 1.15+ without legacy cast behaviour). */
function adjustLength(g: Gen, v: Value, fromLength: number, to: LogicalType, fromChar = false): Value {
  const n = to.length ?? MAX_LENGTH;
  if (to.root === 'CHAR') {
    if (fromChar && fromLength === n) return v;
    return g.strict([v], ([c]) => `${g.helper(padChars)}(${c}, ${n})`);
  }
  if (n >= MAX_LENGTH || n >= fromLength) return v;
  return g.strict([v], ([c]) => `${g.helper(truncateChars)}(${c}, ${n})`);
}

function adjustBinary(g: Gen, v: Value, from: LogicalType, to: LogicalType): Value {
  const n = to.length ?? MAX_LENGTH;
  if (to.root === 'BINARY') {
    if (from.root === 'BINARY' && from.length === n) return v;
    return g.strict([v], ([c]) => `${g.helper(padBytes)}(${c}, ${n})`);
  }
  if (n >= MAX_LENGTH || n >= (from.length ?? MAX_LENGTH)) return v;
  return g.strict([v], ([c]) => `${g.helper(truncateBytes)}(${c}, ${n})`);
}

const cast: FunctionGen = (g, call: Call) => {
  const arg = call.args[0];
  return convertValue(g, g.expr(arg), arg.type, call.type);
};

const tryCast: FunctionGen = (g, call: Call) => {
  const arg = call.args[0];
  const v = g.expr(arg);
  if (v.code === 'null') return NULL_VALUE;
  // Flink's TRY_CAST turns any failure into NULL.
  return g.strictBlock(
    [v],
    (_codes, out) => {
      const inner = g.block(() => {
        const r = convertValue(g, v, arg.type, call.type);
        g.emit(`${out} = ${r.code};`);
      });
      g.emit(`try {\n${inner}\n} catch {\n${out} = null;\n}`);
    },
    true,
  );
};

export const castFunctions: Record<string, FunctionGen> = { CAST: cast, TRY_CAST: tryCast };
