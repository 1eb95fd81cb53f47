import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../common/expr.js';
import type { LogicalType } from '../../../common/types.js';
import { compileProjection } from './index.js';
import {
  BIGINT,
  BOOL,
  bool,
  DOUBLE,
  d,
  dbl,
  dec,
  ev,
  fn,
  INT,
  int,
  nul,
  ref,
  STRING,
  str,
  T,
} from './test-support.js';

const cast = (e: Expr, t: LogicalType) => ev(fn('CAST', [e], t), [], { timeZone: 'UTC' });
const tryCast = (e: Expr, t: LogicalType) => ev(fn('TRY_CAST', [e], t), [], { timeZone: 'UTC' });

describe('CAST between numbers', () => {
  it('narrowing integers wraps like Java: CAST(300 AS TINYINT) = 44', () => {
    expect(cast(int(300), T.TINYINT())).toBe(44);
    expect(cast(int(40000), T.SMALLINT())).toBe(-25536);
    expect(cast(big(4294967297), INT)).toBe(1);
  });

  it('DOUBLE to integer truncates and saturates like Java casts; NaN → 0', () => {
    expect(cast(dbl(2.9), INT)).toBe(2);
    expect(cast(dbl(-2.9), INT)).toBe(-2);
    expect(cast(dbl(1e20), INT)).toBe(2147483647);
    expect(cast(dbl(Number.NaN), INT)).toBe(0);
    expect(cast(dbl(-1e30), BIGINT)).toBe(-(2 ** 63));
  });

  it('DECIMAL to integer truncates', () => {
    expect(cast(d('12.99'), INT)).toBe(12);
    expect(cast(d('-12.99'), BIGINT)).toBe(-12);
  });

  it('to DECIMAL rounds HALF_UP and is NULL on overflow', () => {
    expect(cast(d('1.245'), dec(4, 2))).toBe(125n);
    expect(cast(d('-1.245'), dec(4, 2))).toBe(-125n);
    expect(cast(int(123), dec(5, 2))).toBe(12300n);
    expect(cast(int(1234), dec(5, 2))).toBeNull();
    expect(cast(d('9.99'), dec(2, 1))).toBeNull(); // rounds to 10.0, which needs 3 digits
    expect(cast(dbl(0.1), dec(5, 3))).toBe(100n); // via Double.toString's digits, not the binary value
    expect(cast(dbl(2.675), dec(5, 2))).toBe(268n);
  });

  it('DECIMAL and integers to DOUBLE/FLOAT', () => {
    expect(cast(d('12.50'), DOUBLE)).toBe(12.5);
    expect(cast(d('0.1'), T.FLOAT())).toBe(Math.fround(0.1));
    expect(cast(int(3), DOUBLE)).toBe(3);
  });

  it('numbers and BOOLEAN', () => {
    expect(cast(int(0), BOOL)).toBe(false);
    expect(cast(int(-3), BOOL)).toBe(true);
    expect(cast(d('0.00'), BOOL)).toBe(false);
    expect(cast(bool(true), INT)).toBe(1);
    expect(cast(bool(true), dec(3, 2))).toBe(100n);
  });
});

describe('CAST to STRING', () => {
  it('formats numbers like Flink (Java toString, DECIMAL keeps its scale)', () => {
    expect(cast(int(-42), STRING)).toBe('-42');
    expect(cast(dbl(1), STRING)).toBe('1.0');
    expect(cast(dbl(1e10), STRING)).toBe('1.0E10');
    expect(cast(dbl(1.5e-5), STRING)).toBe('1.5E-5');
    expect(cast(dbl(0.001), STRING)).toBe('0.001');
    expect(cast(dbl(1234567.5), STRING)).toBe('1234567.5');
    expect(cast(dbl(12345678), STRING)).toBe('1.2345678E7');
    expect(cast(dbl(Number.NaN), STRING)).toBe('NaN');
    expect(cast(dbl(Number.NEGATIVE_INFINITY), STRING)).toBe('-Infinity');
    expect(cast(ref(0, T.FLOAT()) as Expr, STRING)).toBeNull();
    expect(ev(fn('CAST', [ref(0, T.FLOAT())], STRING), [Math.fround(0.1)])).toBe('0.1');
    expect(cast(d('12.50'), STRING)).toBe('12.50');
    expect(cast(d('-0.05'), STRING)).toBe('-0.05');
  });

  it('BOOLEAN is TRUE/FALSE', () => {
    expect(cast(bool(true), STRING)).toBe('TRUE');
    expect(cast(bool(false), STRING)).toBe('FALSE');
  });

  it('temporal values use the type precision', () => {
    const ts = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP(3))], STRING), [ts])).toBe('2024-01-02 03:04:05.678');
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP(0))], STRING), [ts - 678])).toBe('2024-01-02 03:04:05');
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP(6))], STRING), [ts])).toBe('2024-01-02 03:04:05.678000');
    expect(ev(fn('CAST', [ref(0, T.DATE())], STRING), [19724])).toBe('2024-01-02');
    expect(ev(fn('CAST', [ref(0, T.TIME(0))], STRING), [3_723_000])).toBe('01:02:03');
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP_LTZ(3))], STRING), [ts], { timeZone: 'Asia/Shanghai' })).toBe(
      '2024-01-02 11:04:05.678',
    );
  });

  it('CHAR(n) pads and VARCHAR(n) truncates', () => {
    expect(cast(str('ab'), T.CHAR(4))).toBe('ab  ');
    expect(cast(str('abcdef'), T.CHAR(3))).toBe('abc');
    expect(cast(str('abcdef'), T.VARCHAR(3))).toBe('abc');
    expect(cast(int(12345), T.VARCHAR(3))).toBe('123');
    expect(cast(str('ab'), T.VARCHAR(3))).toBe('ab');
  });

  it('intervals', () => {
    expect(
      cast(
        { kind: 'literal', value: 90_061_001, type: { root: 'INTERVAL_DAY_TIME', nullable: false } },
        STRING,
      ),
    ).toBe('+1 01:01:01.001');
    expect(
      cast({ kind: 'literal', value: -14, type: { root: 'INTERVAL_YEAR_MONTH', nullable: false } }, STRING),
    ).toBe('-1-02');
  });
});

describe('CAST from STRING', () => {
  it('to integers: trimmed, a fraction is dropped', () => {
    expect(cast(str(' 42 '), INT)).toBe(42);
    expect(cast(str('-7'), INT)).toBe(-7);
    expect(cast(str('1.9'), INT)).toBe(1);
    expect(cast(str('9223372036854775807'), BIGINT)).toBe(2 ** 63);
  });

  it('invalid or out-of-range input fails CAST and is NULL for TRY_CAST', () => {
    expect(() => cast(str('abc'), INT)).toThrow(/Cannot cast 'abc' to INT/);
    expect(() => cast(str('128'), T.TINYINT())).toThrow(/TINYINT/);
    expect(() => cast(str('2147483648'), INT)).toThrow();
    expect(() => cast(str(''), DOUBLE)).toThrow();
    expect(tryCast(str('abc'), INT)).toBeNull();
    expect(tryCast(str('12'), INT)).toBe(12);
    expect(tryCast(str('x'), dec(5, 2))).toBeNull();
    expect(tryCast(str('2024-13-01'), T.DATE())).toBeNull();
  });

  it('to DOUBLE accepts Java syntax', () => {
    expect(cast(str('1.5e3'), DOUBLE)).toBe(1500);
    expect(cast(str(' -0.25 '), DOUBLE)).toBe(-0.25);
    expect(cast(str('NaN'), DOUBLE)).toBeNaN();
    expect(cast(str('-Infinity'), DOUBLE)).toBe(Number.NEGATIVE_INFINITY);
    expect(cast(str('2.5d'), DOUBLE)).toBe(2.5);
  });

  it('to DECIMAL rounds HALF_UP; overflow is NULL', () => {
    expect(cast(str('12.345'), dec(5, 2))).toBe(1235n);
    expect(cast(str('1E2'), dec(5, 2))).toBe(10000n);
    expect(cast(str('12345'), dec(5, 2))).toBeNull();
  });

  it('to BOOLEAN accepts true/t/yes/y/1 and false/f/no/n/0', () => {
    for (const s of ['true', 'TRUE', ' t ', 'yes', 'Y', '1']) expect(cast(str(s), BOOL)).toBe(true);
    for (const s of ['false', 'F', 'no', 'n', '0']) expect(cast(str(s), BOOL)).toBe(false);
    expect(() => cast(str('maybe'), BOOL)).toThrow();
  });

  it('to DATE, TIME, TIMESTAMP and TIMESTAMP_LTZ', () => {
    expect(cast(str('2024-01-02'), T.DATE())).toBe(19724);
    expect(cast(str('1969-12-31'), T.DATE())).toBe(-1);
    expect(cast(str('01:02:03.5'), T.TIME(3))).toBe(3_723_500);
    expect(cast(str('2024-01-02 03:04:05.678'), T.TIMESTAMP(3))).toBe(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(cast(str('2024-01-02T03:04:05'), T.TIMESTAMP(3))).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(cast(str('2024-01-02 03:04:05.678'), T.TIMESTAMP(0))).toBe(Date.UTC(2024, 0, 2, 3, 4, 5));
    expect(cast(str('2024-01-02'), T.TIMESTAMP(3))).toBe(Date.UTC(2024, 0, 2));
    expect(
      ev(fn('CAST', [str('2024-01-02 08:00:00')], T.TIMESTAMP_LTZ(3)), [], { timeZone: 'Asia/Shanghai' }),
    ).toBe(Date.UTC(2024, 0, 2, 0, 0, 0));
    expect(() => cast(str('2024-02-30'), T.DATE())).toThrow(/DATE/);
  });

  it('to BYTES as UTF-8 and back', () => {
    const bytes = cast(str('hé'), T.BYTES()) as Uint8Array;
    expect([...bytes]).toEqual([0x68, 0xc3, 0xa9]);
    expect(ev(fn('CAST', [ref(0, T.BYTES())], STRING), [bytes])).toBe('hé');
  });
});

describe('CAST between temporal types', () => {
  const ts = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
  it('TIMESTAMP to DATE and TIME, DATE to TIMESTAMP', () => {
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP(3))], T.DATE()), [ts])).toBe(19724);
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP(3))], T.TIME(0)), [ts])).toBe(((3 * 60 + 4) * 60 + 5) * 1000);
    expect(ev(fn('CAST', [ref(0, T.DATE())], T.TIMESTAMP(3)), [19724])).toBe(Date.UTC(2024, 0, 2));
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP(3))], T.DATE()), [-1])).toBe(-1);
  });

  it('TIMESTAMP ↔ TIMESTAMP_LTZ use the session time zone', () => {
    const opts = { timeZone: 'America/New_York' };
    expect(
      ev(fn('CAST', [ref(0, T.TIMESTAMP(3))], T.TIMESTAMP_LTZ(3)), [Date.UTC(2024, 6, 1, 12)], opts),
    ).toBe(Date.UTC(2024, 6, 1, 16));
    expect(
      ev(fn('CAST', [ref(0, T.TIMESTAMP_LTZ(3))], T.TIMESTAMP(3)), [Date.UTC(2024, 0, 1, 12)], opts),
    ).toBe(Date.UTC(2024, 0, 1, 7));
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP_LTZ(3))], T.DATE()), [Date.UTC(2024, 0, 2, 3)], opts)).toBe(
      19723,
    );
  });

  it('lower precision truncates', () => {
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP(3))], T.TIMESTAMP(0)), [ts])).toBe(ts - 678);
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP(3))], T.TIMESTAMP(1)), [ts])).toBe(ts - 78);
  });

  it('integers are epoch seconds for TIMESTAMP_LTZ', () => {
    expect(ev(fn('CAST', [ref(0, BIGINT)], T.TIMESTAMP_LTZ(3)), [1_700_000_000])).toBe(1_700_000_000_000);
    expect(ev(fn('CAST', [ref(0, T.TIMESTAMP_LTZ(3))], BIGINT), [1_700_000_000_999])).toBe(1_700_000_000);
  });
});

describe('CAST of NULL and unsupported casts', () => {
  it('NULL stays NULL', () => {
    expect(cast(nul(INT), STRING)).toBeNull();
    expect(ev(fn('CAST', [ref(0, STRING)], INT), [null])).toBeNull();
    expect(ev(fn('TRY_CAST', [ref(0, STRING)], INT), [null])).toBeNull();
  });

  it('throws "not supported yet" at compile time for casts it cannot do', () => {
    const arr = T.ARRAY(INT);
    expect(() => compileProjection([fn('CAST', [ref(0, arr)], STRING)])).toThrow(/not supported yet/);
  });
});

function big(n: number): Expr {
  return { kind: 'literal', value: n, type: BIGINT };
}
