import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import type { SortFieldSpec, WindowRankSpec } from '../../../common/jobgraph.js';
import type { OperatorContext, ProcessingTimeService } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { subtaskOf } from '../rank/test-harness.js';
import { WindowRankOperator } from './window-rank.js';

/** A processing-time clock the test moves by hand; due callbacks run when it does. */
class ManualClock implements ProcessingTimeService {
  time = 0;
  private timers: { at: number; cb: (t: number) => void | Promise<void> }[] = [];
  now(): number {
    return this.time;
  }
  registerTimer(at: number, cb: (t: number) => void | Promise<void>): () => void {
    const timer = { at, cb };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }
  async advance(to: number): Promise<void> {
    this.time = to;
    for (let due = this.timers.find((t) => t.at <= to); due; due = this.timers.find((t) => t.at <= to)) {
      this.timers = this.timers.filter((t) => t !== due);
      await due.cb(to);
    }
  }
}

/** Input rows: [key, value, ts, window_start, window_end], as a window TVF emits them. */
type Row = [string, number | null, number, number, number];

const PRICE_DESC: SortFieldSpec = { index: 1, descending: true, nullsFirst: false };
const TS_ASC: SortFieldSpec = { index: 2, descending: false, nullsFirst: true };
const TS_DESC: SortFieldSpec = { index: 2, descending: true, nullsFirst: false };

function harness(o: Partial<WindowRankSpec> & { backend?: TestKeyedStateBackend; clock?: ManualClock } = {}) {
  const spec: WindowRankSpec = {
    kind: 'window-rank',
    partitionKeys: o.partitionKeys ?? [0],
    orderKeys: o.orderKeys ?? [PRICE_DESC],
    rankStart: o.rankStart ?? 1,
    rankEnd: o.rankEnd ?? 2,
    outputRankNumber: o.outputRankNumber ?? false,
    windowStartIndex: 3,
    windowEndIndex: 4,
    timeDomain: o.timeDomain ?? 'event-time',
    keepLastRow: o.keepLastRow ?? false,
  };
  const backend = o.backend ?? createTestBackend(128, 1, 0);
  const clock = o.clock ?? new ManualClock();
  const op = new WindowRankOperator(spec);
  let emitted: unknown[][] = [];
  const kinds: number[] = [];
  op.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'WindowRank',
      processingTimeService: clock,
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        for (let i = 0; i < b.rows.length; i++) {
          emitted.push(b.rows[i]);
          kinds.push(b.kinds?.[i] ?? 0);
        }
      },
      emitWatermark: () => {},
    },
  );
  const take = () => {
    const out = emitted;
    emitted = [];
    return out;
  };
  return {
    op,
    backend,
    kinds,
    push(...rows: Row[]) {
      void op.processBatch({ rows: rows.map((r) => [...r]) });
      return take();
    },
    async watermark(wm: number) {
      await op.processWatermark(wm);
      return take();
    },
    async advanceClock(to: number) {
      await clock.advance(to);
      return take();
    },
  };
}

describe('WindowRankOperator (window Top-N)', () => {
  it('emits the top N of each key and window once, when the watermark reaches the window end - 1', async () => {
    const h = harness();
    expect(
      h.push(
        ['a', 5, 1, 0, 10],
        ['a', 9, 2, 0, 10],
        ['b', 1, 3, 0, 10],
        ['a', 7, 4, 0, 10],
        ['a', 8, 12, 10, 20],
      ),
    ).toEqual([]);
    expect(await h.watermark(8)).toEqual([]);
    expect(await h.watermark(9)).toEqual([
      ['a', 9, 2, 0, 10],
      ['a', 7, 4, 0, 10],
      ['b', 1, 3, 0, 10],
    ]);
    // The fired window's state is gone: nothing more comes for it.
    expect(await h.watermark(9)).toEqual([]);
    expect(await h.watermark(30)).toEqual([['a', 8, 12, 10, 20]]);
    expect(new Set(h.kinds)).toEqual(new Set([0]));
  });

  it('drops rows of windows that have fired (late) and counts them', async () => {
    const h = harness();
    await h.watermark(15);
    expect(h.push(['a', 1, 3, 0, 10], ['a', 2, 16, 10, 20])).toEqual([]);
    expect(h.op.numLateRecordsDropped).toBe(1);
    expect(await h.watermark(19)).toEqual([['a', 2, 16, 10, 20]]);
  });

  it('emits ranks rankStart..rankEnd with the rank number, ties in arrival order, NULLs last descending', async () => {
    const h = harness({ rankStart: 2, rankEnd: 3, outputRankNumber: true });
    h.push(
      ['a', null, 1, 0, 10],
      ['a', 5, 2, 0, 10],
      ['a', 5, 3, 0, 10],
      ['a', 6, 4, 0, 10],
      ['a', 1, 5, 0, 10],
    );
    expect(await h.watermark(9)).toEqual([
      ['a', 5, 2, 0, 10, 2],
      ['a', 5, 3, 0, 10, 3],
    ]);
  });

  it('ranks windows of a HOP apart: a row in two windows counts in each', async () => {
    const h = harness({ rankEnd: 1, partitionKeys: [] });
    h.push(['a', 5, 7, 0, 10], ['a', 5, 7, 5, 15], ['b', 9, 3, 0, 10], ['c', 1, 12, 5, 15]);
    expect(await h.watermark(20)).toEqual([
      ['b', 9, 3, 0, 10],
      ['a', 5, 7, 5, 15],
    ]);
  });

  it('fires on processing time when the window is a processing-time one', async () => {
    const h = harness({ timeDomain: 'processing-time', rankEnd: 1 });
    h.push(['a', 1, 0, 0, 10], ['a', 3, 0, 0, 10]);
    expect(await h.advanceClock(8)).toEqual([]);
    expect(await h.advanceClock(9)).toEqual([['a', 3, 0, 0, 10]]);
  });

  it('restores buffered windows and their timers from a snapshot, also at another parallelism', async () => {
    const h = harness();
    h.push(['a', 5, 1, 0, 10], ['b', 4, 2, 0, 10], ['a', 9, 3, 0, 10]);
    const snapshot = h.backend.snapshot();
    // Rows after the snapshot never reach the restored operators' state.
    h.push(['a', 100, 4, 0, 10]);
    const out: unknown[][] = [];
    for (let subtask = 0; subtask < 2; subtask++) {
      const backend = createTestBackend(128, 2, subtask);
      backend.restore([structuredClone(snapshot)]);
      const r = harness({ backend });
      if (subtaskOf(['a'], 2) === subtask) r.push(['a', 7, 5, 0, 10]);
      out.push(...(await r.watermark(9)));
    }
    expect(out.sort()).toEqual([
      ['a', 7, 5, 0, 10],
      ['a', 9, 3, 0, 10],
      ['b', 4, 2, 0, 10],
    ]);
  });
});

describe('WindowRankOperator (window deduplication)', () => {
  it('keep=[FirstRow]: the earliest row of each key and window, the first to arrive on a tie', async () => {
    const h = harness({ orderKeys: [TS_ASC], rankEnd: 1 });
    h.push(['a', 1, 5, 0, 10], ['a', 2, 3, 0, 10], ['a', 3, 3, 0, 10], ['b', 4, 8, 0, 10]);
    expect(await h.watermark(9)).toEqual([
      ['a', 2, 3, 0, 10],
      ['b', 4, 8, 0, 10],
    ]);
  });

  it('keep=[LastRow]: the latest row of each key and window, the last to arrive on a tie', async () => {
    const h = harness({ orderKeys: [TS_DESC], rankEnd: 1, keepLastRow: true });
    h.push(['a', 1, 7, 0, 10], ['a', 2, 3, 0, 10], ['a', 3, 7, 0, 10], ['a', 4, 6, 0, 10]);
    expect(await h.watermark(9)).toEqual([['a', 3, 7, 0, 10]]);
  });
});
