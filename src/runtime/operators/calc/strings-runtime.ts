/**
 * String helpers with Flink's character semantics: Flink counts characters (code points) where
 * JavaScript counts UTF-16 units, so these take a fast path when a string has no surrogates.
 */

const SURROGATE = /[\uD800-\uDFFF]/;

export function hasSurrogates(s: string): boolean {
  return SURROGATE.test(s);
}

export function charLength(s: string): number {
  if (!hasSurrogates(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // A high surrogate followed by a low one is a single character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

/** Characters [start, end) of s, counted in code points. */
export function sliceChars(s: string, start: number, end: number): string {
  if (!hasSurrogates(s)) return s.slice(start, end);
  return Array.from(s).slice(start, end).join('');
}

/** CAST to VARCHAR(n): the first n characters. */
export function truncateChars(s: string, n: number): string {
  if (s.length <= n) return s;
  return sliceChars(s, 0, n);
}

/** CAST to CHAR(n): truncated or right-padded with spaces to exactly n characters. */
export function padChars(s: string, n: number): string {
  const len = charLength(s);
  if (len === n) return s;
  return len > n ? sliceChars(s, 0, n) : s + ' '.repeat(n - len);
}

/** Java's String.compareTo is by UTF-16 unit; Flink compares UTF-8 bytes, i.e. by code point. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (supplementary code points) sort after every BMP character in code point order.
      const sx = x >= 0xd800 && x <= 0xdfff;
      const sy = y >= 0xd800 && y <= 0xdfff;
      if (sx !== sy) return sx ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}
