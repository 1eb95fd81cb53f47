import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../common/expr.js';
import { divide, divideHalfUp, parseDecimal, pow10, rescale, toNumber, toPlainString } from './decimal.js';
import { compileProjection } from './index.js';
import { DOUBLE, dec, fn, INT, int, lit, ref, STRING, str, T } from './test-support.js';

describe('decimal helpers', () => {
  it('rescale rounds HALF_UP away from zero', () => {
    expect(rescale(125n, 2, 1)).toBe(13n);
    expect(rescale(-125n, 2, 1)).toBe(-13n);
    expect(rescale(124n, 2, 1)).toBe(12n);
    expect(rescale(5n, 0, 2)).toBe(500n);
  });

  it('divide agrees with a direct HALF_UP division at the result scale', () => {
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      const a = BigInt(next()) * BigInt(next()) - 2n ** 60n;
      const b = BigInt(next() - 1073741824) || 1n;
      const [sa, sb, s] = [next() % 8, next() % 8, 6 + (next() % 10)];
      const direct = divideHalfUp(a * pow10(s + sb), b * pow10(sa));
      expect(divide(a, sa, b, sb, s, 38)).toBe(direct);
    }
  });

  it('parses BigDecimal syntax', () => {
    expect(parseDecimal('1.5E3', 0)).toBe(1500n);
    expect(parseDecimal('-.5', 1)).toBe(-5n);
    expect(parseDecimal('+2.', 0)).toBe(2n);
    expect(parseDecimal('1e-2', 2)).toBe(1n);
    expect(parseDecimal('abc', 0)).toBeUndefined();
    expect(parseDecimal('.', 0)).toBeUndefined();
  });

  it('converts to double and plain strings', () => {
    expect(toNumber(123456789012345678901234567890n, 10)).toBe(Number('12345678901234567890.123456789'));
    expect(toNumber(5n, -2)).toBe(500);
    expect(toPlainString(5n, 3)).toBe('0.005');
    expect(toPlainString(-5n, 0)).toBe('-5');
  });
});

describe('what the compiler does not do yet fails at compile time', () => {
  const compile = (e: Expr) => () => compileProjection([e]);
  it('throws "not supported yet" rather than returning NULL', () => {
    expect(compile(fn('CAST', [ref(0, T.ARRAY(INT))], STRING))).toThrow(/not supported yet/);
    expect(compile(fn('CAST', [ref(0, INT)], T.DATE()))).toThrow(/not supported yet/);
    expect(compile(fn('FLOOR', [ref(0, T.TIMESTAMP(3)), str('DAY')], T.TIMESTAMP(3)))).toThrow(
      /not supported yet/,
    );
    expect(compile(fn('RAND', [ref(0, INT)], DOUBLE))).toThrow(/not supported yet/);
    expect(compile(fn('EXTRACT', [ref(1, STRING), ref(0, T.DATE())], T.BIGINT()))).toThrow(
      /not supported yet/,
    );
    expect(
      compile(
        fn(
          'EXTRACT',
          [lit('DAY', STRING), ref(0, { root: 'INTERVAL_DAY_TIME', nullable: true })],
          T.BIGINT(),
        ),
      ),
    ).toThrow(/not supported yet/);
    expect(compile(fn('+', [ref(0, T.DATE()), ref(1, T.DATE())], T.DATE()))).toThrow(/not supported yet/);
    expect(compile(fn('JSON_VALUE', [str('{}'), str('$.a'), str('x')], STRING))).toThrow(/not supported yet/);
  });

  it('rejects bad literal arguments at compile time', () => {
    expect(compile(fn('EXTRACT', [lit('FORTNIGHT', STRING), ref(0, T.DATE())], T.BIGINT()))).toThrow(
      /FORTNIGHT/,
    );
    expect(compile(fn('TRIM', [lit('MIDDLE', STRING), str(' '), ref(0, STRING)], STRING))).toThrow(
      /TRIM mode/,
    );
    expect(compile(fn('LIKE', [ref(0, STRING), str('a!'), str('!')], T.BOOLEAN()))).toThrow(/escape/);
  });

  it('DECIMAL arithmetic results always have the call type (planner decides)', () => {
    const p = compileProjection([fn('+', [ref(0, dec(5, 2)), int(1)], dec(13, 2))]);
    expect(p([150n])[0]).toBe(250n);
  });
});
