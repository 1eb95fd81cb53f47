import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { literal } from '../../../common/expr.js';
import type { LookupJoinSpec } from '../../../common/jobgraph.js';
import { Types } from '../../../common/types.js';
import type { LookupFunction } from '../../api/lookup.js';
import type { OperatorContext } from '../../api/operator.js';
import { LookupJoinOperator } from './lookup-join.js';

/** The table: [id, kind, name]; input rows: [order id, customer id]. */
const TABLE = [
  [1, 'a', 'alice'],
  [1, 'b', 'alice-b'],
  [2, 'a', 'bob'],
];

/** A lookup over TABLE whose answers the test releases, recording each call's keys. */
function deferredLookup(keyFields: readonly number[]) {
  const calls: unknown[][][] = [];
  let release: () => void = () => {};
  const fn: LookupFunction = {
    open: () => {},
    close: () => {},
    lookup: async (keys) => {
      calls.push(keys.map((k) => [...k]));
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return keys.map((k) => TABLE.filter((row) => keyFields.every((f, i) => row[f] === k[i])));
    },
  };
  return { fn, calls, release: () => release() };
}

function spec(joinType: 'INNER' | 'LEFT', withConstant = false): LookupJoinSpec {
  return {
    kind: 'lookup-join',
    joinType,
    table: {
      table: 'default_catalog.default_database.t',
      connector: 'test',
      options: {},
      schema: {
        fields: [
          { name: 'id', type: Types.INT() },
          { name: 'kind', type: Types.STRING() },
          { name: 'name', type: Types.STRING() },
        ],
      },
    },
    keys: [
      { kind: 'field', tableField: 0, inputField: 1 },
      ...(withConstant
        ? [{ kind: 'constant' as const, tableField: 1, value: literal('a', Types.STRING()) }]
        : []),
    ],
    inputType: { fields: [] },
    outputType: { fields: [] },
  };
}

async function open(s: LookupJoinSpec, fn: LookupFunction) {
  const op = new LookupJoinOperator(s, () => ({ function: fn }));
  const emitted: { rows: unknown[][]; kinds?: number[] }[] = [];
  await op.open(
    {
      config: new Configuration([]),
      processingTimeService: { now: () => 0, registerTimer: () => () => {} },
    } as unknown as OperatorContext,
    {
      emit: (b) => void emitted.push({ rows: b.rows, ...(b.kinds ? { kinds: [...b.kinds] } : {}) }),
      emitWatermark: () => {},
    },
  );
  return { op, emitted };
}

describe('LookupJoinOperator', () => {
  it('a batch is done only when its lookup is: nothing is in flight when the task takes the next element (a barrier)', async () => {
    const lookup = deferredLookup([0]);
    const { op, emitted } = await open(spec('LEFT'), lookup.fn);
    let done = false;
    const processing = Promise.resolve(
      op.processBatch({
        rows: [
          [10, 2],
          [11, 1],
          [12, 2],
          [13, 7],
        ],
      }),
    ).then(() => {
      done = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    expect(emitted).toEqual([]);
    // Each distinct key once, in one call.
    expect(lookup.calls).toEqual([[[2], [1], [7]]]);
    lookup.release();
    await processing;
    expect(emitted).toEqual([
      {
        rows: [
          [10, 2, 2, 'a', 'bob'],
          [11, 1, 1, 'a', 'alice'],
          [11, 1, 1, 'b', 'alice-b'],
          [12, 2, 2, 'a', 'bob'],
          [13, 7, null, null, null],
        ],
      },
    ]);
  });

  it('a constant key narrows the lookup; the input row kind is kept; INNER drops unmatched rows', async () => {
    const lookup = deferredLookup([0, 1]);
    const { op, emitted } = await open(spec('INNER', true), lookup.fn);
    const processing = op.processBatch({
      rows: [
        [10, 1],
        [11, 9],
        [12, 1],
      ],
      kinds: Uint8Array.from([0, 0, 3]),
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lookup.calls).toEqual([
      [
        [1, 'a'],
        [9, 'a'],
      ],
    ]);
    lookup.release();
    await processing;
    expect(emitted).toEqual([
      {
        rows: [
          [10, 1, 1, 'a', 'alice'],
          [12, 1, 1, 'a', 'alice'],
        ],
        kinds: [0, 3],
      },
    ]);
  });

  it('a NULL key is never looked up: a LEFT join pads it', async () => {
    const lookup = deferredLookup([0]);
    const { op, emitted } = await open(spec('LEFT'), lookup.fn);
    await op.processBatch({ rows: [[10, null]] });
    expect(lookup.calls).toEqual([]);
    expect(emitted).toEqual([{ rows: [[10, null, null, null, null]] }]);
  });
});
