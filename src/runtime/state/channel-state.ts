import type { Partitioner } from '../../common/jobgraph.js';
import type { InFlightBatch } from '../network/input-gate.js';
import { createPartitioner } from '../network/partitioner.js';

/** How the records of one input of a task were routed to it: what decides where they go now. */
export interface InputRouting {
  readonly partitioner: Partitioner;
  readonly keys?: readonly number[];
}

/**
 * In-flight records of an unaligned checkpoint, restored at another parallelism (Flink rescales
 * unaligned checkpoints since 1.13): every old subtask's records, in their order, are routed again
 * as the exchange that carried them would route them to the new subtasks. A hash exchange sends
 * each record to the subtask owning its key group, so keyed state and its pending input meet; a
 * rebalance spreads them round-robin. Order per old subtask is kept, so per key too.
 *
 * Returns undefined when an input's exchange gives no answer (forward, broadcast, global, or
 * inputs fed by differently routed exchanges): the caller reports that it cannot rescale.
 */
export function redistributeChannelState(
  previous: readonly (readonly InFlightBatch[])[],
  parallelism: number,
  routingByInput: ReadonlyMap<number, InputRouting>,
  maxParallelism: number,
): InFlightBatch[][] | undefined {
  const result: InFlightBatch[][] = Array.from({ length: parallelism }, () => []);
  const partitioners = new Map<number, ReturnType<typeof createPartitioner>>();
  for (const batches of previous) {
    for (const batch of batches) {
      const input = batch.inputIndex ?? 0;
      let partition = partitioners.get(input);
      if (!partition) {
        const routing = routingByInput.get(input);
        if (!routing || (routing.partitioner !== 'hash' && routing.partitioner !== 'rebalance'))
          return undefined;
        partition = createPartitioner(routing.partitioner, {
          channels: parallelism,
          sourceSubtask: 0,
          keys: routing.keys,
          maxParallelism,
        });
        partitioners.set(input, partition);
      }
      for (const [subtask, part] of partition(batch)) {
        result[subtask].push(
          batch.inputIndex === undefined ? part : { ...part, inputIndex: batch.inputIndex },
        );
      }
    }
  }
  return result;
}

/** Each input of a task and how its exchange routes; an input fed by exchanges that route differently is left out. */
export function inputRoutings(
  edges: readonly {
    readonly target: number;
    readonly inputIndex: number;
    readonly partitioner: Partitioner;
    readonly keys?: readonly number[];
  }[],
  chainIndex: number,
): Map<number, InputRouting> {
  const routings = new Map<number, InputRouting>();
  const conflicting = new Set<number>();
  for (const e of edges) {
    if (e.target !== chainIndex) continue;
    const seen = routings.get(e.inputIndex);
    if (seen && (seen.partitioner !== e.partitioner || (seen.keys ?? []).join() !== (e.keys ?? []).join())) {
      conflicting.add(e.inputIndex);
    }
    routings.set(e.inputIndex, { partitioner: e.partitioner, keys: e.keys });
  }
  for (const input of conflicting) routings.delete(input);
  return routings;
}
