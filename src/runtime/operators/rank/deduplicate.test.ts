import { describe, expect, it } from 'vitest';
import type { DeduplicateSpec } from '../../../common/jobgraph.js';
import { Types } from '../../../common/types.js';
import { DeduplicateOperator } from './deduplicate.js';
import { harness, type Input, subtaskOf } from './test-harness.js';

/** Rows [k, ts (a rowtime, epoch ms), v]. */
const TYPES = [Types.STRING(), Types.TIMESTAMP(3), Types.INT()];

const dedup = (spec: Partial<DeduplicateSpec>, restoreFrom?: ReturnType<typeof harness>['backend'][]) =>
  harness(
    new DeduplicateOperator({
      kind: 'deduplicate',
      keys: [0],
      keepLastRow: true,
      generateUpdateBefore: true,
      ...spec,
    }),
    TYPES,
    { restoreFrom },
  );

describe('DeduplicateOperator', () => {
  it('keep first row on processing time: the first row of each key, insert-only', () => {
    const h = dedup({ keepLastRow: false });
    expect(h.push(['+I', 'a', 5, 1], ['+I', 'b', 1, 2], ['+I', 'a', 1, 3])).toEqual([
      '+I[a, 1970-01-01T00:00:00.005, 1]',
      '+I[b, 1970-01-01T00:00:00.001, 2]',
    ]);
  });

  it('keep last row on processing time: every row replaces the kept one (-U/+U)', () => {
    const h = dedup({});
    expect(h.push(['+I', 'a', 5, 1])).toEqual(['+I[a, 1970-01-01T00:00:00.005, 1]']);
    expect(h.push(['+I', 'a', 1, 2])).toEqual([
      '-U[a, 1970-01-01T00:00:00.005, 1]',
      '+U[a, 1970-01-01T00:00:00.001, 2]',
    ]);
  });

  it('keep last row on event time: a row with a larger or equal rowtime wins, an older one is dropped', () => {
    const h = dedup({ rowtimeIndex: 1, generateUpdateBefore: false });
    h.push(['+I', 'a', 5, 1]);
    expect(h.push(['+I', 'a', 3, 2])).toEqual([]);
    expect(h.push(['+I', 'a', 5, 3])).toEqual(['+U[a, 1970-01-01T00:00:00.005, 3]']);
    expect(h.push(['+I', 'a', 9, 4])).toEqual(['+U[a, 1970-01-01T00:00:00.009, 4]']);
  });

  it('keep first row on event time: only a strictly earlier row replaces the kept one', () => {
    const h = dedup({ rowtimeIndex: 1, keepLastRow: false });
    expect(h.push(['+I', 'a', 5, 1])).toEqual(['+I[a, 1970-01-01T00:00:00.005, 1]']);
    expect(h.push(['+I', 'a', 5, 2], ['+I', 'a', 7, 3])).toEqual([]);
    expect(h.push(['+I', 'a', 2, 4])).toEqual([
      '-U[a, 1970-01-01T00:00:00.005, 1]',
      '+U[a, 1970-01-01T00:00:00.002, 4]',
    ]);
  });

  it('restores the kept rows and rescales them by key group', () => {
    const feed: Input[] = [];
    for (let i = 0; i < 120; i++) feed.push(['+I', `k${i % 9}`, (i * 13) % 50, i]);
    for (const spec of [
      { keepLastRow: false },
      { rowtimeIndex: 1 },
      { rowtimeIndex: 1, keepLastRow: false },
    ]) {
      const expected = dedup(spec).push(...feed);
      const first = dedup(spec);
      const before = first.push(...feed.slice(0, 60));
      const restored = dedup(spec, [first.backend]);
      expect([...before, ...restored.push(...feed.slice(60))]).toEqual(expected);

      const subtasks = [0, 1].map((i) =>
        harness(
          new DeduplicateOperator({
            kind: 'deduplicate',
            keys: [0],
            keepLastRow: true,
            generateUpdateBefore: true,
            ...spec,
          }),
          TYPES,
          { restoreFrom: [first.backend], parallelism: 2, subtask: i },
        ),
      );
      const after = feed.slice(60).flatMap((row) => subtasks[subtaskOf([row[1]], 2)].push(row));
      expect([...before, ...after].sort()).toEqual([...expected].sort());
    }
  });
});
