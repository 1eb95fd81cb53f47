import { describe, expect, it } from 'vitest';
import type { InFlightBatch } from '../network/input-gate.js';
import { inputRoutings, redistributeChannelState } from './channel-state.js';
import { assignToKeyGroup, hashFields, operatorIndexForKeyGroup } from './key-groups.js';

const rows = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => [from + i, `v${from + i}`]);

describe('redistributeChannelState', () => {
  it('routes in-flight records of a hash input to the new subtask owning their key group, in order', () => {
    const previous: InFlightBatch[][] = [
      [{ rows: rows(0, 50) }, { rows: rows(50, 60), kinds: new Uint8Array(10).fill(2) }],
      [{ rows: rows(100, 180) }],
      [],
    ];
    const routing = new Map([[0, { partitioner: 'hash' as const, keys: [0] }]]);
    const next = redistributeChannelState(previous, 2, routing, 128)!;
    expect(next).toHaveLength(2);
    const seen: number[] = [];
    next.forEach((batches, subtask) => {
      for (const b of batches) {
        b.rows.forEach((row, i) => {
          expect(operatorIndexForKeyGroup(128, 2, assignToKeyGroup(hashFields(row, [0]), 128))).toBe(subtask);
          // Row kinds travel with their rows.
          expect(b.kinds?.[i] ?? 0).toBe((row[0] as number) >= 50 && (row[0] as number) < 60 ? 2 : 0);
          seen.push(row[0] as number);
        });
      }
      const ids = batches.flatMap((b) => b.rows.map((r) => r[0] as number));
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    });
    expect(seen.sort((a, b) => a - b)).toEqual([...rows(0, 60), ...rows(100, 180)].map((r) => r[0]));
  });

  it('keeps the input index of a two-input operator and gives no answer for a forward input', () => {
    const previous: InFlightBatch[][] = [[{ rows: rows(0, 10), inputIndex: 1 }]];
    const routings = inputRoutings(
      [
        { target: 4, inputIndex: 0, partitioner: 'forward' },
        { target: 4, inputIndex: 1, partitioner: 'rebalance' },
      ],
      4,
    );
    const next = redistributeChannelState(previous, 3, routings, 128)!;
    expect(next.flat().every((b) => b.inputIndex === 1)).toBe(true);
    expect(next.flat().flatMap((b) => b.rows)).toHaveLength(10);
    expect(redistributeChannelState([[{ rows: rows(0, 3) }]], 3, routings, 128)).toBeUndefined();
  });
});
