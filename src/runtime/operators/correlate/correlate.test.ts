import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { inputRef } from '../../../common/expr.js';
import type { CorrelateSpec } from '../../../common/jobgraph.js';
import { type LogicalType, Types } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext } from '../../api/operator.js';
import { CorrelateOperator } from './correlate.js';

function run(
  spec: Omit<CorrelateSpec, 'kind' | 'collection' | 'outputType'>,
  type: LogicalType,
  batch: RecordBatch,
) {
  const op = new CorrelateOperator({
    kind: 'correlate',
    collection: inputRef(1, type),
    outputType: { fields: [] },
    ...spec,
  });
  const out: RecordBatch[] = [];
  op.open({ config: new Configuration([]) } as unknown as OperatorContext, {
    emit: (b) => {
      out.push(b);
    },
    emitWatermark: () => {},
  });
  op.processBatch(batch);
  return out;
}

describe('CorrelateOperator (UNNEST)', () => {
  it('repeats each row once per ARRAY element; INNER drops empty and NULL arrays', () => {
    const out = run({ collectionKind: 'ARRAY', joinType: 'INNER' }, Types.ARRAY(Types.INT()), {
      rows: [
        [1, [10, null, 30]],
        [2, []],
        [3, null],
      ],
    });
    expect(out).toEqual([
      {
        rows: [
          [1, [10, null, 30], 10],
          [1, [10, null, 30], null],
          [1, [10, null, 30], 30],
        ],
      },
    ]);
  });

  it('LEFT pads rows without elements; each output row keeps its input row kind', () => {
    const out = run({ collectionKind: 'ARRAY', joinType: 'LEFT' }, Types.ARRAY(Types.STRING()), {
      rows: [
        [1, ['a', 'b']],
        [2, null],
      ],
      kinds: Uint8Array.from([3, 0]),
    });
    expect(out[0].rows).toEqual([
      [1, ['a', 'b'], 'a'],
      [1, ['a', 'b'], 'b'],
      [2, null, null],
    ]);
    expect([...(out[0].kinds ?? [])]).toEqual([3, 3, 0]);
  });

  it('spreads ROW elements over their fields (a NULL element: all NULL), MAP entries over key and value', () => {
    const rowType = Types.ARRAY(
      Types.ROW([
        { name: 'n', type: Types.STRING() },
        { name: 'q', type: Types.INT() },
      ]),
    );
    const rows = run({ collectionKind: 'ARRAY', rowFields: 2, joinType: 'INNER' }, rowType, {
      rows: [[1, [['x', 1], null]]],
    });
    expect(rows[0].rows.map((r) => r.slice(2))).toEqual([
      ['x', 1],
      [null, null],
    ]);
    const map = run({ collectionKind: 'MAP', joinType: 'INNER' }, Types.MAP(Types.STRING(), Types.INT()), {
      rows: [
        [
          1,
          new Map([
            ['k', 1],
            ['j', null],
          ]),
        ],
      ],
    });
    expect(map[0].rows.map((r) => r.slice(2))).toEqual([
      ['k', 1],
      ['j', null],
    ]);
  });

  it('repeats a MULTISET element as often as it occurs, as an array or a Map of counts', () => {
    const type: LogicalType = { root: 'MULTISET', nullable: true, element: Types.STRING() };
    const fromArray = run({ collectionKind: 'MULTISET', joinType: 'INNER' }, type, {
      rows: [[1, ['a', 'a', 'b']]],
    });
    const fromCounts = run({ collectionKind: 'MULTISET', joinType: 'INNER' }, type, {
      rows: [
        [
          1,
          new Map([
            ['a', 2],
            ['b', 1],
          ]),
        ],
      ],
    });
    expect(fromArray[0].rows.map((r) => r[2])).toEqual(['a', 'a', 'b']);
    expect(fromCounts[0].rows.map((r) => r[2])).toEqual(['a', 'a', 'b']);
  });
});
