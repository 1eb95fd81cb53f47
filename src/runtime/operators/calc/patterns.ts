import { invalidArgument } from './errors.js';

/**
 * LIKE, SIMILAR TO and Java regular expressions as JavaScript RegExps. Patterns that are literals
 * are compiled once per job; others go through a small cache.
 */

const REGEX_SPECIALS = '[]()|^-+*?{}$\\./';

function quote(c: string): string {
  return REGEX_SPECIALS.includes(c) ? `\\${c}` : c;
}

/**
 * Calcite's Like.sqlToRegexLike, as Flink runs it: '%' matches any sequence including line breaks,
 * '_' any one character except a line break (Java's '.'), and the escape character (backslash
 * unless ESCAPE says otherwise) may only precede '_', '%' or itself.
 */
export function likeToRegExp(pattern: string, esc: string | null = '\\'): RegExp {
  if (esc !== null && esc.length !== 1) throw invalidArgument(`Invalid escape character '${esc}'`);
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === esc) {
      const next = pattern[i + 1];
      if (next === '_' || next === '%' || next === esc) {
        source += quote(next);
        i++;
        continue;
      }
      throw invalidArgument(`Invalid escape sequence '${pattern}', ${i}`);
    }
    source += c === '_' ? '.' : c === '%' ? '[^]*' : quote(c);
  }
  return new RegExp(`^${source}$`);
}

/** Fast matchers for the common shapes ('abc%', '%abc', '%abc%', 'abc'); a RegExp otherwise. */
export function likeMatcher(pattern: string, esc: string | null = '\\'): (s: string) => boolean {
  const plain = (t: string) => !t.includes('_') && !t.includes('%') && (esc === null || !t.includes(esc));
  if (plain(pattern)) return (s) => s === pattern;
  if (pattern.length > 1) {
    const inner = pattern.slice(1, -1);
    if (pattern.startsWith('%') && pattern.endsWith('%') && plain(inner)) return (s) => s.includes(inner);
    const head = pattern.slice(0, -1);
    if (pattern.endsWith('%') && plain(head)) return (s) => s.startsWith(head);
    const tail = pattern.slice(1);
    if (pattern.startsWith('%') && plain(tail)) return (s) => s.endsWith(tail);
  }
  const re = likeToRegExp(pattern, esc);
  return (s) => re.test(s);
}

/**
 * Calcite's Like.sqlToRegexSimilar: SQL regular expressions, where '%' and '_' are wildcards and
 * '|', '*', '+', '?', '{m,n}', '(…)' and '[…]' keep their regex meaning; the whole string must match.
 */
export function similarToRegExp(pattern: string, esc: string | null = null): RegExp {
  if (esc !== null && esc.length !== 1) throw invalidArgument(`Invalid escape character '${esc}'`);
  let source = '';
  let inBrackets = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (esc !== null && c === esc) {
      const next = pattern[i + 1];
      if (next === undefined) throw invalidArgument(`Invalid escape sequence '${pattern}', ${i}`);
      source += quote(next);
      i++;
      continue;
    }
    if (inBrackets) {
      if (c === ']') inBrackets = false;
      source += c === '\\' ? '\\\\' : c;
      continue;
    }
    switch (c) {
      case '%':
        source += '[^]*';
        break;
      case '_':
        source += '.';
        break;
      case '[':
        inBrackets = true;
        source += c;
        break;
      case '|':
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case '(':
      case ')':
        source += c;
        break;
      default:
        source += quote(c);
    }
  }
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    throw invalidArgument(`Invalid SIMILAR TO pattern '${pattern}'`);
  }
}

/**
 * A Java regex as a JavaScript RegExp: leading inline flags ((?i), (?s), (?m)) become RegExp flags,
 * and Java's \A, \z and \Z anchors map to ^/$. Undefined when JavaScript rejects the pattern.
 */
export function javaRegExp(regex: string, global = false): RegExp | undefined {
  let source = regex;
  let flags = global ? 'g' : '';
  const inline = /^\(\?([ims]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]) if (!flags.includes(f)) flags += f;
  }
  source = source.replace(/\\A/g, '^').replace(/\\[zZ]/g, '$');
  try {
    return new RegExp(source, flags);
  } catch {
    return undefined;
  }
}

const cache = new Map<string, RegExp | undefined>();

/** javaRegExp with a bounded cache, for patterns that are not literals. */
export function cachedRegExp(regex: string, global = false): RegExp | undefined {
  const key = global ? `g:${regex}` : regex;
  if (cache.has(key)) return cache.get(key);
  const re = javaRegExp(regex, global);
  if (cache.size > 1000) cache.clear();
  cache.set(key, re);
  return re;
}

const likeCache = new Map<string, (s: string) => boolean>();

export function cachedLike(pattern: string, esc: string | null): (s: string) => boolean {
  const key = `${esc ?? ''}\u0000${pattern}`;
  let m = likeCache.get(key);
  if (!m) {
    m = likeMatcher(pattern, esc);
    if (likeCache.size > 1000) likeCache.clear();
    likeCache.set(key, m);
  }
  return m;
}
