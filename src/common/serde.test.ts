import { describe, expect, it } from 'vitest';
import { parseState, stringifyState } from './serde.js';

describe('state serialization', () => {
  it('round-trips bigint, bytes, maps, undefined and objects that look like tags', () => {
    const value = {
      decimal: 12345678901234567890n,
      bytes: new Uint8Array([0, 1, 255]),
      map: new Map<unknown, unknown>([
        ['a', 1n],
        [2, [null, undefined]],
      ]),
      tricky: { $bigint: 'not a bigint' },
      nested: [[1, 'x', -5n]],
    };
    expect(parseState(stringifyState(value))).toEqual(value);
  });

  it('round-trips the doubles JSON cannot carry: NaN, infinities and -0', () => {
    const back = parseState(
      stringifyState([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1.5]),
    ) as number[];
    expect(back.map((v) => (Object.is(v, -0) ? '-0' : String(v)))).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      '-0',
      '0',
      '1.5',
    ]);
  });
});
