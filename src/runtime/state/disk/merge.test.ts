import { describe, expect, it } from 'vitest';
import { mergeSorted, sortInSlices } from './merge.js';
import type { StoredRecord } from './records.js';

describe('merging and sorting for the disk backend', () => {
  it('sorts in slices exactly as Array.prototype.sort does, yielding between slices', async () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `${(i * 7919) % 10_007}-${i % 13}`);
    let pauses = 0;
    const sorted = await sortInSlices([...keys], async () => {
      pauses++;
    });
    expect(sorted).toEqual([...keys].sort());
    expect(pauses).toBeGreaterThan(4);
  });

  it('merges sorted sources, the newest source winning on equal keys', () => {
    const newer: StoredRecord[] = [['b'], ['d', [1], 'new', 2]];
    const older: StoredRecord[] = [
      ['a', [0], 'a', 1],
      ['b', [1], 'old', 1],
      ['d', [1], 'old', 1],
    ];
    expect([...mergeSorted([newer.values(), older.values()])]).toEqual([
      ['a', [0], 'a', 1],
      ['b'],
      ['d', [1], 'new', 2],
    ]);
  });
});
