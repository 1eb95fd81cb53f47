import { describe, expect, it } from 'vitest';
import type { RankSpec } from '../../../common/jobgraph.js';
import { Types } from '../../../common/types.js';
import { RankOperator } from './rank.js';
import { harness, type Input, subtaskOf } from './test-harness.js';

/** Rows [k, price, id]; Top-N per k by price DESC (NULLS LAST, Flink's default for DESC). */
const INPUT = {
  fields: [
    { name: 'k', type: Types.STRING() },
    { name: 'price', type: Types.INT() },
    { name: 'id', type: Types.INT() },
  ],
};
const TYPES = INPUT.fields.map((f) => f.type);
const WITH_RANK = [...TYPES, Types.BIGINT(false)];

function spec(extra: Partial<RankSpec> = {}): RankSpec {
  return {
    kind: 'rank',
    partitionKeys: [0],
    orderKeys: [{ index: 1, descending: true, nullsFirst: false }],
    rankStart: 1,
    rankEnd: 2,
    outputRankNumber: false,
    inputInsertOnly: true,
    generateUpdateBefore: true,
    inputType: INPUT,
    ...extra,
  };
}

const rank = (extra: Partial<RankSpec> = {}) => {
  const s = spec(extra);
  return harness(new RankOperator(s), s.outputRankNumber ? WITH_RANK : TYPES);
};

describe('RankOperator (AppendFastStrategy, insert-only input)', () => {
  it('without the rank number: +I as a row enters the top N, -D for the row it pushes out', () => {
    const h = rank();
    expect(h.push(['+I', 'a', 10, 1])).toEqual(['+I[a, 10, 1]']);
    expect(h.push(['+I', 'a', 20, 2])).toEqual(['+I[a, 20, 2]']);
    // Top 2 is full: 5 sorts after both and never enters.
    expect(h.push(['+I', 'a', 5, 3])).toEqual([]);
    expect(h.push(['+I', 'a', 15, 4])).toEqual(['-D[a, 10, 1]', '+I[a, 15, 4]']);
    // Another partition has its own top N.
    expect(h.push(['+I', 'b', 1, 5])).toEqual(['+I[b, 1, 5]']);
  });

  it('ties keep arrival order: a row equal to the last of a full top N does not enter', () => {
    const h = rank();
    h.push(['+I', 'a', 10, 1], ['+I', 'a', 20, 2]);
    expect(h.push(['+I', 'a', 10, 3])).toEqual([]);
    expect(h.push(['+I', 'a', 20, 4])).toEqual(['-D[a, 10, 1]', '+I[a, 20, 4]']);
  });

  it('with the rank number: every rank whose row changed is -U old / +U new, a new rank +I', () => {
    const h = rank({ outputRankNumber: true, rankEnd: 3 });
    expect(h.push(['+I', 'a', 10, 1])).toEqual(['+I[a, 10, 1, 1]']);
    expect(h.push(['+I', 'a', 30, 2])).toEqual(['-U[a, 10, 1, 1]', '+U[a, 30, 2, 1]', '+I[a, 10, 1, 2]']);
    expect(h.push(['+I', 'a', 20, 3])).toEqual(['-U[a, 10, 1, 2]', '+U[a, 20, 3, 2]', '+I[a, 10, 1, 3]']);
    expect(h.push(['+I', 'a', 25, 4])).toEqual([
      '-U[a, 20, 3, 2]',
      '+U[a, 25, 4, 2]',
      '-U[a, 10, 1, 3]',
      '+U[a, 20, 3, 3]',
    ]);
  });

  it('without UPDATE_BEFORE only +U is sent for a shifted rank', () => {
    const h = rank({ outputRankNumber: true, generateUpdateBefore: false });
    h.push(['+I', 'a', 10, 1]);
    expect(h.push(['+I', 'a', 30, 2])).toEqual(['+U[a, 30, 2, 1]', '+I[a, 10, 1, 2]']);
  });

  it('a rank range that starts after 1 (rn BETWEEN 2 AND 3)', () => {
    const h = rank({ rankStart: 2, rankEnd: 3 });
    expect(h.push(['+I', 'a', 10, 1])).toEqual([]);
    expect(h.push(['+I', 'a', 30, 2])).toEqual(['+I[a, 10, 1]']);
    expect(h.push(['+I', 'a', 20, 3])).toEqual(['+I[a, 20, 3]']);
    // 40 takes rank 1: 30 moves into the range, 10 falls out of it.
    expect(h.push(['+I', 'a', 40, 4])).toEqual(['-D[a, 10, 1]', '+I[a, 30, 2]']);
  });

  it('orders NULLs last for DESC and first for ASC, as Flink does by default', () => {
    const desc = rank({ rankEnd: 1 });
    expect(desc.push(['+I', 'a', null, 1])).toEqual(['+I[a, null, 1]']);
    expect(desc.push(['+I', 'a', 1, 2])).toEqual(['-D[a, null, 1]', '+I[a, 1, 2]']);
    const asc = rank({ rankEnd: 1, orderKeys: [{ index: 1, descending: false, nullsFirst: true }] });
    expect(asc.push(['+I', 'a', 1, 1])).toEqual(['+I[a, 1, 1]']);
    expect(asc.push(['+I', 'a', null, 2])).toEqual(['-D[a, 1, 1]', '+I[a, null, 2]']);
  });

  it('orders by several keys, and partitions by none (a global Top-N)', () => {
    const h = rank({
      partitionKeys: [],
      orderKeys: [
        { index: 1, descending: true, nullsFirst: false },
        { index: 2, descending: false, nullsFirst: true },
      ],
    });
    h.push(['+I', 'a', 10, 5], ['+I', 'b', 10, 3]);
    expect(h.push(['+I', 'c', 10, 4])).toEqual(['-D[a, 10, 5]', '+I[c, 10, 4]']);
  });
});

describe('RankOperator (RetractStrategy, updating input)', () => {
  it('a retracted top row lets the next one in: -D / +I without the rank number', () => {
    const h = rank({ inputInsertOnly: false });
    h.push(['+I', 'a', 10, 1], ['+I', 'a', 20, 2], ['+I', 'a', 5, 3]);
    expect(h.push(['-D', 'a', 20, 2])).toEqual(['-D[a, 20, 2]', '+I[a, 5, 3]']);
    // An update that moves a row: -U its old version, +U its new one.
    expect(h.push(['-U', 'a', 5, 3], ['+U', 'a', 50, 3])).toEqual(['-D[a, 5, 3]', '+I[a, 50, 3]']);
    // Retracting a row outside the top N changes nothing visible.
    h.push(['+I', 'a', 1, 4]);
    expect(h.push(['-D', 'a', 1, 4])).toEqual([]);
  });

  it('rank shifts on retraction with the rank number: -U/+U per shifted rank, -D for the emptied one', () => {
    const h = rank({ inputInsertOnly: false, outputRankNumber: true });
    h.push(['+I', 'a', 30, 1], ['+I', 'a', 20, 2]);
    expect(h.push(['-D', 'a', 30, 1])).toEqual(['-U[a, 30, 1, 1]', '+U[a, 20, 2, 1]', '-D[a, 20, 2, 2]']);
    expect(h.push(['-D', 'a', 20, 2])).toEqual(['-D[a, 20, 2, 1]']);
  });

  it('retracts the first of equal rows (ties), and ignores a retraction of a row it does not hold', () => {
    const h = rank({ inputInsertOnly: false, rankEnd: 1 });
    h.push(['+I', 'a', 10, 1], ['+I', 'a', 10, 1], ['+I', 'a', 10, 2]);
    // The first copy goes; the second copy of the same row is now rank 1: the same row, one -D and one +I.
    expect(h.push(['-D', 'a', 10, 1])).toEqual(['-D[a, 10, 1]', '+I[a, 10, 1]']);
    expect(h.push(['-D', 'a', 10, 1])).toEqual(['-D[a, 10, 1]', '+I[a, 10, 2]']);
    expect(h.push(['-D', 'a', 99, 9])).toEqual([]);
  });
});

describe('RankOperator state', () => {
  const feed: Input[] = [];
  for (let i = 0; i < 200; i++) feed.push(['+I', `k${i % 7}`, (i * 37) % 101, i]);

  it('restores from a snapshot of its keyed state and continues as if never stopped', () => {
    const reference = rank({ outputRankNumber: true, rankEnd: 3 });
    const expected = reference.push(...feed);
    const first = rank({ outputRankNumber: true, rankEnd: 3 });
    const before = first.push(...feed.slice(0, 120));
    const s = spec({ outputRankNumber: true, rankEnd: 3 });
    const restored = harness(new RankOperator(s), WITH_RANK, { restoreFrom: [first.backend] });
    expect([...before, ...restored.push(...feed.slice(120))]).toEqual(expected);
  });

  it('rescales: state from one subtask restored into three, each row routed by its key group', () => {
    const s = spec({ rankEnd: 3 });
    const reference = harness(new RankOperator(s), TYPES);
    const expected = reference.push(...feed);
    const first = harness(new RankOperator(s), TYPES);
    const before = first.push(...feed.slice(0, 90));
    const subtasks = [0, 1, 2].map((i) =>
      harness(new RankOperator(s), TYPES, { restoreFrom: [first.backend], parallelism: 3, subtask: i }),
    );
    const after = feed.slice(90).flatMap((row) => subtasks[subtaskOf([row[1]], 3)].push(row));
    expect([...before, ...after].sort()).toEqual([...expected].sort());
    // Per key, the changes come in the same order.
    for (let k = 0; k < 7; k++) {
      const ofKey = (lines: string[]) => lines.filter((l) => l.includes(`[k${k},`));
      expect(ofKey([...before, ...after])).toEqual(ofKey(expected));
    }
  });
});
