import type { Partitioner } from '../../common/jobgraph.js';
import type { RecordBatch } from '../api/batch.js';
import { assignToKeyGroup, hashFields, operatorIndexForKeyGroup } from '../state/key-groups.js';

/**
 * Splits a batch into one batch per downstream channel (Flink's StreamPartitioner). Returns
 * sparse entries: channels that get no rows are absent.
 */
export type BatchPartitioner = (batch: RecordBatch) => Map<number, RecordBatch>;

function split(batch: RecordBatch, target: (row: unknown[], i: number) => number): Map<number, RecordBatch> {
  const rows = new Map<number, unknown[][]>();
  const kinds = batch.kinds ? new Map<number, number[]>() : undefined;
  for (let i = 0; i < batch.rows.length; i++) {
    const c = target(batch.rows[i], i);
    let list = rows.get(c);
    if (!list) {
      rows.set(c, (list = []));
      kinds?.set(c, []);
    }
    list.push(batch.rows[i]);
    if (kinds) kinds.get(c)!.push(batch.kinds![i]);
  }
  const result = new Map<number, RecordBatch>();
  for (const [c, list] of rows) {
    result.set(c, kinds ? { rows: list, kinds: Uint8Array.from(kinds.get(c)!) } : { rows: list });
  }
  return result;
}

export function createPartitioner(
  kind: Partitioner,
  options: { channels: number; sourceSubtask: number; keys?: readonly number[]; maxParallelism: number },
): BatchPartitioner {
  const { channels, sourceSubtask, maxParallelism } = options;
  switch (kind) {
    case 'forward':
      // A forward exchange connects subtask i to subtask i only: its writer has that one channel.
      return (batch) => new Map([[0, batch]]);
    case 'global':
      return (batch) => new Map([[0, batch]]);
    case 'broadcast':
      return (batch) => new Map(Array.from({ length: channels }, (_, c) => [c, batch]));
    case 'rebalance': {
      // Starts at a different channel in each subtask, as Flink's RebalancePartitioner does.
      let next = sourceSubtask % channels;
      return (batch) =>
        split(batch, () => {
          const c = next;
          next = (next + 1) % channels;
          return c;
        });
    }
    case 'hash': {
      const keys = options.keys ?? [];
      return (batch) =>
        split(batch, (row) =>
          operatorIndexForKeyGroup(
            maxParallelism,
            channels,
            assignToKeyGroup(hashFields(row, keys), maxParallelism),
          ),
        );
    }
    default: {
      const never: never = kind;
      return never;
    }
  }
}
