import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../common/expr.js';
import { compileCalc, compilePredicate, compileProjection } from './index.js';
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

const B = BOOL;
const and = (...a: Expr[]) => fn('AND', a, B);
const or = (...a: Expr[]) => fn('OR', a, B);
const b = (i: number) => ref(i, B);

describe('three-valued logic', () => {
  const values = [true, false, null];
  it('AND follows SQL: FALSE AND NULL = FALSE, TRUE AND NULL = NULL', () => {
    const f = compileProjection([and(b(0), b(1))]);
    const expected = (x: boolean | null, y: boolean | null) =>
      x === false || y === false ? false : x === null || y === null ? null : true;
    for (const x of values) for (const y of values) expect(f([x, y])[0]).toBe(expected(x, y));
  });

  it('OR follows SQL: TRUE OR NULL = TRUE, FALSE OR NULL = NULL', () => {
    const f = compileProjection([or(b(0), b(1))]);
    const expected = (x: boolean | null, y: boolean | null) =>
      x === true || y === true ? true : x === null || y === null ? null : false;
    for (const x of values) for (const y of values) expect(f([x, y])[0]).toBe(expected(x, y));
  });

  it('AND/OR with three operands and non-nullable operands', () => {
    const f = compileProjection([and(b(0), bool(true), b(1)), or(b(0), bool(false), b(1))]);
    expect(f([true, null])).toEqual([null, true]);
    expect(f([null, false])).toEqual([false, null]);
    expect(f([true, true])).toEqual([true, true]);
  });

  it('AND short-circuits: the right side is not evaluated when the left is FALSE', () => {
    const e = and(
      fn('<>', [ref(0, INT), int(0)], B),
      fn('>', [fn('/', [int(10), ref(0, INT)], INT), int(1)], B),
    );
    expect(ev(e, [0])).toBe(false);
    expect(ev(e, [5])).toBe(true);
  });

  it('NOT', () => {
    const f = compileProjection([fn('NOT', [b(0)], B)]);
    expect(f([true])[0]).toBe(false);
    expect(f([false])[0]).toBe(true);
    expect(f([null])[0]).toBeNull();
  });

  it('IS [NOT] NULL/TRUE/FALSE never return NULL', () => {
    const tests = ['IS NULL', 'IS NOT NULL', 'IS TRUE', 'IS NOT TRUE', 'IS FALSE', 'IS NOT FALSE'];
    const f = compileProjection(tests.map((t) => fn(t, [b(0)], T.BOOLEAN(false))));
    expect(f([true])).toEqual([false, true, true, false, false, true]);
    expect(f([false])).toEqual([false, true, false, true, true, false]);
    expect(f([null])).toEqual([true, false, false, true, false, true]);
  });
});

describe('comparisons', () => {
  it('compare numbers, NULL propagates', () => {
    const ops = ['=', '<>', '<', '<=', '>', '>='];
    const f = compileProjection(ops.map((op) => fn(op, [ref(0, INT), ref(1, INT)], B)));
    expect(f([1, 2])).toEqual([false, true, true, true, false, false]);
    expect(f([2, 2])).toEqual([true, false, false, true, false, true]);
    expect(f([null, 2])).toEqual([null, null, null, null, null, null]);
  });

  it('NaN is not equal to itself (Java double ==)', () => {
    expect(ev(fn('=', [dbl(Number.NaN), dbl(Number.NaN)], B))).toBe(false);
  });

  it('compares across numeric types: INT vs DECIMAL, DECIMAL scales, DECIMAL vs DOUBLE', () => {
    expect(ev(fn('=', [int(1), d('1.00')], B))).toBe(true);
    expect(ev(fn('<', [d('1.5'), d('1.25')], B))).toBe(false);
    expect(ev(fn('=', [d('0.5'), dbl(0.5)], B))).toBe(true);
    expect(ev(fn('<', [ref(0, BIGINT), d('2.5')], B), [2])).toBe(true);
    expect(ev(fn('>', [ref(0, INT), dbl(2.5)], B), [3])).toBe(true);
  });

  it('compares strings by code point (UTF-8 byte order, as Flink)', () => {
    expect(ev(fn('<', [str('a'), str('b')], B))).toBe(true);
    expect(ev(fn('<', [str('abc'), str('ab')], B))).toBe(false);
    // U+FF61 sorts before U+1F600 in code point order although its UTF-16 unit is larger.
    expect(ev(fn('<', [str('\uff61'), str('\u{1f600}')], B))).toBe(true);
    expect(ev(fn('=', [str('x'), ref(0, STRING)], B), ['x'])).toBe(true);
  });

  it('compares booleans (FALSE < TRUE), dates and timestamps', () => {
    expect(ev(fn('<', [bool(false), bool(true)], B))).toBe(true);
    expect(ev(fn('<', [ref(0, T.DATE()), ref(1, T.TIMESTAMP(3))], B), [1, 86_400_001])).toBe(true);
  });

  it('IS [NOT] DISTINCT FROM treats NULLs as equal', () => {
    const f = compileProjection([
      fn('IS DISTINCT FROM', [ref(0, INT), ref(1, INT)], T.BOOLEAN(false)),
      fn('IS NOT DISTINCT FROM', [ref(0, INT), ref(1, INT)], T.BOOLEAN(false)),
    ]);
    expect(f([null, null])).toEqual([false, true]);
    expect(f([1, null])).toEqual([true, false]);
    expect(f([1, 1])).toEqual([false, true]);
    expect(f([1, 2])).toEqual([true, false]);
  });

  it('BETWEEN is inclusive with three-valued logic', () => {
    const f = compileProjection([fn('BETWEEN', [ref(0, INT), ref(1, INT), ref(2, INT)], B)]);
    expect(f([5, 1, 10])[0]).toBe(true);
    expect(f([1, 1, 10])[0]).toBe(true);
    expect(f([11, 1, 10])[0]).toBe(false);
    expect(f([null, 1, 10])[0]).toBeNull();
    expect(f([0, 1, null])[0]).toBe(false); // 0 >= 1 is FALSE, so FALSE AND NULL = FALSE
    expect(f([5, 1, null])[0]).toBeNull();
  });
});

describe('IN', () => {
  it('literal lists use one lookup', () => {
    const f = compileProjection([fn('IN', [ref(0, INT), int(1), int(2), int(3)], B)]);
    expect(f([2])[0]).toBe(true);
    expect(f([4])[0]).toBe(false);
    expect(f([null])[0]).toBeNull();
  });

  it('a NULL item makes a non-match NULL: 4 IN (1, NULL) is NULL, 1 IN (1, NULL) is TRUE', () => {
    const f = compileProjection([fn('IN', [ref(0, INT), int(1), nul(INT)], B)]);
    expect(f([1])[0]).toBe(true);
    expect(f([4])[0]).toBeNull();
  });

  it('works on strings, decimals and column items', () => {
    expect(ev(fn('IN', [ref(0, STRING), str('a'), str('b')], B), ['b'])).toBe(true);
    expect(ev(fn('IN', [ref(0, dec(3, 1)), d('1.5'), d('2.5')], B), [25n])).toBe(true);
    const f = compileProjection([fn('IN', [ref(0, INT), ref(1, INT), ref(2, INT)], B)]);
    expect(f([3, 1, 3])[0]).toBe(true);
    expect(f([3, null, 3])[0]).toBe(true);
    expect(f([3, null, 4])[0]).toBeNull();
    expect(f([3, 1, 4])[0]).toBe(false);
  });
});

describe('conditionals', () => {
  it('CASE takes the first TRUE branch; NULL conditions are not TRUE', () => {
    const e = fn(
      'CASE',
      [
        fn('>', [ref(0, INT), int(10)], B),
        str('big'),
        fn('>', [ref(0, INT), int(0)], B),
        str('small'),
        str('other'),
      ],
      STRING,
    );
    const f = compileProjection([e]);
    expect(f([11])[0]).toBe('big');
    expect(f([5])[0]).toBe('small');
    expect(f([-1])[0]).toBe('other');
    expect(f([null])[0]).toBe('other');
  });

  it('CASE without ELSE is NULL when nothing matches; branches are lazy', () => {
    const e = fn('CASE', [fn('<>', [ref(0, INT), int(0)], B), fn('/', [int(10), ref(0, INT)], INT)], INT);
    expect(ev(e, [0])).toBeNull();
    expect(ev(e, [5])).toBe(2);
  });

  it('CASE converts branch values to the result type (INT branch in a DECIMAL CASE)', () => {
    const e = fn('CASE', [ref(0, B), d('1.5'), int(2)], dec(11, 1));
    expect(ev(e, [true])).toBe(15n);
    expect(ev(e, [false])).toBe(20n);
  });

  it('COALESCE returns the first non-NULL argument, lazily', () => {
    const f = compileProjection([fn('COALESCE', [ref(0, INT), ref(1, INT), int(0)], T.INT(false))]);
    expect(f([null, 2])[0]).toBe(2);
    expect(f([1, 2])[0]).toBe(1);
    expect(f([null, null])[0]).toBe(0);
    expect(ev(fn('COALESCE', [ref(0, INT), fn('/', [int(1), int(0)], INT)], INT), [1])).toBe(1);
    expect(ev(fn('COALESCE', [ref(0, INT), ref(1, INT)], INT), [null, null])).toBeNull();
  });

  it('NULLIF', () => {
    const f = compileProjection([fn('NULLIF', [ref(0, INT), ref(1, INT)], INT)]);
    expect(f([1, 1])[0]).toBeNull();
    expect(f([1, 2])[0]).toBe(1);
    expect(f([1, null])[0]).toBe(1);
    expect(f([null, 1])[0]).toBeNull();
  });

  it('IF', () => {
    const f = compileProjection([fn('IF', [ref(0, B), str('y'), str('n')], STRING)]);
    expect(f([true])[0]).toBe('y');
    expect(f([false])[0]).toBe('n');
    expect(f([null])[0]).toBe('n');
  });

  it('GREATEST and LEAST are NULL when any argument is NULL (Flink)', () => {
    const g = compileProjection([
      fn('GREATEST', [ref(0, INT), ref(1, INT), int(3)], INT),
      fn('LEAST', [ref(0, INT), ref(1, INT), int(3)], INT),
    ]);
    expect(g([1, 5])).toEqual([5, 1]);
    expect(g([null, 5])).toEqual([null, null]);
    expect(ev(fn('GREATEST', [str('apple'), str('pear')], STRING))).toBe('pear');
    expect(ev(fn('LEAST', [d('1.5'), d('1.25')], dec(3, 2)))).toBe(125n);
  });
});

describe('predicates and calc batches', () => {
  it('compilePredicate keeps only TRUE', () => {
    const p = compilePredicate(fn('>', [ref(0, INT), int(1)], B));
    expect(p([2])).toBe(true);
    expect(p([1])).toBe(false);
    expect(p([null])).toBe(false);
  });

  it('compileCalc filters and projects a batch, appending to out', () => {
    const calc = compileCalc(
      [ref(1, STRING), fn('*', [ref(0, DOUBLE), dbl(2)], DOUBLE)],
      fn('>', [ref(0, DOUBLE), dbl(1)], B),
    );
    const out: unknown[][] = [['previous']];
    calc(
      [
        [0.5, 'a'],
        [1.5, 'b'],
        [null, 'c'],
        [3, 'd'],
      ],
      out,
    );
    expect(out).toEqual([['previous'], ['b', 3], ['d', 6]]);
  });

  it('compileCalc without a condition projects every row', () => {
    const calc = compileCalc([ref(0, INT)], undefined);
    const out: unknown[][] = [];
    calc([[1], [2]], out);
    expect(out).toEqual([[1], [2]]);
  });

  it('evaluates a subexpression shared by the condition and the projection once', () => {
    let calls = 0;
    const clock = () => {
      calls++;
      return 1000;
    };
    const shared = fn('+', [ref(0, INT), int(1)], INT);
    const calc = compileCalc([shared, fn('*', [shared, int(2)], INT)], fn('>', [shared, int(0)], B), {
      clock,
    });
    const out: unknown[][] = [];
    calc([[1], [-5]], out);
    expect(out).toEqual([[2, 4]]);
    expect(calls).toBe(0);
  });

  it('throws an internal error naming an unknown function at compile time', () => {
    expect(() => compileProjection([fn('FROBNICATE', [int(1)], INT)])).toThrow(/FROBNICATE/);
  });
});
