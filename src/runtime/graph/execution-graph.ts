import { WeirError } from '../../common/errors.js';
import type { JobGraph, JobVertex } from '../../common/jobgraph.js';

/**
 * A chain: operators connected by forward edges with equal parallelism run in one task as plain
 * function calls, with no queue between them (Flink's operator chaining).
 */
export interface OperatorChain {
  /** Head first. */
  readonly vertices: readonly JobVertex[];
  readonly parallelism: number;
  /** "Source: orders -> Calc(...) -> Sink: out", as Flink names tasks. */
  readonly name: string;
}

export interface ExecutionGraph {
  readonly chains: readonly OperatorChain[];
  readonly maxParallelism: number;
}

function shortName(v: JobVertex): string {
  switch (v.operator.kind) {
    case 'source':
      return `Source: ${v.operator.connector.table.split('.').pop()}`;
    case 'sink':
      return `Sink: ${v.operator.connector.table.split('.').pop()}`;
    case 'calc':
      return 'Calc';
    default: {
      const never: never = v.operator;
      return never;
    }
  }
}

/**
 * Builds chains from the JobGraph. Network exchanges between tasks (hash, rebalance, broadcast,
 * forward across a parallelism change) come with the parallel runtime; until then such a graph is
 * rejected with a clear error rather than run wrongly.
 */
export function buildExecutionGraph(
  job: JobGraph,
  defaultParallelism: number,
  maxParallelism: number,
): ExecutionGraph {
  const byId = new Map(job.vertices.map((v) => [v.id, v]));
  const incoming = new Map<string, number>();
  const outgoing = new Map<string, string[]>();
  for (const e of job.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) {
      throw new WeirError('JOBGRAPH_INVALID', `Edge ${e.source} -> ${e.target} names an unknown vertex`, {
        kind: 'internal',
      });
    }
    incoming.set(e.target, (incoming.get(e.target) ?? 0) + 1);
    outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e.target]);
  }
  const parallelismOf = (v: JobVertex) => v.parallelism ?? defaultParallelism;
  const chains: OperatorChain[] = [];
  const heads = job.vertices.filter((v) => !incoming.has(v.id));
  for (const head of heads) {
    if (head.operator.kind !== 'source') {
      throw new WeirError('JOBGRAPH_INVALID', `Vertex '${head.name}' has no input and is not a source`, {
        kind: 'internal',
      });
    }
    const vertices = [head];
    let current = head;
    for (;;) {
      const next = outgoing.get(current.id) ?? [];
      if (next.length === 0) break;
      const edge = job.edges.find((e) => e.source === current.id)!;
      const target = byId.get(next[0])!;
      if (
        next.length > 1 ||
        edge.partitioner !== 'forward' ||
        incoming.get(target.id)! > 1 ||
        parallelismOf(target) !== parallelismOf(head)
      ) {
        throw new WeirError(
          'RUNTIME_UNSUPPORTED',
          `The job needs a network exchange between '${current.name}' and '${target.name}', which this runtime does not support yet`,
          { hint: 'Only pipelines of forward-connected operators with one parallelism run for now.' },
        );
      }
      vertices.push(target);
      current = target;
    }
    if (current.operator.kind !== 'sink') {
      throw new WeirError(
        'JOBGRAPH_INVALID',
        `The pipeline starting at '${head.name}' does not end in a sink`,
        {
          kind: 'internal',
        },
      );
    }
    chains.push({ vertices, parallelism: parallelismOf(head), name: vertices.map(shortName).join(' -> ') });
  }
  for (const c of chains) {
    if (c.parallelism > maxParallelism) {
      throw new WeirError(
        'CONFIG_INVALID_VALUE',
        `Parallelism ${c.parallelism} of '${c.name}' exceeds the max parallelism ${maxParallelism}`,
        { hint: "Raise 'pipeline.max-parallelism' or lower the parallelism." },
      );
    }
  }
  return { chains, maxParallelism };
}
