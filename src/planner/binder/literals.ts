import { WeirError } from '../../common/errors.js';
import { type Literal, literal } from '../../common/expr.js';
import { MAX_LENGTH, Types } from '../../common/types.js';
import type * as A from '../parser/ast.js';
import { MAX_DECIMAL_PRECISION } from './types.js';

/**
 * Literals to typed values in the runtime representation (see types.ts and expr.ts): the type of a
 * numeric literal follows its spelling as in Calcite (42 → INT, 1.50 → DECIMAL(3, 2), 1e3 → DOUBLE).
 */

const INT_MAX = 2147483647n;
const BIGINT_MAX = 9223372036854775807n;

function invalid(message: string, pos: A.Pos, hint?: string): WeirError {
  return new WeirError('SQL_VALIDATION', message, { position: pos, hint });
}

export function numericLiteral(node: A.NumericLiteral): Literal {
  const text = node.text;
  if (/[eE]/.test(text)) return literal(Number(text), Types.DOUBLE(false));
  const dot = text.indexOf('.');
  if (dot >= 0) {
    const scale = text.length - dot - 1;
    const digits = (text.slice(0, dot) + text.slice(dot + 1)).replace(/^0+(?=\d)/, '');
    const unscaled = BigInt(digits === '' ? '0' : digits);
    const precision = Math.max(unscaled.toString().length, scale, 1);
    if (precision > MAX_DECIMAL_PRECISION)
      throw invalid(
        `Numeric literal '${text}' out of range`,
        node.pos,
        'DECIMAL literals have at most 38 digits',
      );
    return literal(unscaled.toString(), Types.DECIMAL(precision, scale, false));
  }
  const value = BigInt(text);
  if (value <= INT_MAX) return literal(Number(value), Types.INT(false));
  if (value <= BIGINT_MAX) return literal(Number(value), Types.BIGINT(false));
  const digits = value.toString().length;
  if (digits > MAX_DECIMAL_PRECISION) throw invalid(`Numeric literal '${text}' out of range`, node.pos);
  return literal(value.toString(), Types.DECIMAL(digits, 0, false));
}

export function stringLiteral(node: A.StringLiteral): Literal {
  return literal(node.value, Types.CHAR(Math.min(node.value.length, MAX_LENGTH), false));
}

const UNIT_MS: Record<A.TimeUnit, number> = {
  YEAR: 0,
  MONTH: 0,
  DAY: 86_400_000,
  HOUR: 3_600_000,
  MINUTE: 60_000,
  SECOND: 1000,
};

/** Field layouts of interval literals, by qualifier: each value part's unit. */
const RANGES: Record<
  string,
  { readonly re: RegExp; readonly units: readonly A.TimeUnit[]; readonly format: string }
> = {
  'YEAR TO MONTH': { re: /^(\d+)-(\d+)$/, units: ['YEAR', 'MONTH'], format: "'Y-M'" },
  'DAY TO HOUR': { re: /^(\d+) (\d+)$/, units: ['DAY', 'HOUR'], format: "'D H'" },
  'DAY TO MINUTE': { re: /^(\d+) (\d+):(\d+)$/, units: ['DAY', 'HOUR', 'MINUTE'], format: "'D H:M'" },
  'DAY TO SECOND': {
    re: /^(\d+) (\d+):(\d+):(\d+(?:\.\d+)?)$/,
    units: ['DAY', 'HOUR', 'MINUTE', 'SECOND'],
    format: "'D H:M:S'",
  },
  'HOUR TO MINUTE': { re: /^(\d+):(\d+)$/, units: ['HOUR', 'MINUTE'], format: "'H:M'" },
  'HOUR TO SECOND': {
    re: /^(\d+):(\d+):(\d+(?:\.\d+)?)$/,
    units: ['HOUR', 'MINUTE', 'SECOND'],
    format: "'H:M:S'",
  },
  'MINUTE TO SECOND': { re: /^(\d+):(\d+(?:\.\d+)?)$/, units: ['MINUTE', 'SECOND'], format: "'M:S'" },
};

/** An interval as milliseconds (DAY … SECOND) or months (YEAR, MONTH). */
export function intervalLiteral(node: A.IntervalLiteral): Literal {
  const qualifier = node.to ? `${node.from} TO ${node.to}` : node.from;
  const raw = node.value.trim();
  const negative = raw.startsWith('-');
  const body = raw.replace(/^[-+]/, '').trim();
  const yearMonth = node.from === 'YEAR' || node.from === 'MONTH';
  const fail = (format: string): never => {
    throw invalid(
      `Illegal interval literal format '${node.value}' for INTERVAL ${qualifier}`,
      node.pos,
      `write it as ${format}`,
    );
  };
  let parts: { unit: A.TimeUnit; value: number }[];
  if (!node.to) {
    const re = node.from === 'SECOND' ? /^\d+(?:\.\d+)?$/ : /^\d+$/;
    if (!re.test(body))
      fail(node.from === 'SECOND' ? "a number of seconds such as '10' or '1.5'" : 'a whole number');
    parts = [{ unit: node.from, value: Number(body) }];
  } else {
    const range = RANGES[qualifier];
    if (!range) {
      throw invalid(
        `Unsupported interval qualifier ${qualifier}`,
        node.pos,
        `supported ranges: ${Object.keys(RANGES).join(', ')}`,
      );
    }
    const m = range.re.exec(body);
    if (!m) return fail(range.format);
    parts = range.units.map((unit, i) => ({ unit, value: Number(m[i + 1]) }));
  }
  const sign = negative ? -1 : 1;
  if (yearMonth) {
    const months = parts.reduce((acc, p) => acc + (p.unit === 'YEAR' ? p.value * 12 : p.value), 0);
    return literal(sign * months, { root: 'INTERVAL_YEAR_MONTH', nullable: false });
  }
  const ms = parts.reduce((acc, p) => acc + Math.round(p.value * UNIT_MS[p.unit]), 0);
  return literal(sign * ms, { root: 'INTERVAL_DAY_TIME', nullable: false, precision: 3 });
}

function daysFromCivil(y: number, m: number, d: number): number | undefined {
  const date = new Date(Date.UTC(y, m - 1, d));
  date.setUTCFullYear(y);
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  return Math.floor(date.getTime() / 86_400_000);
}

function timeOfDay(
  h: string,
  m: string,
  s: string | undefined,
  fraction: string | undefined,
): number | undefined {
  const [hh, mm, ss] = [Number(h), Number(m), Number(s ?? 0)];
  if (hh > 23 || mm > 59 || ss > 59) return undefined;
  const ms = fraction ? Math.floor(Number(`0.${fraction}`) * 1000 + 1e-9) : 0;
  return ((hh * 60 + mm) * 60 + ss) * 1000 + ms;
}

/** DATE → days since the epoch; TIME → milliseconds of the day; TIMESTAMP → UTC epoch milliseconds. */
export function typedLiteral(node: A.TypedLiteral): Literal {
  const v = node.value.trim();
  const bad = (format: string): never => {
    throw invalid(`Illegal ${node.type} literal '${node.value}'`, node.pos, `write it as '${format}'`);
  };
  switch (node.type) {
    case 'DATE': {
      const m = /^(\d{1,4})-(\d{1,2})-(\d{1,2})$/.exec(v);
      const days = m ? daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
      return days === undefined ? bad('yyyy-MM-dd') : literal(days, Types.DATE(false));
    }
    case 'TIME': {
      const m = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(v);
      const ms = m ? timeOfDay(m[1], m[2], m[3], m[4]) : undefined;
      return ms === undefined ? bad('HH:mm:ss[.SSS]') : literal(ms, Types.TIME(m![4]?.length ?? 0, false));
    }
    case 'TIMESTAMP': {
      const m = /^(\d{1,4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(v);
      const days = m ? daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
      const ms = m && days !== undefined ? timeOfDay(m[4], m[5], m[6], m[7]) : undefined;
      if (ms === undefined) return bad('yyyy-MM-dd HH:mm:ss[.SSS]');
      return literal(days! * 86_400_000 + ms, Types.TIMESTAMP(m![7]?.length ?? 0, false));
    }
    default: {
      const never: never = node.type;
      return never;
    }
  }
}
