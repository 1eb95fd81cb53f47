import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { formatRow } from '../../../common/format.js';
import type { IntervalJoinSpec, JoinType } from '../../../common/jobgraph.js';
import { type RowKind, Types } from '../../../common/types.js';
import type { OperatorContext } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { IntervalJoinOperator } from './interval-join.js';

// Rows are [key, time (ms), label]; the condition is l.t BETWEEN r.t - 10 AND r.t + 5.
const side = (label: string) => ({
  fields: [
    { name: 'k', type: Types.INT() },
    { name: 't', type: Types.BIGINT() },
    { name: label, type: Types.STRING() },
  ],
});

interface Harness {
  left(...rows: unknown[][]): Promise<string[]>;
  right(...rows: unknown[][]): Promise<string[]>;
  watermark(w: number): Promise<string[]>;
  watermarks: number[];
  backend: TestKeyedStateBackend;
}

function harness(joinType: JoinType, restoreFrom?: TestKeyedStateBackend): Harness {
  const spec: IntervalJoinSpec = {
    kind: 'interval-join',
    joinType,
    leftKeys: [0],
    rightKeys: [0],
    filterNulls: [true],
    leftTimeIndex: 1,
    rightTimeIndex: 1,
    lowerBound: -10,
    upperBound: 5,
    leftType: side('l'),
    rightType: side('r'),
    outputType: { fields: [...side('l').fields, ...side('r').fields] },
  };
  const backend = createTestBackend(128, 1, 0);
  if (restoreFrom) backend.restore([restoreFrom.snapshot()]);
  const op = new IntervalJoinOperator(spec);
  let emitted: string[] = [];
  const watermarks: number[] = [];
  const types = spec.outputType.fields.map((f) => f.type);
  op.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'IntervalJoin',
      processingTimeService: { now: () => 0, registerTimer: () => () => {} },
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        emitted.push(...b.rows.map((r, i) => formatRow(types, (b.kinds?.[i] ?? 0) as RowKind, r)));
      },
      emitWatermark: (w) => {
        watermarks.push(w);
      },
    },
  );
  const take = () => {
    const out = emitted;
    emitted = [];
    return out;
  };
  return {
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
    watermark: async (w) => {
      await op.processWatermark(w);
      return take();
    },
  };
}

describe('IntervalJoinOperator', () => {
  it('joins rows whose times are within the bounds, both ways', async () => {
    const h = harness('INNER');
    expect(await h.left([1, 100, 'a'])).toEqual([]);
    // r.t in [l.t - 5, l.t + 10] = [95, 110].
    expect(await h.right([1, 94, 'x'], [1, 95, 'y'], [1, 110, 'z'], [1, 111, 'w'], [2, 100, 'q'])).toEqual([
      '+I[1, 100, a, 1, 95, y]',
      '+I[1, 100, a, 1, 110, z]',
    ]);
    // A later left row meets the buffered right rows in its own range: r.t in [100, 115].
    expect(await h.left([1, 105, 'b'])).toEqual(['+I[1, 105, b, 1, 110, z]', '+I[1, 105, b, 1, 111, w]']);
  });

  it('holds the output watermark back by the larger relative window size', async () => {
    const h = harness('INNER');
    await h.watermark(1_000);
    expect(h.watermarks).toEqual([990]);
  });

  it('left outer: a left row that never matched goes out padded once the watermark passes its range', async () => {
    const h = harness('LEFT');
    expect(await h.left([1, 100, 'a'], [1, 200, 'b'])).toEqual([]);
    expect(await h.right([1, 198, 'x'])).toEqual(['+I[1, 200, b, 1, 198, x]']);
    // A right row at time <= 110 could still match 'a' while the watermark is below 110.
    expect(await h.watermark(109)).toEqual([]);
    expect(await h.watermark(111)).toEqual(['+I[1, 100, a, null, null, null]']);
    // 'b' matched: it is dropped without a padded row.
    expect(await h.watermark(300)).toEqual([]);
    // A row that is late (nothing can match it any more) is emitted padded at once, not buffered.
    expect(await h.left([1, 250, 'c'])).toEqual(['+I[1, 250, c, null, null, null]']);
  });

  it('right and full outer joins pad the right side; NULL keys never match', async () => {
    const h = harness('FULL');
    expect(await h.right([1, 100, 'x'])).toEqual([]);
    expect(await h.left([null, 100, 'n'])).toEqual(['+I[null, 100, n, null, null, null]']);
    expect(await h.watermark(200)).toEqual(['+I[null, null, null, 1, 100, x]']);
  });

  it('buffered rows survive a snapshot and restore', async () => {
    const h = harness('LEFT');
    await h.left([1, 100, 'a']);
    const restored = harness('LEFT', h.backend);
    expect(await restored.right([1, 101, 'x'])).toEqual(['+I[1, 100, a, 1, 101, x]']);
    expect(await restored.watermark(500)).toEqual([]);
  });
});
