import { describe, expect, it } from 'vitest';
import { decodeKeyGroup, isBinaryKeyGroup, KeyGroupBinaryWriter } from './state-binary.js';

/** Writes entries [key group, state name, key, value, written at] and decodes every key group back. */
function roundTrip(
  entries: [number, string, unknown[], unknown, number][],
): Record<string, Record<string, unknown[]>> {
  const writer = new KeyGroupBinaryWriter();
  for (const [kg, name, key, value, at] of entries) writer.add(kg, name, key, value, at);
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const [kg, bytes] of Object.entries(writer.finish())) {
    expect(isBinaryKeyGroup(bytes)).toBe(true);
    out[kg] = decodeKeyGroup(bytes);
  }
  return out;
}

describe('keyed state in binary form', () => {
  it('round-trips every kind of value state holds', () => {
    const object = JSON.parse('{"__proto__": 1, "$map": [2], "a": {"b": null}}');
    const values: unknown[] = [
      0,
      -0,
      1,
      -1,
      127,
      128,
      -129,
      2 ** 31,
      -(2 ** 31) - 1,
      2 ** 52 - 1,
      -(2 ** 52) + 1,
      2 ** 52,
      -(2 ** 53) - 2,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      Number.MAX_VALUE,
      1.5,
      -0.1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      '',
      'a',
      'x"y\\z\n',
      'é€😀',
      'a'.repeat(63),
      `${'a'.repeat(63)}é`,
      'b'.repeat(100_000),
      true,
      false,
      null,
      undefined,
      0n,
      -(2n ** 100n),
      new Uint8Array([]),
      new Uint8Array([0, 255, 7]),
      [],
      [1, [2, [3, 'x']], null],
      new Map<unknown, unknown>([
        ['k', 1],
        [2, new Map([[3n, [true]]])],
      ]),
      object,
    ];
    const entries: [number, string, unknown[], unknown, number][] = values.map((v, i) => [
      i % 3,
      i % 2 === 0 ? 'even' : 'odd',
      [i, `key${i}`],
      v,
      1_700_000_000_000 + i,
    ]);
    const decoded = roundTrip(entries);
    for (const [kg, name, key, value, at] of entries) {
      const found = (decoded[kg][name] as [unknown[], unknown, number][]).find((e) => e[0][0] === key[0]);
      expect(found).toBeDefined();
      expect(found![0]).toEqual(key);
      expect(found![1]).toEqual(value);
      expect(found![2]).toBe(at);
    }
    const proto = (
      decoded[(values.length - 1) % 3][(values.length - 1) % 2 === 0 ? 'even' : 'odd'] as unknown[][]
    ).at(-1)![1];
    expect(Object.getOwnPropertyNames(proto)).toEqual(['__proto__', '$map', 'a']);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
    expect(Object.is((decoded[1].odd as unknown[][])[0][1], -0)).toBe(true);
  });

  it('keeps the order of entries within a state, also when a key group and name come back later', () => {
    const decoded = roundTrip([
      [5, 'a', [1], 'one', 1],
      [5, 'b', [2], 'two', 2],
      [6, 'a', [3], 'three', 3],
      [5, 'a', [4], 'four', 4],
    ]);
    expect(decoded).toEqual({
      '5': {
        a: [
          [[1], 'one', 1],
          [[4], 'four', 4],
        ],
        b: [[[2], 'two', 2]],
      },
      '6': { a: [[[3], 'three', 3]] },
    });
  });

  it('spans chunks: more than 64 KiB of entries, and a value larger than a chunk', () => {
    const entries: [number, string, unknown[], unknown, number][] = [];
    for (let i = 0; i < 20_000; i++) entries.push([i % 7, 's', [i], [i, i * 3, `v${i}`], i]);
    entries.push([3, 's', [-1], new Uint8Array(200_000).fill(9), 0]);
    const decoded = roundTrip(entries);
    for (let kg = 0; kg < 7; kg++) {
      expect(decoded[kg].s).toEqual(entries.filter((e) => e[0] === kg).map((e) => [e[2], e[3], e[4]]));
    }
  });

  it('says what is wrong with bytes it cannot read', () => {
    expect(() => decodeKeyGroup(new Uint8Array([1, 2, 3]))).toThrow(/unknown format/);
    const bytes = new KeyGroupBinaryWriter();
    bytes.add(0, 's', ['k'], 'value', 1);
    const whole = bytes.finish()['0'];
    expect(() => decodeKeyGroup(whole.subarray(0, whole.length - 3))).toThrow(/ends in the middle/);
    const badTag = Uint8Array.from(whole);
    badTag[5] = 99; // the tag of the key
    expect(() => decodeKeyGroup(badTag)).toThrow(/unknown value tag 99/);
    expect(() => new KeyGroupBinaryWriter().add(0, 's', [() => 1], 1, 1)).toThrow(/cannot write a function/);
  });
});
