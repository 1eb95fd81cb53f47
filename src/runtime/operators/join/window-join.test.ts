import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { call, inputRef } from '../../../common/expr.js';
import { formatRow } from '../../../common/format.js';
import type { JoinType, WindowJoinSpec } from '../../../common/jobgraph.js';
import { type RowKind, Types } from '../../../common/types.js';
import type { OperatorContext } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { WindowJoinOperator } from './window-join.js';

// Rows are [key, label, window_start, window_end] (ms); windows are 10 ms tumbling windows.
const side = (label: string) => ({
  fields: [
    { name: 'k', type: Types.INT() },
    { name: label, type: Types.STRING() },
    { name: 'window_start', type: Types.BIGINT(false) },
    { name: 'window_end', type: Types.BIGINT(false) },
  ],
});
const w = (start: number) => [start, start + 10];

interface Harness {
  left(...rows: unknown[][]): Promise<string[]>;
  right(...rows: unknown[][]): Promise<string[]>;
  watermark(w: number): Promise<string[]>;
  op: WindowJoinOperator;
  watermarks: number[];
  backend: TestKeyedStateBackend;
}

function harness(
  joinType: JoinType,
  options: { restoreFrom?: TestKeyedStateBackend; labelsDiffer?: boolean } = {},
): Harness {
  const outputType = {
    fields:
      joinType === 'SEMI' || joinType === 'ANTI'
        ? side('l').fields
        : [...side('l').fields, ...side('r').fields],
  };
  const spec: WindowJoinSpec = {
    kind: 'window-join',
    joinType,
    leftKeys: [0],
    rightKeys: [0],
    filterNulls: [true],
    leftWindowStartIndex: 2,
    leftWindowEndIndex: 3,
    rightWindowStartIndex: 2,
    rightWindowEndIndex: 3,
    // l <> r, over the joined row: l is field 1, r field 5.
    ...(options.labelsDiffer
      ? {
          nonEquiCondition: call(
            '<>',
            [inputRef(1, Types.STRING()), inputRef(5, Types.STRING())],
            Types.BOOLEAN(),
          ),
        }
      : {}),
    leftType: side('l'),
    rightType: side('r'),
    outputType,
  };
  const backend = createTestBackend(128, 1, 0);
  if (options.restoreFrom) backend.restore([options.restoreFrom.snapshot()]);
  const op = new WindowJoinOperator(spec);
  let emitted: string[] = [];
  const watermarks: number[] = [];
  const types = outputType.fields.map((f) => f.type);
  op.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'WindowJoin',
      processingTimeService: { now: () => 0, registerTimer: () => () => {} },
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        emitted.push(...b.rows.map((r, i) => formatRow(types, (b.kinds?.[i] ?? 0) as RowKind, r)));
      },
      emitWatermark: (wm) => {
        watermarks.push(wm);
      },
    },
  );
  const take = () => {
    const out = emitted;
    emitted = [];
    return out.sort();
  };
  return {
    op,
    backend,
    watermarks,
    left: async (...rows) => {
      await op.processBatch({ rows }, 0);
      return take();
    },
    right: async (...rows) => {
      await op.processBatch({ rows }, 1);
      return take();
    },
    watermark: async (wm) => {
      await op.processWatermark(wm);
      return take();
    },
  };
}

describe('WindowJoinOperator', () => {
  it('emits nothing before the window ends, then the pairs of one key and window, once', async () => {
    const h = harness('INNER');
    expect(await h.left([1, 'a', ...w(0)], [1, 'b', ...w(10)], [2, 'c', ...w(0)])).toEqual([]);
    expect(await h.right([1, 'x', ...w(0)], [1, 'y', ...w(10)], [3, 'z', ...w(0)])).toEqual([]);
    // The window [0, 10) fires when the watermark reaches 9; [10, 20) is still open.
    expect(await h.watermark(8)).toEqual([]);
    expect(await h.watermark(9)).toEqual(['+I[1, a, 0, 10, 1, x, 0, 10]']);
    expect(h.watermarks).toEqual([8, 9]);
    expect(await h.watermark(100)).toEqual(['+I[1, b, 10, 20, 1, y, 10, 20]']);
    // Its state is gone: nothing fires twice.
    expect(await h.watermark(200)).toEqual([]);
  });

  it('drops a row whose window has fired, and counts it', async () => {
    const h = harness('LEFT');
    await h.watermark(9);
    expect(await h.left([1, 'late', ...w(0)], [1, 'on time', ...w(10)])).toEqual([]);
    expect(h.op.numLateRecordsDropped).toBe(1);
    expect(await h.watermark(19)).toEqual(['+I[1, on time, 10, 20, null, null, null, null]']);
  });

  it('pads the unmatched rows of the outer sides; a NULL key never matches', async () => {
    const h = harness('FULL');
    await h.left([1, 'a', ...w(0)], [2, 'b', ...w(0)], [null, 'n', ...w(0)]);
    await h.right([1, 'x', ...w(0)], [3, 'y', ...w(0)], [null, 'm', ...w(0)]);
    expect(await h.watermark(9)).toEqual([
      '+I[1, a, 0, 10, 1, x, 0, 10]',
      '+I[2, b, 0, 10, null, null, null, null]',
      '+I[null, n, 0, 10, null, null, null, null]',
      '+I[null, null, null, null, 3, y, 0, 10]',
      '+I[null, null, null, null, null, m, 0, 10]',
    ]);
    const right = harness('RIGHT');
    await right.left([1, 'a', ...w(0)], [2, 'b', ...w(0)]);
    await right.right([1, 'x', ...w(0)], [3, 'y', ...w(0)]);
    expect(await right.watermark(9)).toEqual([
      '+I[1, a, 0, 10, 1, x, 0, 10]',
      '+I[null, null, null, null, 3, y, 0, 10]',
    ]);
  });

  it('rows of one window end but different starts (sessions) do not meet', async () => {
    const h = harness('LEFT');
    await h.left([1, 'a', 0, 10], [1, 'b', 5, 10]);
    await h.right([1, 'x', 5, 10]);
    expect(await h.watermark(9)).toEqual([
      '+I[1, a, 0, 10, null, null, null, null]',
      '+I[1, b, 5, 10, 1, x, 5, 10]',
    ]);
  });

  it('evaluates the rest of the condition per pair', async () => {
    const h = harness('LEFT', { labelsDiffer: true });
    await h.left([1, 'a', ...w(0)], [1, 'b', ...w(0)]);
    await h.right([1, 'a', ...w(0)]);
    expect(await h.watermark(9)).toEqual([
      '+I[1, a, 0, 10, null, null, null, null]',
      '+I[1, b, 0, 10, 1, a, 0, 10]',
    ]);
  });

  it('semi and anti: the left rows with, or without, a match in their window', async () => {
    for (const [type, expected] of [
      ['SEMI', ['+I[1, a, 0, 10]', '+I[1, b, 0, 10]']],
      ['ANTI', ['+I[1, c, 10, 20]', '+I[2, d, 0, 10]']],
    ] as const) {
      const h = harness(type);
      await h.left([1, 'a', ...w(0)], [1, 'b', ...w(0)], [1, 'c', ...w(10)], [2, 'd', ...w(0)]);
      await h.right([1, 'x', ...w(0)], [1, 'y', ...w(0)], [2, 'z', ...w(10)]);
      expect(await h.watermark(100), type).toEqual(expected);
    }
  });

  it("a window's rows and its timer survive a snapshot and restore", async () => {
    const h = harness('INNER');
    await h.left([1, 'a', ...w(0)]);
    const restored = harness('INNER', { restoreFrom: h.backend });
    expect(await restored.right([1, 'x', ...w(0)])).toEqual([]);
    expect(await restored.watermark(9)).toEqual(['+I[1, a, 0, 10, 1, x, 0, 10]']);
  });
});
