import { describe, expect, it } from 'vitest';
import { compileCalc } from './index.js';
import { BIGINT, big, dec, d, ev, fn, INT, int, ref } from './test-support.js';

describe('smoke', () => {
  it('adds', () => {
    expect(ev(fn('+', [int(1), int(2)], INT))).toBe(3);
    expect(ev(fn('*', [fn('CAST', [ref(0, BIGINT)], dec(19, 0)), d('0.908')], dec(23, 3)), [100])).toBe(90800n);
    const calc = compileCalc([ref(0, BIGINT)], fn('>', [ref(0, BIGINT), big(5)], { root: 'BOOLEAN', nullable: true }));
    const out: unknown[][] = [];
    calc([[1], [7], [null]], out);
    expect(out).toEqual([[7]]);
  });
});
