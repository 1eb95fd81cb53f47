import { createHash, randomUUID } from 'node:crypto';
import type { Call, Expr } from '../../../common/expr.js';
import { type FunctionGen, type Gen, NULL_VALUE, unsupported, type Value } from './codegen.js';
import { invalidArgument } from './errors.js';
import { jsonValue } from './json.js';
import { cachedLike, cachedRegExp, javaRegExp, likeMatcher, similarToRegExp } from './patterns.js';
import { charLength, hasSurrogates, sliceChars } from './strings-runtime.js';

/** String functions with Flink's semantics (SqlFunctionUtils, BinaryStringDataUtil, Calcite). */

// --- runtime helpers ------------------------------------------------------------------------

/** Flink's substringSQL: 1-based; a negative start counts from the end; a negative length is NULL. */
export function substring(s: string, pos: number, length: number): string | null {
  if (length < 0) return null;
  if (s === '') return '';
  const n = hasSurrogates(s) ? charLength(s) : s.length;
  let start: number;
  if (pos > 0) {
    start = pos - 1;
    if (start >= n) return '';
  } else if (pos < 0) {
    start = n + pos;
    if (start < 0) return '';
  } else start = 0;
  const end = n - start < length ? n : start + length;
  return sliceChars(s, start, end);
}

/** TRIM removes any of the characters in `chars` from the chosen ends. */
export function trim(s: string, chars: string, leading: boolean, trailing: boolean): string {
  let start = 0;
  let end = s.length;
  if (leading) while (start < end && chars.includes(s[start])) start++;
  if (trailing) while (end > start && chars.includes(s[end - 1])) end--;
  return s.slice(start, end);
}

export function position(needle: string, haystack: string): number {
  const i = haystack.indexOf(needle);
  if (i < 0) return 0;
  return (hasSurrogates(haystack) ? charLength(haystack.slice(0, i)) : i) + 1;
}

/** SqlFunctionUtils.lpad: NULL for a negative length or empty pad; the result has exactly `len` units. */
/** Flink's REPEAT: the string n times; empty for n <= 0. */
export function repeat(s: string, n: number): string {
  return n <= 0 ? '' : s.repeat(n);
}

/** Flink's ASCII: the code of the first character (0 for an empty string). */
export function ascii(s: string): number {
  return s.length === 0 ? 0 : (s.codePointAt(0) ?? 0);
}

/** Flink's CHR: the character with the code n modulo 256; empty for a negative n. */
export function chr(n: number): string {
  return n < 0 ? '' : String.fromCharCode(n & 0xff);
}

/** Calcite's POSITION(needle IN s FROM start), which Flink's LOCATE is: 1-based, 0 when absent. */
export function locate(needle: string, s: string, start: number): number {
  const from = start - 1;
  if (from < 0 || from > s.length) return 0;
  return s.indexOf(needle, from) + 1;
}

/** FROM_BASE64: NULL when the text is not Base64. */
export function fromBase64(s: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 === 1) return null;
  return Buffer.from(s, 'base64').toString('utf8');
}

/** Flink's LEFT(s, n): the first n characters; an empty string for a negative n. */
export function left(s: string, n: number): string {
  if (n <= 0) return '';
  const chars = Array.from(s);
  return chars.length <= n ? s : chars.slice(0, n).join('');
}

/** Flink's RIGHT(s, n): the last n characters; an empty string for a negative n. */
export function right(s: string, n: number): string {
  if (n <= 0) return '';
  const chars = Array.from(s);
  return chars.length <= n ? s : chars.slice(chars.length - n).join('');
}

export function lpad(base: string, len: number, pad: string): string | null {
  if (len < 0 || pad === '') return null;
  if (len === 0) return '';
  const fill = Math.max(len - base.length, 0);
  let out = '';
  while (out.length < fill) out += pad;
  return out.slice(0, fill) + base.slice(0, len - fill);
}

export function rpad(base: string, len: number, pad: string): string | null {
  if (len < 0 || pad === '') return null;
  if (len === 0) return '';
  let out = base.slice(0, len);
  while (out.length < len) out += pad;
  return out.slice(0, len);
}

/** Calcite's initcap: ASCII letters only; a word starts after any character that is not [A-Za-z0-9]. */
export function initcap(s: string): string {
  let out = '';
  let start = true;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    const digit = c > 47 && c < 58;
    const upper = c > 64 && c < 91;
    const lower = c > 96 && c < 123;
    if (start) {
      if (digit || upper) start = false;
      else if (lower) {
        start = false;
        c -= 32;
      }
    } else if (upper) c += 32;
    else if (!digit && !lower) start = true;
    out += String.fromCharCode(c);
  }
  return out;
}

/** Java's String.replace: literal (no '$' patterns); an empty target inserts between every unit. */
export function replace(s: string, target: string, replacement: string): string {
  return s.replaceAll(target, () => replacement);
}

export function md5(s: string): string {
  return createHash('md5').update(s, 'utf8').digest('hex');
}

/** Commons' splitByWholeSeparatorPreserveAllTokens: an empty separator splits on whitespace. */
export function splitIndex(s: string, sep: string, index: number): string | null {
  if (index < 0 || s === '') return null;
  const parts = sep === '' ? s.split(/\s/) : s.split(sep);
  return index < parts.length ? parts[index] : null;
}

/** REGEXP: Matcher.find(); an empty or invalid regex is FALSE. */
export function regexpTest(s: string, regex: string): boolean {
  if (regex === '') return false;
  const re = cachedRegExp(regex);
  return re ? re.test(s) : false;
}

/** REGEXP_EXTRACT: the group of the first match; NULL on no match, a bad group or a bad regex. */
export function regexpExtract(s: string, regex: string, group: number): string | null {
  const re = cachedRegExp(regex);
  if (!re) return null;
  const m = re.exec(s);
  if (!m || group < 0 || group >= m.length) return null;
  return m[group] ?? null;
}

/** REGEXP_REPLACE: every match replaced by the literal replacement; NULL for a bad regex. */
export function regexpReplace(s: string, regex: string, replacement: string): string | null {
  const re = cachedRegExp(regex, true);
  if (!re) return null;
  re.lastIndex = 0;
  return s.replace(re, () => replacement);
}

function likeDynamic(s: string, pattern: string, esc: string | null): boolean {
  return cachedLike(pattern, esc)(s);
}

const similarCache = new Map<string, RegExp>();

function similarDynamic(s: string, pattern: string, esc: string | null): boolean {
  const key = `${esc ?? ''}\u0000${pattern}`;
  let re = similarCache.get(key);
  if (!re) {
    re = similarToRegExp(pattern, esc);
    if (similarCache.size > 1000) similarCache.clear();
    similarCache.set(key, re);
  }
  return re.test(s);
}

// --- code generation ------------------------------------------------------------------------

const isStringLiteral = (e: Expr | undefined): e is Expr & { kind: 'literal'; value: string } =>
  e !== undefined && e.kind === 'literal' && typeof e.value === 'string';

function strict(fn: (g: Gen, codes: string[], call: Call) => string, nullableResult = false): FunctionGen {
  return (g, call) => g.strict(g.args(call), (codes) => fn(g, codes, call), nullableResult);
}

const concat: FunctionGen = strict((_g, codes) => (codes.length === 0 ? "''" : `(${codes.join(' + ')})`));

const concatWs: FunctionGen = (g, call) => {
  const [sep, ...rest] = g.args(call);
  if (sep.code === 'null') return NULL_VALUE;
  const parts = rest.filter((v) => v.code !== 'null');
  return g.strictBlock([sep], ([s], out) => {
    const list = g.fresh('p');
    g.emit(`const ${list} = [];`);
    for (const p of parts)
      g.emit(p.nullable ? `if (${p.code} != null) ${list}.push(${p.code});` : `${list}.push(${p.code});`);
    g.emit(`${out} = ${list}.join(${s});`);
  });
};

/** LIKE / SIMILAR TO: a literal pattern is compiled once; others go through a cache. */
function patternMatch(kind: 'LIKE' | 'SIMILAR TO'): FunctionGen {
  return (g, call) => {
    const [value, pattern, escapeArg] = call.args;
    const v = g.expr(value);
    const escapeLiteral = escapeArg === undefined ? true : isStringLiteral(escapeArg);
    if (isStringLiteral(pattern) && escapeLiteral) {
      const esc =
        escapeArg === undefined ? (kind === 'LIKE' ? '\\' : null) : (escapeArg as { value: string }).value;
      if (kind === 'LIKE') {
        const matcher = g.bind(likeMatcher(pattern.value, esc), 'like');
        return g.strict([v], ([x]) => `${matcher}(${x})`);
      }
      const re = g.bind(similarToRegExp(pattern.value, esc), 'similar');
      return g.strict([v], ([x]) => `${re}.test(${x})`);
    }
    const p = g.expr(pattern);
    const e: Value =
      escapeArg === undefined
        ? { code: kind === 'LIKE' ? g.bind('\\', 's') : 'null', nullable: false }
        : g.expr(escapeArg);
    const helper = g.helper(kind === 'LIKE' ? likeDynamic : similarDynamic);
    return g.strict([v, p, e], ([x, y, z]) => `${helper}(${x}, ${y}, ${z})`);
  };
}

const substringFn: FunctionGen = (g, call) => {
  const args = g.args(call);
  if (args.length === 2) args.push({ code: '2147483647', nullable: false });
  return g.strict(args, ([s, p, l]) => `${g.helper(substring)}(${s}, ${p}, ${l})`, true);
};

const trimFn: FunctionGen = (g, call) => {
  const [mode, chars, str] = call.args;
  if (mode.kind !== 'literal' || typeof mode.value !== 'string')
    return unsupported(call, 'with a mode that is not a literal');
  const m = mode.value.toUpperCase();
  if (m !== 'BOTH' && m !== 'LEADING' && m !== 'TRAILING')
    throw invalidArgument(`Invalid TRIM mode '${mode.value}'`);
  const c = g.expr(chars);
  const s = g.expr(str);
  const leading = m !== 'TRAILING';
  const trailing = m !== 'LEADING';
  if (isStringLiteral(chars) && chars.value === ' ') {
    // The common TRIM(s): a regex-free fast path.
    return g.strict([s], ([x]) => `${g.helper(trim)}(${x}, ' ', ${leading}, ${trailing})`);
  }
  return g.strict([s, c], ([x, y]) => `${g.helper(trim)}(${x}, ${y}, ${leading}, ${trailing})`);
};

const regexpFn: FunctionGen = (g, call) => {
  const [s, r] = call.args;
  if (isStringLiteral(r)) {
    if (r.value === '') return g.strict([g.expr(s)], () => 'false');
    const re = javaRegExp(r.value);
    if (!re) return g.strict([g.expr(s)], () => 'false');
    const bound = g.bind(re, 're');
    return g.strict([g.expr(s)], ([x]) => `${bound}.test(${x})`);
  }
  return g.strict(g.args(call), ([x, y]) => `${g.helper(regexpTest)}(${x}, ${y})`);
};

const regexpExtractFn: FunctionGen = (g, call) => {
  const args = g.args(call);
  if (args.length === 2) args.push({ code: '0', nullable: false });
  return g.strict(args, ([s, r, i]) => `${g.helper(regexpExtract)}(${s}, ${r}, ${i})`, true);
};

export const stringFunctions: Record<string, FunctionGen> = {
  '||': concat,
  CONCAT: concat,
  CONCAT_WS: concatWs,
  UPPER: strict((_g, [s]) => `${s}.toUpperCase()`),
  LOWER: strict((_g, [s]) => `${s}.toLowerCase()`),
  CHAR_LENGTH: strict((g, [s]) => `${g.helper(charLength)}(${s})`),
  SUBSTRING: substringFn,
  TRIM: trimFn,
  REPLACE: strict((g, [s, a, b]) => `${g.helper(replace)}(${s}, ${a}, ${b})`),
  POSITION: strict((g, [needle, hay]) => `${g.helper(position)}(${needle}, ${hay})`),
  LEFT: strict((g, [s, n]) => `${g.helper(left)}(${s}, ${n})`),
  RIGHT: strict((g, [s, n]) => `${g.helper(right)}(${s}, ${n})`),
  LPAD: strict((g, [s, n, p]) => `${g.helper(lpad)}(${s}, ${n}, ${p})`, true),
  RPAD: strict((g, [s, n, p]) => `${g.helper(rpad)}(${s}, ${n}, ${p})`, true),
  LIKE: patternMatch('LIKE'),
  'SIMILAR TO': patternMatch('SIMILAR TO'),
  REGEXP: regexpFn,
  REGEXP_EXTRACT: regexpExtractFn,
  REGEXP_REPLACE: strict((g, [s, r, x]) => `${g.helper(regexpReplace)}(${s}, ${r}, ${x})`, true),
  SPLIT_INDEX: strict((g, [s, sep, i]) => `${g.helper(splitIndex)}(${s}, ${sep}, ${i})`, true),
  INITCAP: strict((g, [s]) => `${g.helper(initcap)}(${s})`),
  MD5: strict((g, [s]) => `${g.helper(md5)}(${s})`),
  REVERSE: strict((_g, [s]) => `Array.from(${s}).reverse().join('')`),
  REPEAT: strict((g, [s, n]) => `${g.helper(repeat)}(${s}, ${n})`),
  ASCII: strict((g, [s]) => `${g.helper(ascii)}(${s})`),
  CHR: strict((g, [n]) => `${g.helper(chr)}(${n})`),
  LOCATE: (g, call) => {
    const args = g.args(call);
    if (args.length === 2) args.push({ code: '1', nullable: false });
    return g.strict(args, ([n, s, i]) => `${g.helper(locate)}(${n}, ${s}, ${i})`);
  },
  TO_BASE64: strict((_g, [s]) => `Buffer.from(${s}, 'utf8').toString('base64')`),
  FROM_BASE64: strict((g, [s]) => `${g.helper(fromBase64)}(${s})`, true),
  UUID: (g) => g.local(`${g.helper(randomUUID)}()`, false),
  JSON_VALUE: (g, call) => {
    if (call.args.length !== 2) unsupported(call, 'with RETURNING, ON EMPTY or ON ERROR clauses');
    return g.strict(g.args(call), ([j, p]) => `${g.helper(jsonValue)}(${j}, ${p})`, true);
  },
};
