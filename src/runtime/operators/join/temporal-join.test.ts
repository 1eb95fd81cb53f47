import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { formatRow } from '../../../common/format.js';
import type { TemporalJoinSpec } from '../../../common/jobgraph.js';
import { type RowKind, Types } from '../../../common/types.js';
import type { OperatorContext } from '../../api/operator.js';
import { HeapKeyedStateBackend } from '../../state/heap-keyed-state.js';
import { TemporalJoinOperator } from './temporal-join.js';

// Orders are [order id, currency, order time]; rates (the versioned table) [currency, rate, update time].
const ORDERS = {
  fields: [
    { name: 'id', type: Types.INT() },
    { name: 'currency', type: Types.STRING() },
    { name: 'order_time', type: Types.BIGINT() },
  ],
};
const RATES = {
  fields: [
    { name: 'currency', type: Types.STRING() },
    { name: 'rate', type: Types.INT() },
    { name: 'update_time', type: Types.BIGINT() },
  ],
};

const INSERT = 0;
const UPDATE_BEFORE = 1;
const UPDATE_AFTER = 2;
const DELETE = 3;

function harness(
  joinType: 'INNER' | 'LEFT',
  restoreFrom?: HeapKeyedStateBackend,
  backend = new HeapKeyedStateBackend(128, 1, 0),
) {
  const spec: TemporalJoinSpec = {
    kind: 'temporal-join',
    joinType,
    leftKeys: [1],
    rightKeys: [0],
    leftTimeIndex: 2,
    rightTimeIndex: 2,
    leftType: ORDERS,
    rightType: RATES,
    outputType: { fields: [...ORDERS.fields, ...RATES.fields] },
  };
  if (restoreFrom) backend.restore([restoreFrom.snapshot()]);
  const op = new TemporalJoinOperator(spec);
  let emitted: string[] = [];
  const watermarks: number[] = [];
  const types = spec.outputType.fields.map((f) => f.type);
  op.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'TemporalJoin',
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
  const send = async (input: number, rows: unknown[][], kinds?: number[]) => {
    await op.processBatch(kinds ? { rows, kinds: Uint8Array.from(kinds) } : { rows }, input);
    return take();
  };
  return {
    backend,
    watermarks,
    orders: (...rows: unknown[][]) => send(0, rows),
    orderChanges: (kinds: number[], ...rows: unknown[][]) => send(0, rows, kinds),
    rates: (...rows: unknown[][]) => send(1, rows),
    changes: (kinds: number[], ...rows: unknown[][]) => send(1, rows, kinds),
    watermark: async (w: number) => {
      await op.processWatermark(w);
      return take();
    },
  };
}

describe('TemporalJoinOperator', () => {
  it('joins each order, when the watermark passes it, with the rate valid at its time', async () => {
    const h = harness('INNER');
    expect(await h.rates(['EUR', 114, 0], ['EUR', 116, 10], ['USD', 100, 0])).toEqual([]);
    expect(await h.orders([1, 'EUR', 5], [2, 'EUR', 12], [3, 'USD', 7], [4, 'EUR', 10])).toEqual([]);
    // Nothing goes out before the watermark reaches an order's time (a later version could still come).
    expect(await h.watermark(4)).toEqual([]);
    expect(await h.watermark(11)).toEqual([
      '+I[1, EUR, 5, EUR, 114, 0]',
      '+I[4, EUR, 10, EUR, 116, 10]',
      '+I[3, USD, 7, USD, 100, 0]',
    ]);
    // A version that arrives late but before the watermark passes order 2 is the one it sees.
    expect(await h.rates(['EUR', 120, 12])).toEqual([]);
    expect(await h.watermark(20)).toEqual(['+I[2, EUR, 12, EUR, 120, 12]']);
    expect(h.watermarks).toEqual([4, 11, 20]);
  });

  it('INNER drops, LEFT pads an order without a valid version: none yet, or deleted', async () => {
    for (const joinType of ['INNER', 'LEFT'] as const) {
      const h = harness(joinType);
      await h.changes(
        [INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE],
        ['EUR', 1, 10],
        ['EUR', 1, 10],
        ['EUR', 2, 20],
        ['EUR', 2, 30],
      );
      await h.orders([1, 'EUR', 5], [2, 'EUR', 15], [3, 'EUR', 25], [4, 'EUR', 35], [5, 'GBP', 35]);
      const out = await h.watermark(40);
      const padded = (id: number, currency: string | null, t: number) =>
        `+I[${id}, ${currency}, ${t}, null, null, null]`;
      expect(out.sort()).toEqual(
        (joinType === 'INNER'
          ? ['+I[2, EUR, 15, EUR, 1, 10]', '+I[3, EUR, 25, EUR, 2, 20]']
          : [
              padded(1, 'EUR', 5),
              '+I[2, EUR, 15, EUR, 1, 10]',
              '+I[3, EUR, 25, EUR, 2, 20]',
              padded(4, 'EUR', 35),
              padded(5, 'GBP', 35),
            ]
        ).sort(),
      );
    }
  });

  it('a NULL key pads at once in a LEFT join; an order keeps its row kind', async () => {
    const h = harness('LEFT');
    expect(await h.orders([6, null, 35])).toEqual(['+I[6, null, 35, null, null, null]']);
    await h.rates(['EUR', 7, 0]);
    expect(await h.orderChanges([INSERT, DELETE], [1, 'EUR', 3], [1, 'EUR', 3])).toEqual([]);
    expect(await h.watermark(3)).toEqual(['+I[1, EUR, 3, EUR, 7, 0]', '-D[1, EUR, 3, EUR, 7, 0]']);
  });

  it('drops versions older than the one valid at the watermark', async () => {
    const h = harness('INNER');
    await h.rates(['EUR', 1, 10], ['EUR', 2, 20], ['EUR', 3, 30]);
    await h.watermark(25);
    const versions = () => {
      const times: number[] = [];
      h.backend.setCurrentKey(['EUR']);
      for (const [t] of h.backend.getMapState<number, unknown>('temporal-join.right').entries())
        times.push(t);
      return times.sort((a, b) => a - b);
    };
    // The version of 20 is valid at 25 and kept, with the newer one; the one of 10 is gone.
    expect(versions()).toEqual([20, 30]);
    // An order that is late (before the watermark) joins what is left: the oldest kept version.
    await h.orders([1, 'EUR', 22]);
    expect(await h.watermark(26)).toEqual(['+I[1, EUR, 22, EUR, 2, 20]']);
  });

  it('waiting orders and versions survive a snapshot and a restore mid-stream', async () => {
    const h = harness('LEFT');
    await h.rates(['EUR', 114, 0], ['EUR', 116, 10]);
    await h.orders([1, 'EUR', 5], [2, 'EUR', 12]);
    expect(await h.watermark(6)).toEqual(['+I[1, EUR, 5, EUR, 114, 0]']);
    const restored = harness('LEFT', h.backend);
    expect(await restored.rates(['EUR', 118, 11])).toEqual([]);
    // Order 2 waited in the restored state, and so did its timer.
    expect(await restored.watermark(15)).toEqual(['+I[2, EUR, 12, EUR, 118, 11]']);
  });

  it('rescale: each subtask restores the keys of its key groups, with their waiting orders, versions and timers', async () => {
    const h = harness('INNER');
    const currencies = Array.from({ length: 20 }, (_, i) => `C${i}`);
    await h.rates(...currencies.map((c, i) => [c, i, 0]));
    await h.orders(...currencies.map((c, i) => [i, c, 5]));
    const outputs: string[] = [];
    for (let subtask = 0; subtask < 3; subtask++) {
      const part = harness('INNER', h.backend, new HeapKeyedStateBackend(128, 3, subtask));
      outputs.push(...(await part.watermark(10)));
    }
    expect(outputs.sort()).toEqual(currencies.map((c, i) => `+I[${i}, ${c}, 5, ${c}, ${i}, 0]`).sort());
  });
});
