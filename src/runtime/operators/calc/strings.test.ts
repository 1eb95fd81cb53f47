import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../common/expr.js';
import { compileProjection } from './index.js';
import { BOOL, ev, fn, INT, int, lit, nul, ref, STRING, str, T } from './test-support.js';

const s = (i = 0) => ref(i, STRING);
const run = (name: string, args: Expr[], row: unknown[] = [], type = STRING) => ev(fn(name, args, type), row);

describe('generated code never embeds user text', () => {
  const nasty = [
    "it's",
    'a "quoted" \\ backslash',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${…} in user text is the point
    '${process.exit(1)}',
    '`template`',
    'line\nbreak\r\n\u2028\u2029',
    '*/ throw 1; /*',
    "'); throw new Error('x'); ('",
    '</script>',
  ];
  it('string literals come back unchanged', () => {
    const p = compileProjection(nasty.map((v) => str(v)));
    expect(p([])).toEqual(nasty);
  });

  it('LIKE, IN, CONCAT and REPLACE with hostile literals', () => {
    for (const v of nasty) {
      expect(ev(fn('LIKE', [s(), str(v.replace(/[%_\\]/g, '\\$&'))], BOOL), [v])).toBe(true);
      expect(ev(fn('IN', [s(), str(v), str('other')], BOOL), [v])).toBe(true);
      expect(run('||', [str(v), s()], [v])).toBe(v + v);
      expect(run('REPLACE', [s(), str(v), str('$&')], [v])).toBe('$&');
    }
  });
});

describe('concatenation', () => {
  it('|| and CONCAT are NULL when any argument is NULL', () => {
    expect(run('||', [str('a'), str('b')])).toBe('ab');
    expect(run('||', [str('a'), nul(STRING)])).toBeNull();
    expect(run('CONCAT', [str('a'), s(), str('c')], ['b'])).toBe('abc');
    expect(run('CONCAT', [str('a'), s()], [null])).toBeNull();
  });

  it('CONCAT_WS skips NULL arguments; a NULL separator is NULL', () => {
    expect(run('CONCAT_WS', [str('-'), str('a'), s(), str('c')], [null])).toBe('a-c');
    expect(run('CONCAT_WS', [s(), str('a'), str('b')], [null])).toBeNull();
    expect(run('CONCAT_WS', [str(','), nul(STRING)])).toBe('');
  });
});

describe('case, length and substrings', () => {
  it('UPPER, LOWER, INITCAP', () => {
    expect(run('UPPER', [str('straße')])).toBe('STRASSE');
    expect(run('LOWER', [str('ÀB')])).toBe('àb');
    expect(run('INITCAP', [str('hello wORLD-foo bar9x')])).toBe('Hello World-Foo Bar9x');
    expect(run('UPPER', [s()], [null])).toBeNull();
  });

  it('CHAR_LENGTH counts characters, not UTF-16 units', () => {
    expect(run('CHAR_LENGTH', [str('héllo')], [], INT)).toBe(5);
    expect(run('CHAR_LENGTH', [str('a😀b')], [], INT)).toBe(3);
    expect(run('CHAR_LENGTH', [s()], [null], INT)).toBeNull();
  });

  it('SUBSTRING is 1-based; start 0 means 1; a negative start counts from the end (Flink)', () => {
    expect(run('LEFT', [str('Hello'), int(2)])).toBe('He');
    expect(run('LEFT', [str('Hello'), int(-1)])).toBe('');
    expect(run('RIGHT', [str('Hello'), int(3)])).toBe('llo');
    expect(run('RIGHT', [str('Hi'), int(5)])).toBe('Hi');
    expect(run('SUBSTRING', [str('Hello World'), int(7)])).toBe('World');
    expect(run('SUBSTRING', [str('Hello World'), int(1), int(5)])).toBe('Hello');
    expect(run('SUBSTRING', [str('Hello'), int(0), int(2)])).toBe('He');
    expect(run('SUBSTRING', [str('Hello'), int(-3)])).toBe('llo');
    expect(run('SUBSTRING', [str('Hello'), int(-3), int(2)])).toBe('ll');
    expect(run('SUBSTRING', [str('Hello'), int(-10), int(2)])).toBe('');
    expect(run('SUBSTRING', [str('Hello'), int(10)])).toBe('');
    expect(run('SUBSTRING', [str('Hello'), int(2), int(-1)])).toBeNull();
    expect(run('SUBSTRING', [str('a😀bc'), int(2), int(2)])).toBe('😀b');
    expect(run('SUBSTRING', [s(), int(1)], [null])).toBeNull();
  });

  it('TRIM removes the given characters from the chosen ends', () => {
    const trim = (mode: string, chars: string, v: string) =>
      run('TRIM', [lit(mode, T.CHAR(mode.length, false)), str(chars), str(v)]);
    expect(trim('BOTH', ' ', '  a b  ')).toBe('a b');
    expect(trim('LEADING', ' ', '  a  ')).toBe('a  ');
    expect(trim('TRAILING', ' ', '  a  ')).toBe('  a');
    expect(trim('BOTH', 'xy', 'xyaxbyx')).toBe('axb');
    expect(run('TRIM', [lit('BOTH', STRING), str(' '), s()], [null])).toBeNull();
  });

  it('REPLACE is literal and replaces every occurrence', () => {
    expect(run('REPLACE', [str('a.b.c'), str('.'), str('$1')])).toBe('a$1b$1c');
    expect(run('REPLACE', [str('abc'), str(''), str('-')])).toBe('-a-b-c-');
  });

  it('POSITION is 1-based in characters; 0 when absent', () => {
    expect(run('POSITION', [str('lo'), str('hello')], [], INT)).toBe(4);
    expect(run('POSITION', [str('z'), str('hello')], [], INT)).toBe(0);
    expect(run('POSITION', [str('b'), str('😀b')], [], INT)).toBe(2);
    expect(run('POSITION', [str(''), str('abc')], [], INT)).toBe(1);
  });

  it('LPAD/RPAD pad or shorten to the length; NULL for a negative length or empty pad', () => {
    expect(run('LPAD', [str('hi'), int(5), str('ab')])).toBe('abahi');
    expect(run('RPAD', [str('hi'), int(5), str('ab')])).toBe('hiaba');
    expect(run('LPAD', [str('hello'), int(2), str('x')])).toBe('he');
    expect(run('RPAD', [str('hello'), int(2), str('x')])).toBe('he');
    expect(run('LPAD', [str('hi'), int(-1), str('x')])).toBeNull();
    expect(run('RPAD', [str('hi'), int(3), str('')])).toBeNull();
    expect(run('LPAD', [str('hi'), int(0), str('x')])).toBe('');
  });

  it('SPLIT_INDEX: 0-based, NULL when out of range', () => {
    expect(run('SPLIT_INDEX', [str('a,b,,c'), str(','), int(1)])).toBe('b');
    expect(run('SPLIT_INDEX', [str('a,b,,c'), str(','), int(2)])).toBe('');
    expect(run('SPLIT_INDEX', [str('a,b'), str(','), int(5)])).toBeNull();
    expect(run('SPLIT_INDEX', [str('a,b'), str(','), int(-1)])).toBeNull();
    expect(run('SPLIT_INDEX', [str('a::b'), str('::'), int(1)])).toBe('b');
  });

  it('MD5 is the hex digest of the UTF-8 bytes', () => {
    expect(run('MD5', [str('')])).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(run('MD5', [str('hello')])).toBe('5d41402abc4b2a76b9719d911017c592');
  });
});

describe('LIKE and SIMILAR TO', () => {
  const like = (v: string | null, p: string, esc?: string) =>
    ev(fn('LIKE', esc === undefined ? [s(), str(p)] : [s(), str(p), str(esc)], BOOL), [v]);
  it('% and _ wildcards, compiled once for literal patterns', () => {
    expect(like('hello', 'h%')).toBe(true);
    expect(like('hello', '%llo')).toBe(true);
    expect(like('hello', '%ell%')).toBe(true);
    expect(like('hello', 'h_llo')).toBe(true);
    expect(like('hello', 'h_lo')).toBe(false);
    expect(like('hello', 'hello')).toBe(true);
    expect(like('Hello', 'hello')).toBe(false);
    expect(like('a.c', 'a.c')).toBe(true);
    expect(like('abc', 'a.c')).toBe(false);
    expect(like('a+b(c)', 'a+b(%)')).toBe(true);
    expect(like(null, '%')).toBeNull();
  });

  it('% matches line breaks but _ does not (Java regex semantics, as Flink)', () => {
    expect(like('a\nb', 'a%b')).toBe(true);
    expect(like('a\nb', 'a_b')).toBe(false);
  });

  it('ESCAPE, and backslash as the default escape', () => {
    expect(like('50%', '50!%', '!')).toBe(true);
    expect(like('500', '50!%', '!')).toBe(false);
    expect(like('a_b', 'a\\_b')).toBe(true);
    expect(like('axb', 'a\\_b')).toBe(false);
    expect(() => like('x', 'abc!', '!')).toThrow(/Invalid escape/);
  });

  it('non-literal patterns', () => {
    const f = compileProjection([fn('LIKE', [s(0), s(1)], BOOL)]);
    expect(f(['hello', 'he%'])[0]).toBe(true);
    expect(f(['hello', '%x'])[0]).toBe(false);
    expect(f(['hello', null])[0]).toBeNull();
  });

  it('SIMILAR TO matches the whole string with SQL regex syntax', () => {
    const similar = (v: string, p: string) => ev(fn('SIMILAR TO', [s(), str(p)], BOOL), [v]);
    expect(similar('abc', 'abc')).toBe(true);
    expect(similar('abc', 'a%')).toBe(true);
    expect(similar('abc', '(abc|xyz)')).toBe(true);
    expect(similar('xyz', '(abc|xyz)')).toBe(true);
    expect(similar('ab', 'a_')).toBe(true);
    expect(similar('aaa', 'a+')).toBe(true);
    expect(similar('abd', 'ab[cd]')).toBe(true);
    expect(similar('a.c', 'a.c')).toBe(true);
    expect(similar('abc', 'a.c')).toBe(false);
    expect(similar('abcd', 'abc')).toBe(false);
  });
});

describe('regular expressions', () => {
  it('REGEXP finds a match anywhere; an empty or invalid regex is FALSE', () => {
    expect(run('REGEXP', [str('abc123'), str('[0-9]+')], [], BOOL)).toBe(true);
    expect(run('REGEXP', [str('abc'), str('^b')], [], BOOL)).toBe(false);
    expect(run('REGEXP', [str('abc'), str('')], [], BOOL)).toBe(false);
    expect(run('REGEXP', [str('abc'), str('(')], [], BOOL)).toBe(false);
    expect(run('REGEXP', [s(0), s(1)], ['ABC', '(?i)abc'], BOOL)).toBe(true);
  });

  it('REGEXP_EXTRACT returns a group (0 = whole match by default)', () => {
    expect(run('REGEXP_EXTRACT', [str('foothebar'), str('foo(.*?)(bar)'), int(2)])).toBe('bar');
    expect(run('REGEXP_EXTRACT', [str('foothebar'), str('foo(.*?)(bar)')])).toBe('foothebar');
    expect(run('REGEXP_EXTRACT', [str('foothebar'), str('foo(.*?)(bar)'), int(3)])).toBeNull();
    expect(run('REGEXP_EXTRACT', [str('x'), str('y')])).toBeNull();
    expect(run('REGEXP_EXTRACT', [str('x'), str('(')])).toBeNull();
  });

  it('REGEXP_REPLACE replaces every match with literal text', () => {
    expect(run('REGEXP_REPLACE', [str('a1b22c'), str('[0-9]+'), str('#')])).toBe('a#b#c');
    expect(run('REGEXP_REPLACE', [str('abc'), str('(b)'), str('$1$1')])).toBe('a$1$1c');
    expect(run('REGEXP_REPLACE', [str('abc'), str('('), str('x')])).toBeNull();
    expect(run('REGEXP_REPLACE', [str('abc'), s()], [null])).toBeNull();
  });
});

describe('JSON_VALUE', () => {
  const json = '{"a":{"b":[10,{"c":"x"}],"t":true,"n":null},"k y":1.5}';
  const jv = (path: string, doc = json) => run('JSON_VALUE', [str(doc), str(path)]);
  it('returns scalars as text', () => {
    expect(jv('$.a.b[0]')).toBe('10');
    expect(jv('$.a.b[1].c')).toBe('x');
    expect(jv('$.a.t')).toBe('true');
    expect(jv("$['k y']")).toBe('1.5');
    expect(jv('lax $.a.b[1].c')).toBe('x');
  });

  it('is NULL for missing paths, objects, arrays, JSON null and invalid JSON', () => {
    expect(jv('$.missing')).toBeNull();
    expect(jv('$.a')).toBeNull();
    expect(jv('$.a.b')).toBeNull();
    expect(jv('$.a.n')).toBeNull();
    expect(jv('$.a', '{not json')).toBeNull();
    expect(jv('not a path')).toBeNull();
  });
});
