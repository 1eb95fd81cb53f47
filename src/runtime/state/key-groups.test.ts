import { describe, expect, it } from 'vitest';
import { assignToKeyGroup, hashValue, keyGroupRange, operatorIndexForKeyGroup } from './key-groups.js';

describe('key groups', () => {
  it("hashes strings as Java's String.hashCode", () => {
    expect(hashValue('hello')).toBe(99162322);
    expect(hashValue('')).toBe(0);
  });

  it('gives every key group to exactly one subtask, consistently with the key group ranges', () => {
    for (const parallelism of [1, 2, 3, 7, 128]) {
      const owners = Array.from({ length: 128 }, (_, g) => operatorIndexForKeyGroup(128, parallelism, g));
      for (let s = 0; s < parallelism; s++) {
        const { start, end } = keyGroupRange(128, parallelism, s);
        for (let g = 0; g < 128; g++) expect(owners[g] === s).toBe(g >= start && g <= end);
      }
    }
  });

  it('spreads keys over all key groups', () => {
    const groups = new Set(Array.from({ length: 5000 }, (_, i) => assignToKeyGroup(hashValue(i), 128)));
    expect(groups.size).toBe(128);
  });
});
