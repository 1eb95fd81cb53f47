import { describe, expect, it } from 'vitest';
import { TimestampHeap } from './timestamp-heap.js';

describe('TimestampHeap', () => {
  it('pops in ascending order whatever the order of pushes, duplicates included', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const heap = new TimestampHeap();
    const reference: number[] = [];
    for (let round = 0; round < 2000; round++) {
      if (random() < 0.6) {
        const t = Math.floor(random() * 500) - 100;
        heap.push(t);
        reference.push(t);
        reference.sort((a, b) => a - b);
      } else {
        expect(heap.pop()).toBe(reference.shift());
      }
      expect(heap.peek()).toBe(reference[0]);
      expect(heap.size).toBe(reference.length);
    }
    const rest: number[] = [];
    for (let t = heap.pop(); t !== undefined; t = heap.pop()) rest.push(t);
    expect(rest).toEqual(reference);
  });
});
