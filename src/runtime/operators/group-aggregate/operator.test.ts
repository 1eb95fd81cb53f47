import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { formatRow } from '../../../common/format.js';
import type { AggregateCallSpec, GroupAggregateSpec } from '../../../common/jobgraph.js';
import { type LogicalType, type RowKind, Types } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext } from '../../api/operator.js';
import type { KeyedStateSnapshot } from '../../api/state.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { GroupAggregateOperator } from './operator.js';

const KIND: Record<string, number> = { '+I': 0, '-U': 1, '+U': 2, '-D': 3 };

interface Harness {
  /** Feeds one batch of `[kind, …fields]` rows; returns what the operator emitted, as Flink prints it. */
  push(...rows: [string, ...unknown[]][]): string[];
  backend: TestKeyedStateBackend;
  clock: { now: number };
}

function harness(
  spec: Omit<GroupAggregateSpec, 'kind' | 'outputType' | 'generateUpdateBefore' | 'inputInsertOnly'> &
    Partial<Pick<GroupAggregateSpec, 'generateUpdateBefore' | 'inputInsertOnly'>>,
  config: Record<string, string> = {},
  restoreFrom?: TestKeyedStateBackend,
): Harness {
  const outputType = {
    fields: [
      ...spec.grouping.map((g) => spec.inputType.fields[g]),
      ...spec.aggCalls.map((c) => ({ name: c.name, type: c.type })),
    ],
  };
  const full: GroupAggregateSpec = {
    kind: 'group-aggregate',
    generateUpdateBefore: true,
    inputInsertOnly: false,
    ...spec,
    outputType,
  };
  const clock = { now: 1_000 };
  const backend = createTestBackend(128, 1, 0, () => clock.now);
  if (restoreFrom) backend.restore([restoreFrom.snapshot()]);
  const op = new GroupAggregateOperator(full);
  let emitted: RecordBatch[] = [];
  op.open(
    {
      config: new Configuration(Object.entries(config)),
      keyedStateBackend: backend,
      operatorName: 'GroupAggregate',
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        emitted.push(b);
      },
      emitWatermark: () => {},
    },
  );
  const types = outputType.fields.map((f) => f.type);
  return {
    backend,
    clock,
    push(...rows) {
      emitted = [];
      void op.processBatch({
        rows: rows.map(([, ...fields]) => fields),
        kinds: Uint8Array.from(rows.map(([k]) => KIND[k])),
      });
      return emitted.flatMap((b) =>
        b.rows.map((r, i) => formatRow(types, (b.kinds?.[i] ?? 0) as RowKind, r)),
      );
    },
  };
}

const call = (
  fn: AggregateCallSpec['fn'],
  args: number[],
  type: LogicalType,
  extra: Partial<AggregateCallSpec> = {},
): AggregateCallSpec => ({ fn, args, type, distinct: false, name: `${fn}${args.join('_')}`, ...extra });

const ordersType = {
  fields: [
    { name: 'buyer', type: Types.STRING() },
    { name: 'price', type: Types.DECIMAL(10, 2) },
  ],
};

describe('GroupAggregateOperator', () => {
  it("emits Flink's changelog: +I first, -U/+U on change, -D when the last row is retracted", () => {
    const h = harness({
      grouping: [0],
      inputType: ordersType,
      aggCalls: [
        call('COUNT', [], Types.BIGINT(false)),
        call('SUM', [1], Types.DECIMAL(38, 2)),
        call('MAX', [1], Types.DECIMAL(10, 2)),
      ],
    });
    expect(h.push(['+I', 'a', 1000n])).toEqual(['+I[a, 1, 10.00, 10.00]']);
    expect(h.push(['+I', 'a', 2000n], ['+I', 'b', 500n])).toEqual([
      '-U[a, 1, 10.00, 10.00]',
      '+U[a, 2, 30.00, 20.00]',
      '+I[b, 1, 5.00, 5.00]',
    ]);
    // A retraction of the current maximum falls back to the next largest value.
    expect(h.push(['-U', 'a', 2000n], ['+U', 'a', 700n])).toEqual([
      '-U[a, 2, 30.00, 20.00]',
      '+U[a, 1, 10.00, 10.00]',
      '-U[a, 1, 10.00, 10.00]',
      '+U[a, 2, 17.00, 10.00]',
    ]);
    expect(h.push(['-D', 'b', 500n])).toEqual(['-D[b, 1, 5.00, 5.00]']);
    // The group is gone: a new row starts it again with +I.
    expect(h.push(['+I', 'b', 100n])).toEqual(['+I[b, 1, 1.00, 1.00]']);
  });

  it('emits nothing when the result did not change', () => {
    const h = harness({
      grouping: [0],
      inputType: ordersType,
      aggCalls: [call('MAX', [1], Types.DECIMAL(10, 2))],
      inputInsertOnly: true,
    });
    expect(h.push(['+I', 'a', 500n], ['+I', 'a', 100n], ['+I', 'a', 900n])).toEqual([
      '+I[a, 5.00]',
      '-U[a, 5.00]',
      '+U[a, 9.00]',
    ]);
  });

  it('emits only +U without generateUpdateBefore (an upsert changelog)', () => {
    const h = harness({
      grouping: [0],
      inputType: ordersType,
      aggCalls: [call('COUNT', [], Types.BIGINT(false))],
      generateUpdateBefore: false,
      inputInsertOnly: true,
    });
    expect(h.push(['+I', 'a', 1n], ['+I', 'a', 2n])).toEqual(['+I[a, 1]', '+U[a, 2]']);
  });

  it('ignores a retraction for a group it has no state for', () => {
    const h = harness({
      grouping: [0],
      inputType: ordersType,
      aggCalls: [call('COUNT', [], Types.BIGINT(false))],
    });
    expect(h.push(['-U', 'a', 1n], ['-D', 'b', 1n])).toEqual([]);
    expect(h.push(['+I', 'a', 1n])).toEqual(['+I[a, 1]']);
  });

  it('treats NULLs as SQL does: COUNT(x) skips them, SUM/AVG/MIN of only NULLs is NULL', () => {
    const h = harness({
      grouping: [0],
      inputType: {
        fields: [
          { name: 'k', type: Types.STRING() },
          { name: 'x', type: Types.INT() },
        ],
      },
      aggCalls: [
        call('COUNT', [], Types.BIGINT(false)),
        call('COUNT', [1], Types.BIGINT(false)),
        call('SUM', [1], Types.INT()),
        call('AVG', [1], Types.INT()),
        call('MIN', [1], Types.INT()),
      ],
    });
    expect(h.push(['+I', 'k', null], ['+I', 'k', null])).toEqual([
      '+I[k, 1, 0, null, null, null]',
      '-U[k, 1, 0, null, null, null]',
      '+U[k, 2, 0, null, null, null]',
    ]);
    expect(h.push(['+I', 'k', 3], ['+I', 'k', 4])).toEqual([
      '-U[k, 2, 0, null, null, null]',
      '+U[k, 3, 1, 3, 3, 3]',
      '-U[k, 3, 1, 3, 3, 3]',
      '+U[k, 4, 2, 7, 3, 3]',
    ]);
    // Retracting every non-NULL value makes SUM NULL again, not 0.
    expect(h.push(['-D', 'k', 3], ['-D', 'k', 4])).toEqual([
      '-U[k, 4, 2, 7, 3, 3]',
      '+U[k, 3, 1, 4, 4, 4]',
      '-U[k, 3, 1, 4, 4, 4]',
      '+U[k, 2, 0, null, null, null]',
    ]);
  });

  it('computes AVG as Flink: integer AVG truncates, DECIMAL AVG has scale max(6, s)', () => {
    const h = harness({
      grouping: [],
      inputType: {
        fields: [
          { name: 'i', type: Types.INT() },
          { name: 'd', type: Types.DECIMAL(10, 2) },
          { name: 'f', type: Types.DOUBLE() },
        ],
      },
      aggCalls: [
        call('AVG', [0], Types.INT()),
        call('AVG', [1], Types.DECIMAL(38, 6)),
        call('AVG', [2], Types.DOUBLE()),
      ],
      inputInsertOnly: true,
    });
    h.push(['+I', 1, 100n, 1.0]);
    expect(h.push(['+I', -4, 101n, 2.0]).at(-1)).toBe('+U[-1, 1.005000, 1.5]');
    expect(h.push(['+I', 2, 100n, 0.5]).at(-1)).toBe('+U[0, 1.003333, 1.1666666666666667]');
  });

  it('wraps INT sums like Java and keeps BIGINT sums exact', () => {
    const h = harness({
      grouping: [],
      inputType: {
        fields: [
          { name: 'i', type: Types.INT() },
          { name: 'b', type: Types.BIGINT() },
        ],
      },
      aggCalls: [call('SUM', [0], Types.INT()), call('SUM', [1], Types.BIGINT())],
      inputInsertOnly: true,
    });
    h.push(['+I', 2147483647, 2 ** 52]);
    expect(h.push(['+I', 1, 2 ** 52]).at(-1)).toBe(`+U[-2147483648, ${2 ** 53}]`);
  });

  it('MIN and MAX over retractions keep a count per value', () => {
    const h = harness({
      grouping: [0],
      inputType: {
        fields: [
          { name: 'k', type: Types.INT() },
          { name: 'v', type: Types.STRING() },
        ],
      },
      aggCalls: [call('MIN', [1], Types.STRING()), call('MAX', [1], Types.STRING())],
    });
    h.push(['+I', 1, 'b'], ['+I', 1, 'a'], ['+I', 1, 'a'], ['+I', 1, 'c']);
    // One of two 'a's goes: MIN stays 'a'.
    expect(h.push(['-D', 1, 'a'])).toEqual([]);
    expect(h.push(['-D', 1, 'a'])).toEqual(['-U[1, a, c]', '+U[1, b, c]']);
    expect(h.push(['-D', 1, 'c'])).toEqual(['-U[1, b, c]', '+U[1, b, b]']);
  });

  it('COUNT(DISTINCT x) and SUM(DISTINCT x) count each value once, also under retraction', () => {
    const h = harness({
      grouping: [0],
      inputType: {
        fields: [
          { name: 'k', type: Types.INT() },
          { name: 'v', type: Types.INT() },
        ],
      },
      aggCalls: [
        call('COUNT', [1], Types.BIGINT(false), { distinct: true }),
        call('SUM', [1], Types.INT(), { distinct: true }),
      ],
    });
    h.push(['+I', 1, 5], ['+I', 1, 5], ['+I', 1, 7], ['+I', 1, null]);
    expect(h.push(['+I', 1, 7])).toEqual([]);
    expect(h.push(['-D', 1, 5])).toEqual([]);
    expect(h.push(['-D', 1, 5])).toEqual(['-U[1, 2, 12]', '+U[1, 1, 7]']);
  });

  it('FILTER (WHERE …) aggregates only rows whose filter field is TRUE', () => {
    const h = harness({
      grouping: [],
      inputType: {
        fields: [
          { name: 'v', type: Types.INT() },
          { name: 'big', type: Types.BOOLEAN() },
        ],
      },
      aggCalls: [
        call('COUNT', [], Types.BIGINT(false)),
        call('COUNT', [], Types.BIGINT(false), { filterArg: 1 }),
        call('SUM', [0], Types.INT(), { filterArg: 1 }),
      ],
      inputInsertOnly: true,
    });
    expect(h.push(['+I', 1, false], ['+I', 10, null], ['+I', 20, true]).at(-1)).toBe('+U[3, 1, 20]');
  });

  it('FIRST_VALUE, LAST_VALUE and LISTAGG follow arrival order, also under retraction', () => {
    const inputType = {
      fields: [
        { name: 'k', type: Types.INT() },
        { name: 's', type: Types.STRING() },
      ],
    };
    const aggCalls = [
      call('FIRST_VALUE', [1], Types.STRING()),
      call('LAST_VALUE', [1], Types.STRING()),
      call('LISTAGG', [1], Types.STRING()),
      call('LISTAGG', [1], Types.STRING(), { separator: '; ' }),
    ];
    const appendOnly = harness({ grouping: [0], inputType, aggCalls, inputInsertOnly: true });
    expect(appendOnly.push(['+I', 1, 'x'], ['+I', 1, null], ['+I', 1, 'y']).at(-1)).toBe(
      '+U[1, x, y, x,y, x; y]',
    );
    const changelog = harness({ grouping: [0], inputType, aggCalls });
    changelog.push(['+I', 1, 'x'], ['+I', 1, 'y'], ['+I', 1, 'z']);
    expect(changelog.push(['-U', 1, 'x']).at(-1)).toBe('+U[1, y, z, y,z, y; z]');
    expect(changelog.push(['-D', 1, 'z']).at(-1)).toBe('+U[1, y, y, y, y]');
  });

  it('a global aggregation (no GROUP BY) has one group', () => {
    const h = harness({
      grouping: [],
      inputType: ordersType,
      aggCalls: [call('COUNT', [], Types.BIGINT(false)), call('MIN', [1], Types.DECIMAL(10, 2))],
    });
    expect(h.push(['+I', 'a', 300n], ['+I', 'b', 200n])).toEqual([
      '+I[1, 3.00]',
      '-U[1, 3.00]',
      '+U[2, 2.00]',
    ]);
    expect(h.push(['-D', 'a', 300n], ['-D', 'b', 200n])).toEqual([
      '-U[2, 2.00]',
      '+U[1, 2.00]',
      '-D[1, 2.00]',
    ]);
  });

  it('restores its accumulators and value counts from a snapshot of the keyed state', () => {
    const spec = {
      grouping: [0],
      inputType: ordersType,
      aggCalls: [call('COUNT', [], Types.BIGINT(false)), call('MAX', [1], Types.DECIMAL(10, 2))],
    };
    const first = harness(spec);
    first.push(['+I', 'a', 100n], ['+I', 'a', 300n]);
    const restored = harness(spec, {}, first.backend);
    expect(restored.push(['-D', 'a', 300n])).toEqual(['-U[a, 2, 3.00]', '+U[a, 1, 1.00]']);
  });

  it('an asynchronous (copy-on-write) snapshot holds the state as it was when it began', async () => {
    const spec = {
      grouping: [0],
      inputType: ordersType,
      aggCalls: [call('COUNT', [], Types.BIGINT(false)), call('MAX', [1], Types.DECIMAL(10, 2))],
    };
    const first = harness(spec);
    first.push(['+I', 'a', 100n], ['+I', 'b', 300n]);
    const snapshot = first.backend.snapshotAsync();
    // Rows after the barrier change the accumulators and the value counts of MAX.
    first.push(['+I', 'a', 900n], ['-D', 'b', 300n], ['+I', 'c', 1n]);
    const restored = harness(spec);
    restored.backend.restore([(await snapshot.materialize()) as KeyedStateSnapshot]);
    expect(restored.push(['+I', 'a', 200n], ['+I', 'b', 100n], ['+I', 'c', 1n])).toEqual([
      '-U[a, 1, 1.00]',
      '+U[a, 2, 2.00]',
      '-U[b, 1, 3.00]',
      '+U[b, 2, 3.00]',
      '+I[c, 1, 0.01]',
    ]);
  });

  it("drops a group's state after 'table.exec.state.ttl' and emits unchanged results to refresh it", () => {
    const h = harness(
      {
        grouping: [0],
        inputType: ordersType,
        aggCalls: [call('MAX', [1], Types.DECIMAL(10, 2))],
        inputInsertOnly: true,
      },
      { 'table.exec.state.ttl': '1 min' },
    );
    h.push(['+I', 'a', 500n]);
    h.clock.now += 30_000;
    expect(h.push(['+I', 'a', 100n])).toEqual(['-U[a, 5.00]', '+U[a, 5.00]']);
    h.clock.now += 60_000;
    expect(h.push(['+I', 'a', 100n])).toEqual(['+I[a, 1.00]']);
  });
});
