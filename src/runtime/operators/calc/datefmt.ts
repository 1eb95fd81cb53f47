import { civilFromDays, daysFromCivil, daysInMonth, floorDiv, MS_PER_DAY } from './datetime.js';
import { invalidArgument } from './errors.js';

/**
 * java.time DateTimeFormatter patterns ('yyyy-MM-dd HH:mm:ss.SSS'), as Flink's DATE_FORMAT,
 * FROM_UNIXTIME, TO_TIMESTAMP and UNIX_TIMESTAMP use them: compiled once per pattern to a
 * formatter of wall-clock ms and a parser back to wall-clock ms.
 */

type Token =
  | { readonly kind: 'literal'; readonly text: string }
  | { readonly kind: 'field'; readonly letter: string; readonly count: number };

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SUPPORTED = 'yuMLdDEaHkKhmsS';

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      // '' inside quotes is a quote; an unterminated quote runs to the end, as in java.time.
      let text = '';
      let j = i + 1;
      while (j < pattern.length) {
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j++];
      }
      tokens.push({ kind: 'literal', text });
      i = j + 1;
    } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      if (!SUPPORTED.includes(c))
        throw invalidArgument(`Unsupported date/time pattern letter '${c}' in '${pattern}'`);
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return tokens;
}

function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}

export type Formatter = (wallMs: number) => string;
export type Parser = (text: string) => number | undefined;

const formatters = new Map<string, Formatter>();
const parsers = new Map<string, Parser>();

export function formatter(pattern: string): Formatter {
  let f = formatters.get(pattern);
  if (!f) {
    f = compileFormatter(pattern);
    if (formatters.size > 1000) formatters.clear();
    formatters.set(pattern, f);
  }
  return f;
}

export function parser(pattern: string): Parser {
  let p = parsers.get(pattern);
  if (!p) {
    p = compileParser(pattern);
    if (parsers.size > 1000) parsers.clear();
    parsers.set(pattern, p);
  }
  return p;
}

/**
 * The longest span over which a pattern's output cannot change: a day for a date, an hour, a
 * minute, a second, or a millisecond for fractions of a second.
 */
function resolution(tokens: readonly Token[]): number {
  const letters = tokens.flatMap((t) => (t.kind === 'field' ? [t.letter] : []));
  if (letters.includes('S')) return 1;
  if (letters.includes('s')) return 1000;
  if (letters.includes('m')) return 60_000;
  if (letters.some((l) => 'aHkKh'.includes(l))) return 3_600_000;
  return MS_PER_DAY;
}

function compileFormatter(pattern: string): Formatter {
  const tokens = tokenize(pattern);
  // Rows in a stream carry close timestamps: the last result is reused while the timestamp stays
  // in the same span (DATE_FORMAT(ts, 'yyyy-MM-dd') over a day of rows formats once).
  const unit = resolution(tokens);
  let lastSpan = Number.NaN;
  let last = '';
  return (ms) => {
    const span = floorDiv(ms, unit);
    if (span === lastSpan) return last;
    lastSpan = span;
    last = format(ms);
    return last;
  };

  function format(ms: number): string {
    const days = floorDiv(ms, MS_PER_DAY);
    const tod = ms - days * MS_PER_DAY;
    const c = civilFromDays(days);
    const hour = Math.floor(tod / 3_600_000);
    let out = '';
    for (const t of tokens) {
      if (t.kind === 'literal') {
        out += t.text;
        continue;
      }
      const n = t.count;
      switch (t.letter) {
        case 'y':
        case 'u':
          out += n === 2 ? pad(((c.year % 100) + 100) % 100, 2) : pad(c.year, n);
          break;
        case 'M':
        case 'L':
          out += n >= 4 ? MONTHS[c.month - 1] : n === 3 ? MONTHS[c.month - 1].slice(0, 3) : pad(c.month, n);
          break;
        case 'd':
          out += pad(c.day, n);
          break;
        case 'D':
          out += pad(days - daysFromCivil(c.year, 1, 1) + 1, n);
          break;
        case 'E': {
          const dow = DAYS[(((days + 3) % 7) + 7) % 7];
          out += n >= 4 ? dow : dow.slice(0, 3);
          break;
        }
        case 'a':
          out += hour < 12 ? 'AM' : 'PM';
          break;
        case 'H':
          out += pad(hour, n);
          break;
        case 'k':
          out += pad(hour === 0 ? 24 : hour, n);
          break;
        case 'K':
          out += pad(hour % 12, n);
          break;
        case 'h':
          out += pad(hour % 12 === 0 ? 12 : hour % 12, n);
          break;
        case 'm':
          out += pad(Math.floor(tod / 60_000) % 60, n);
          break;
        case 's':
          out += pad(Math.floor(tod / 1000) % 60, n);
          break;
        case 'S':
          // A fraction of the second with n digits (java.time), not a millisecond count.
          out += (pad(tod % 1000, 3) + '000000').slice(0, n).padEnd(n, '0');
          break;
      }
    }
    return out;
  }
}

const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

function compileParser(pattern: string): Parser {
  const tokens = tokenize(pattern);
  const setters: ((v: string, f: Fields) => boolean)[] = [];
  let source = '^';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'literal') {
      source += escapeRegex(t.text);
      continue;
    }
    const next = tokens[i + 1];
    // Adjacent numeric fields ('yyyyMMdd') need fixed widths; otherwise java.time is lenient on width.
    const fixed = next?.kind === 'field';
    const num = (min: number) =>
      fixed ? `(\\d{${Math.max(min, t.count)}})` : `(\\d{${Math.min(min, t.count)},9})`;
    switch (t.letter) {
      case 'y':
      case 'u':
        source += t.count === 2 ? '(\\d{2})' : num(t.count === 4 ? 4 : 1);
        setters.push((v, f) => {
          f.year = t.count === 2 ? 2000 + Number(v) : Number(v);
          return true;
        });
        break;
      case 'M':
      case 'L':
        if (t.count >= 3) {
          source += `(${MONTHS.map((m) => (t.count === 3 ? m.slice(0, 3) : m)).join('|')})`;
          setters.push((v, f) => {
            f.month = MONTHS.findIndex((m) => m.startsWith(v)) + 1;
            return true;
          });
        } else {
          source += num(t.count);
          setters.push((v, f) => {
            f.month = Number(v);
            return true;
          });
        }
        break;
      case 'd':
        source += num(t.count);
        setters.push((v, f) => {
          f.day = Number(v);
          return true;
        });
        break;
      case 'D':
        source += num(t.count);
        setters.push((v, f) => {
          f.dayOfYear = Number(v);
          return true;
        });
        break;
      case 'E':
        source += `(${DAYS.map((d) => (t.count >= 4 ? d : d.slice(0, 3))).join('|')})`;
        setters.push(() => true);
        break;
      case 'a':
        source += '(AM|PM)';
        setters.push((v, f) => {
          f.pm = v === 'PM';
          return true;
        });
        break;
      case 'H':
      case 'k':
        source += num(t.count);
        setters.push((v, f) => {
          f.hour = Number(v) % (t.letter === 'k' ? 24 : 100);
          return true;
        });
        break;
      case 'h':
      case 'K':
        source += num(t.count);
        setters.push((v, f) => {
          f.hour12 = Number(v) % 12;
          return true;
        });
        break;
      case 'm':
        source += num(t.count);
        setters.push((v, f) => {
          f.minute = Number(v);
          return true;
        });
        break;
      case 's':
        source += num(t.count);
        setters.push((v, f) => {
          f.second = Number(v);
          return true;
        });
        break;
      case 'S':
        source += `(\\d{${t.count}})`;
        setters.push((v, f) => {
          f.millis = Number((v + '00').slice(0, 3));
          return true;
        });
        break;
    }
  }
  const re = new RegExp(`${source}$`);
  return (text) => {
    const m = re.exec(text);
    if (!m) return undefined;
    const f: Fields = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, millis: 0 };
    for (let i = 0; i < setters.length; i++) setters[i](m[i + 1], f);
    if (f.hour12 !== undefined) f.hour = f.hour12 + (f.pm ? 12 : 0);
    let days: number;
    if (f.dayOfYear !== undefined) days = daysFromCivil(f.year, 1, 1) + f.dayOfYear - 1;
    else {
      if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month)) return undefined;
      days = daysFromCivil(f.year, f.month, f.day);
    }
    if (f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
    return days * MS_PER_DAY + ((f.hour * 60 + f.minute) * 60 + f.second) * 1000 + f.millis;
  };
}

interface Fields {
  year: number;
  month: number;
  day: number;
  dayOfYear?: number;
  hour: number;
  hour12?: number;
  pm?: boolean;
  minute: number;
  second: number;
  millis: number;
}
