import { describe, expect, it } from 'vitest';
import { Types } from '../../../common/types.js';
import { harness, type Input, subtaskOf } from '../rank/test-harness.js';
import { ChangelogNormalizeOperator } from './changelog-normalize.js';

/** Rows [id, name] keyed by id, as an upsert source emits them (tombstones carry only the key). */
const TYPES = [Types.BIGINT(), Types.STRING()];

type Backend = ReturnType<typeof harness>['backend'];

const normalize = (
  generateUpdateBefore = true,
  restore: { restoreFrom?: Backend[]; parallelism?: number; subtask?: number } = {},
) =>
  harness(
    new ChangelogNormalizeOperator({ kind: 'changelog-normalize', keys: [0], generateUpdateBefore }),
    TYPES,
    restore,
  );

describe('ChangelogNormalizeOperator', () => {
  it('turns upserts and deletes by key into +I, -U/+U and -D with the kept row', () => {
    const h = normalize();
    expect(h.push(['+I', 1n, 'a'], ['+I', 2n, 'b'])).toEqual(['+I[1, a]', '+I[2, b]']);
    expect(h.push(['+I', 1n, 'a2'])).toEqual(['-U[1, a]', '+U[1, a2]']);
    // A tombstone carries the key only: the delete sends the row that was kept.
    expect(h.push(['-D', 2n, null])).toEqual(['-D[2, b]']);
    // A tombstone of an absent key and an unchanged upsert send nothing.
    expect(h.push(['-D', 3n, null], ['+U', 1n, 'a2'])).toEqual([]);
    // A deleted key comes back as an insert.
    expect(h.push(['+U', 2n, 'c'])).toEqual(['+I[2, c]']);
  });

  it('sends no -U when the consumer takes upserts', () => {
    const h = normalize(false);
    h.push(['+I', 1n, 'a']);
    expect(h.push(['+I', 1n, 'b'], ['-D', 1n, null])).toEqual(['+U[1, b]', '-D[1, b]']);
  });

  it('restores the kept rows and rescales them by key group', () => {
    const feed: Input[] = [];
    for (let i = 0; i < 150; i++) {
      const id = BigInt(i % 11);
      feed.push(i % 7 === 3 ? ['-D', id, null] : ['+I', id, `v${i % 4}`]);
    }
    const expected = normalize().push(...feed);
    const first = normalize();
    const before = first.push(...feed.slice(0, 70));
    const restored = normalize(true, { restoreFrom: [first.backend] });
    expect([...before, ...restored.push(...feed.slice(70))]).toEqual(expected);

    const subtasks = [0, 1, 2].map((i) =>
      normalize(true, { restoreFrom: [first.backend], parallelism: 3, subtask: i }),
    );
    const after = feed.slice(70).flatMap((row) => subtasks[subtaskOf([row[1]], 3)].push(row));
    expect([...before, ...after].sort()).toEqual([...expected].sort());
  });
});
