import { describe, expect, it } from 'vitest';
import type { WindowingSpec } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext } from '../../api/operator.js';
import { WindowTableFunctionOperator } from './window-table-function.js';

function run(window: WindowingSpec, batch: RecordBatch) {
  const op = new WindowTableFunctionOperator({
    kind: 'window-table-function',
    window,
    timeDomain: 'event-time',
    timeIndex: 1,
  });
  const out: RecordBatch[] = [];
  op.open({ processingTimeService: { now: () => 0 } } as unknown as OperatorContext, {
    emit: (b) => {
      out.push(b);
    },
    emitWatermark: () => {},
  });
  void op.processBatch(batch);
  return { op, out };
}

describe('WindowTableFunctionOperator', () => {
  it('emits each row once per window, with window_start, window_end and window_time appended', () => {
    const { out } = run(
      { kind: 'hop', size: 10, slide: 5, offset: 0 },
      {
        rows: [
          ['a', 7],
          ['b', 10],
        ],
      },
    );
    expect(out.flatMap((b) => b.rows)).toEqual([
      ['a', 7, 5, 15, 14],
      ['a', 7, 0, 10, 9],
      ['b', 10, 10, 20, 19],
      ['b', 10, 5, 15, 14],
    ]);
  });

  it('keeps row kinds, and drops (and counts) rows whose rowtime is NULL', () => {
    const { op, out } = run(
      { kind: 'cumulate', size: 10, step: 5, offset: 0 },
      {
        rows: [
          ['a', 3],
          ['b', null],
          ['c', 6],
        ],
        kinds: Uint8Array.from([0, 0, 3]),
      },
    );
    expect(out[0].rows).toEqual([
      ['a', 3, 0, 5, 4],
      ['a', 3, 0, 10, 9],
      ['c', 6, 0, 10, 9],
    ]);
    expect([...out[0].kinds!]).toEqual([0, 0, 3]);
    expect(op.numNullRowTimeRecordsDropped).toBe(1);
  });
});
