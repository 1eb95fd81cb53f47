import type { ExecutionGraph, OperatorChain } from './execution-graph.js';

/** The main thread's location; worker w is location w + 1. */
export const MAIN_THREAD = 0;

/**
 * Where each subtask runs (Flink's slot sharing, one slot per worker thread): subtask i of every
 * chain goes to worker i mod N, so a forward exchange between two chains stays inside one thread
 * and only exchanges between subtasks on different workers cross threads. Chains pinned to the
 * main thread (a connector that hands rows to this process, such as `collect`) run there.
 */
export interface Placement {
  /** Worker threads the job uses; 0 runs every subtask on the main thread. */
  readonly workers: number;
  /** Per chain, per subtask: MAIN_THREAD or a worker's location (w + 1). */
  readonly locations: readonly (readonly number[])[];
}

export function location(placement: Placement, chain: number, subtask: number): number {
  return placement.locations[chain][subtask];
}

/** The connectors a chain's operators use: sources, sinks, sink committers, lookup tables. */
export function chainConnectors(chain: OperatorChain): string[] {
  return chain.vertices.flatMap((v) => {
    const op = v.operator;
    switch (op.kind) {
      case 'source':
      case 'sink':
      case 'sink-committer':
        return [op.connector.connector];
      case 'lookup-join':
        return [op.table.connector];
      default:
        return [];
    }
  });
}

export function placeSubtasks(
  graph: ExecutionGraph,
  workers: number,
  pinnedToMainThread: (chain: OperatorChain) => boolean,
): Placement {
  return {
    workers,
    locations: graph.chains.map((chain) =>
      Array.from({ length: chain.parallelism }, (_, subtask) =>
        workers === 0 || pinnedToMainThread(chain) ? MAIN_THREAD : (subtask % workers) + 1,
      ),
    ),
  };
}

/** Every location that hosts at least one subtask. */
export function usedLocations(placement: Placement): number[] {
  return [...new Set(placement.locations.flat())].sort((a, b) => a - b);
}
