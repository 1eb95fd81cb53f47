import { describe, expect, it } from 'vitest';
import { serializedBytes } from './record-bytes.js';

/** Per record: 4-byte length, 1-byte tag, BinaryRowDataSerializer's 4-byte length. */
const FRAMING = 9;

describe('serializedBytes: records as Flink’s network stack counts them', () => {
  it('gives a row of fixed-size fields its header word and one 8-byte slot per field', () => {
    expect(serializedBytes({ rows: [[1, 2.5, true, null]] })).toBe(FRAMING + 8 + 4 * 8);
    expect(serializedBytes({ rows: [] })).toBe(0);
    // The header's null bits run into a second word past 56 fields.
    expect(serializedBytes({ rows: [new Array(56).fill(0)] })).toBe(FRAMING + 8 + 56 * 8);
    expect(serializedBytes({ rows: [new Array(57).fill(0)] })).toBe(FRAMING + 16 + 57 * 8);
  });

  it('keeps strings and bytes of up to 7 units inline and puts longer ones in 8-byte words', () => {
    const fixed = FRAMING + 8 + 8;
    expect(serializedBytes({ rows: [['abcdefg']] })).toBe(fixed);
    expect(serializedBytes({ rows: [['abcdefgh']] })).toBe(fixed + 8);
    expect(serializedBytes({ rows: [['abcdefghi']] })).toBe(fixed + 16);
    // One byte per UTF-16 unit (exact for ASCII; the record path does not measure UTF-8).
    expect(serializedBytes({ rows: [['ééééééé']] })).toBe(fixed);
    expect(serializedBytes({ rows: [['éééééééé']] })).toBe(fixed + 8);
    expect(serializedBytes({ rows: [[new Uint8Array(9)]] })).toBe(fixed + 16);
  });

  it('puts DECIMALs wider than a long and nested rows in the variable part', () => {
    const fixed = FRAMING + 8 + 8;
    expect(serializedBytes({ rows: [[123n]] })).toBe(fixed);
    expect(serializedBytes({ rows: [[10n ** 30n]] })).toBe(fixed + 16);
    expect(serializedBytes({ rows: [[[1, 'abcdefghij']]] })).toBe(fixed + 8 + 2 * 8 + 16);
  });

  it('sums the records of a batch', () => {
    const rows = [
      [1, 'a'],
      [2, 'a much longer string'],
    ];
    expect(serializedBytes({ rows })).toBe(2 * (FRAMING + 8 + 16) + 24);
  });

  it('estimates a large batch from rows spread over it, exactly when its rows are alike', () => {
    const alike = Array.from({ length: 1000 }, (_, i) => [i, 'abcdefghij']);
    expect(serializedBytes({ rows: alike })).toBe(1000 * (FRAMING + 8 + 16 + 16));
    // Half the rows carry a long string, alternating: the estimate is within a few percent.
    const mixed = Array.from({ length: 1001 }, (_, i) => [i, i % 2 ? 'x'.repeat(100) : 'y']);
    const exact = 1001 * (FRAMING + 8 + 16) + 500 * 104;
    expect(Math.abs(serializedBytes({ rows: mixed }) - exact) / exact).toBeLessThan(0.05);
  });
});
