import { describe, expect, it } from 'vitest';
import { compileProjection } from './index.js';
import { BIGINT, big, DOUBLE, d, dbl, dec, ev, fn, INT, int, ref, STRING, str, T } from './test-support.js';

describe('math functions', () => {
  it('HASH_CODE (internal, the distinct split bucket) is a stable int per value, NULL for NULL', () => {
    const h = (e: ReturnType<typeof str>) => ev(fn('HASH_CODE', [e], INT));
    expect(h(str('alice'))).toBe(h(str('alice')));
    expect(h(str('alice'))).not.toBe(h(str('bob')));
    expect(Number.isInteger(h(str('alice')))).toBe(true);
    // Equal values of different representations: the DECIMAL 1.50 hashes as its unscaled value.
    expect(h(d('1.50'))).toBe(h(d('1.50')));
    expect(h(int(1))).not.toBe(h(str('1')));
    expect(ev(fn('HASH_CODE', [ref(0, STRING)], INT), [null])).toBeNull();
  });

  it('ABS keeps the type; ABS(INT MIN) wraps like Java Math.abs', () => {
    expect(ev(fn('ABS', [int(-5)], INT))).toBe(5);
    expect(ev(fn('ABS', [int(-2147483648)], INT))).toBe(-2147483648);
    expect(ev(fn('ABS', [d('-1.50')], dec(3, 2)))).toBe(150n);
    expect(ev(fn('ABS', [dbl(-0.5)], DOUBLE))).toBe(0.5);
    expect(ev(fn('ABS', [ref(0, INT)], INT), [null])).toBeNull();
  });

  it('FLOOR and CEIL; DECIMAL results have scale 0', () => {
    expect(ev(fn('FLOOR', [dbl(-1.5)], DOUBLE))).toBe(-2);
    expect(ev(fn('CEIL', [dbl(-1.5)], DOUBLE))).toBe(-1);
    expect(ev(fn('FLOOR', [d('-1.25')], dec(2, 0)))).toBe(-2n);
    expect(ev(fn('CEIL', [d('1.25')], dec(2, 0)))).toBe(2n);
    expect(ev(fn('CEIL', [int(7)], INT))).toBe(7);
  });

  it('ROUND is HALF_UP on the decimal digits (ROUND(2.675, 2) = 2.68 although the double is below)', () => {
    expect(ev(fn('ROUND', [dbl(2.675), int(2)], DOUBLE))).toBe(2.68);
    expect(ev(fn('ROUND', [dbl(-2.5)], DOUBLE))).toBe(-3);
    expect(ev(fn('ROUND', [dbl(1234.5678), int(-2)], DOUBLE))).toBe(1200);
    expect(ev(fn('ROUND', [int(15), int(-1)], INT))).toBe(20);
    expect(ev(fn('ROUND', [int(-15), int(-1)], INT))).toBe(-20);
    expect(ev(fn('ROUND', [d('1.255'), int(2)], dec(4, 2)))).toBe(126n);
    expect(ev(fn('ROUND', [d('1.255')], dec(2, 0)))).toBe(1n);
    expect(ev(fn('ROUND', [d('1.255'), int(5)], dec(4, 3)))).toBe(1255n);
    expect(ev(fn('ROUND', [ref(0, DOUBLE), int(1)], DOUBLE), [null])).toBeNull();
    expect(ev(fn('ROUND', [dbl(1e300), int(2)], DOUBLE))).toBe(1e300);
  });

  it('TRUNCATE drops digits toward zero', () => {
    expect(ev(fn('TRUNCATE', [dbl(2.679), int(2)], DOUBLE))).toBe(2.67);
    expect(ev(fn('TRUNCATE', [dbl(-2.679), int(1)], DOUBLE))).toBe(-2.6);
    expect(ev(fn('TRUNCATE', [d('-1.259'), int(2)], dec(4, 2)))).toBe(-125n);
    expect(ev(fn('TRUNCATE', [big(1999), int(-3)], BIGINT))).toBe(1000);
  });

  it('POWER, SQRT, EXP, LN, LOG10 work on doubles (DECIMAL converted)', () => {
    expect(ev(fn('POWER', [int(2), d('0.5')], DOUBLE))).toBeCloseTo(Math.SQRT2, 15);
    expect(ev(fn('SQRT', [dbl(16)], DOUBLE))).toBe(4);
    expect(ev(fn('SQRT', [dbl(-1)], DOUBLE))).toBeNaN();
    expect(ev(fn('EXP', [int(0)], DOUBLE))).toBe(1);
    expect(ev(fn('LN', [dbl(Math.E)], DOUBLE))).toBe(1);
    expect(ev(fn('LOG10', [d('1000')], DOUBLE))).toBe(3);
    expect(ev(fn('LN', [ref(0, DOUBLE)], DOUBLE), [null])).toBeNull();
  });

  it('RAND uses the injected source; RAND(seed) is java.util.Random', () => {
    expect(ev(fn('RAND', [], DOUBLE), [], { random: () => 0.25 })).toBe(0.25);
    const p = compileProjection([fn('RAND', [int(42)], DOUBLE)]);
    // new java.util.Random(42).nextDouble() twice
    expect(p([])[0]).toBe(0.7275636800328681);
    expect(p([])[0]).toBe(0.6832234717598454);
  });

  it('RAND() appearing twice is evaluated twice (never shared)', () => {
    let n = 0;
    const p = compileProjection([fn('RAND', [], DOUBLE), fn('RAND', [], DOUBLE)], { random: () => ++n });
    expect(p([])).toEqual([1, 2]);
  });

  it('works on FLOAT', () => {
    expect(ev(fn('ROUND', [ref(0, T.FLOAT()), int(1)], T.FLOAT()), [Math.fround(1.25)])).toBe(
      Math.fround(1.3),
    );
  });
});
