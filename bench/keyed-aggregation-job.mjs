// The keyed aggregation several benchmarks run, as a hand-built JobGraph (no planner in the
// measurement): datagen (ROWS rows, id a sequence, k in 1..KEYS) -> hash(k) -> GroupAggregate
// (COUNT(*), SUM(id)) -> blackhole. Every input row updates its group and emits -U/+U.
import { Types } from '../dist/common/types.js';

const input = {
  fields: [
    { name: 'id', type: Types.BIGINT(false) },
    { name: 'k', type: Types.INT(false) },
  ],
};
const output = {
  fields: [
    { name: 'k', type: Types.INT(false) },
    { name: 'cnt', type: Types.BIGINT(false) },
    { name: 'total', type: Types.BIGINT(false) },
  ],
};

export function keyedAggregationJob({ jobName, rows, keys, config }) {
  return {
    version: 1,
    jobName,
    config,
    vertices: [
      {
        id: 'a'.repeat(32),
        name: 'source',
        operator: {
          kind: 'source',
          connector: {
            table: 'events',
            connector: 'datagen',
            options: {
              'rows-per-second': '1000000000',
              'fields.id.kind': 'sequence',
              'fields.id.start': '1',
              'fields.id.end': String(rows),
              'fields.k.min': '1',
              'fields.k.max': String(keys),
            },
            schema: input,
          },
        },
      },
      {
        id: 'b'.repeat(32),
        name: 'aggregate',
        keyed: { fields: [1] },
        operator: {
          kind: 'group-aggregate',
          grouping: [1],
          aggCalls: [
            { fn: 'COUNT', args: [], distinct: false, type: Types.BIGINT(false), name: 'cnt' },
            { fn: 'SUM', args: [0], distinct: false, type: Types.BIGINT(false), name: 'total' },
          ],
          inputType: input,
          outputType: output,
          inputInsertOnly: true,
          generateUpdateBefore: true,
        },
      },
      {
        id: 'c'.repeat(32),
        name: 'sink',
        operator: {
          kind: 'sink',
          inputChangelogMode: 'retract',
          connector: { table: 'out', connector: 'blackhole', options: {}, schema: output },
        },
      },
    ],
    edges: [
      { source: 'a'.repeat(32), target: 'b'.repeat(32), partitioner: 'hash', keys: [1] },
      { source: 'b'.repeat(32), target: 'c'.repeat(32), partitioner: 'forward' },
    ],
  };
}
