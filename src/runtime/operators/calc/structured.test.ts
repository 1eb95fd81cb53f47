import { describe, expect, it } from 'vitest';
import { compileCalc } from './index.js';
import { BIGINT, ev, fn, int, lit, nul, ref, STRING, T } from './test-support.js';

const BID = T.ROW([
  { name: 'auction', type: BIGINT },
  { name: 'channel', type: STRING },
  { name: 'inner', type: T.ROW([{ name: 'x', type: BIGINT }]) },
]);
const get = (row: ReturnType<typeof ref>, index: number, type = BIGINT) =>
  fn('GET_FIELD', [row, int(index)], type);

describe('GET_FIELD', () => {
  it('reads a field of a ROW value', () => {
    expect(ev(get(ref(0, BID), 0), [[7, 'web', [9]]])).toBe(7);
    expect(ev(get(ref(0, BID), 1, STRING), [[7, 'web', [9]]])).toBe('web');
  });

  it('reads nested fields', () => {
    const inner = get(ref(0, BID), 2, BID.fields![2].type);
    expect(ev(get(inner, 0), [[7, 'web', [9]]])).toBe(9);
    expect(ev(get(inner, 0), [[7, 'web', null]])).toBeNull();
  });

  it('is NULL for a NULL row, a NULL field or a missing one', () => {
    expect(ev(get(ref(0, BID), 0), [null])).toBeNull();
    expect(ev(get(ref(0, BID), 0), [undefined])).toBeNull();
    expect(ev(get(ref(0, BID), 0), [[null, 'x']])).toBeNull();
    expect(ev(get(ref(0, BID), 1, STRING), [[1]])).toBeNull();
    expect(ev(get(nul(BID), 0), [])).toBeNull();
  });

  it('works for a NOT NULL row and in a filter', () => {
    const row = ref(0, T.ROW(BID.fields!, false));
    const calc = compileCalc([get(row, 1, STRING)], fn('>', [get(row, 0), lit(5, BIGINT)], T.BOOLEAN()));
    const out: unknown[][] = [];
    calc([[[3, 'a']], [[6, 'b']]], out);
    expect(out).toEqual([['b']]);
  });
});
