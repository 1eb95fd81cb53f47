import { WeirError } from '../../common/errors.js';
import {
  isSourceOperator,
  type JobEdge,
  type JobGraph,
  type JobVertex,
  type Partitioner,
} from '../../common/jobgraph.js';

/**
 * A chain: operators connected by forward edges with equal parallelism run in one task as plain
 * function calls, with no queue between them (Flink's operator chaining). Chains are connected by
 * network exchanges.
 */
export interface OperatorChain {
  readonly index: number;
  /** Head first. */
  readonly vertices: readonly JobVertex[];
  readonly parallelism: number;
  /** "Source: orders -> Calc -> Sink: big_orders", as Flink names tasks. */
  readonly name: string;
}

/** A network exchange between two chains. */
export interface ChainEdge {
  readonly source: number;
  readonly target: number;
  readonly partitioner: Partitioner;
  readonly keys?: readonly number[];
  /** The target's logical input this exchange feeds (0, or 1 for a two-input operator's second). */
  readonly inputIndex: number;
}

export interface ExecutionGraph {
  readonly chains: readonly OperatorChain[];
  readonly edges: readonly ChainEdge[];
  readonly maxParallelism: number;
}

function shortName(v: JobVertex): string {
  switch (v.operator.kind) {
    case 'source':
      return `Source: ${v.operator.connector.table.split('.').pop()}`;
    case 'sink':
      return `Sink: ${v.operator.connector.table.split('.').pop()}`;
    case 'sink-committer':
      return 'PartitionCommitter';
    case 'calc':
      return 'Calc';
    case 'watermark-assigner':
      return 'WatermarkAssigner';
    case 'group-aggregate':
      return 'GroupAggregate';
    case 'mini-batch-assigner':
      return 'MiniBatchAssigner';
    case 'local-group-aggregate':
      return 'LocalGroupAggregate';
    case 'global-group-aggregate':
      return 'GlobalGroupAggregate';
    case 'sink-upsert-materializer':
      return 'SinkMaterializer';
    case 'window-aggregate':
      return 'WindowAggregate';
    case 'window-table-function':
      return 'WindowTableFunction';
    case 'rank':
      return 'Rank';
    case 'window-rank':
      return 'WindowRank';
    case 'deduplicate':
      return 'Deduplicate';
    case 'changelog-normalize':
      return 'ChangelogNormalize';
    case 'over-aggregate':
      return 'OverAggregate';
    case 'join':
      return 'Join';
    case 'interval-join':
      return 'IntervalJoin';
    case 'window-join':
      return 'WindowJoin';
    case 'correlate':
      return 'Correlate';
    case 'temporal-join':
      return 'TemporalJoin';
    case 'lookup-join':
      return 'LookupJoin';
    case 'values':
      return 'Values';
    case 'union':
      return 'Union';
    default: {
      const never: never = v.operator;
      return never;
    }
  }
}

/**
 * Builds chains from the JobGraph with Flink's chaining rule: an edge is chained when it is
 * forward, both ends have the same parallelism, it is the upstream's only output and the
 * downstream's only input.
 */
export function buildExecutionGraph(
  job: JobGraph,
  defaultParallelism: number,
  maxParallelism: number,
): ExecutionGraph {
  const byId = new Map(job.vertices.map((v) => [v.id, v]));
  const incoming = new Map<string, JobEdge[]>();
  const outgoing = new Map<string, JobEdge[]>();
  for (const e of job.edges) {
    if (!byId.has(e.source) || !byId.has(e.target)) {
      throw new WeirError('JOBGRAPH_INVALID', `Edge ${e.source} -> ${e.target} names an unknown vertex`, {
        kind: 'internal',
      });
    }
    incoming.set(e.target, [...(incoming.get(e.target) ?? []), e]);
    outgoing.set(e.source, [...(outgoing.get(e.source) ?? []), e]);
  }
  const parallelismOf = (v: JobVertex) => v.parallelism ?? defaultParallelism;
  for (const v of job.vertices) {
    if (parallelismOf(v) > maxParallelism) {
      throw new WeirError(
        'CONFIG_INVALID_VALUE',
        `Parallelism ${parallelismOf(v)} of '${v.name}' exceeds the max parallelism ${maxParallelism}`,
        { hint: "Raise 'pipeline.max-parallelism' or lower the parallelism." },
      );
    }
    const isSource = isSourceOperator(v.operator);
    if (isSource === incoming.has(v.id)) {
      throw new WeirError(
        'JOBGRAPH_INVALID',
        isSource ? `Source '${v.name}' has an input` : `Vertex '${v.name}' has no input and is not a source`,
        { kind: 'internal' },
      );
    }
  }
  for (const e of job.edges) {
    if (
      e.partitioner === 'forward' &&
      parallelismOf(byId.get(e.source)!) !== parallelismOf(byId.get(e.target)!)
    ) {
      throw new WeirError(
        'JOBGRAPH_INVALID',
        `Forward partitioning does not allow a change of parallelism between '${byId.get(e.source)!.name}' and '${byId.get(e.target)!.name}'`,
        { kind: 'internal' },
      );
    }
  }
  const chainable = (e: JobEdge) =>
    e.partitioner === 'forward' &&
    outgoing.get(e.source)!.length === 1 &&
    incoming.get(e.target)!.length === 1;

  const chainOf = new Map<string, number>();
  const chains: OperatorChain[] = [];
  for (const head of job.vertices) {
    const inputs = incoming.get(head.id) ?? [];
    if (inputs.length === 1 && chainable(inputs[0])) continue;
    const vertices = [head];
    for (;;) {
      const outs = outgoing.get(vertices[vertices.length - 1].id) ?? [];
      if (outs.length !== 1 || !chainable(outs[0])) break;
      vertices.push(byId.get(outs[0].target)!);
    }
    const index = chains.length;
    for (const v of vertices) chainOf.set(v.id, index);
    chains.push({
      index,
      vertices,
      parallelism: parallelismOf(head),
      name: vertices.map(shortName).join(' -> '),
    });
  }
  if (chainOf.size !== job.vertices.length) {
    throw new WeirError('JOBGRAPH_INVALID', 'The job graph has a cycle', { kind: 'internal' });
  }
  const edges: ChainEdge[] = job.edges
    .filter((e) => chainOf.get(e.source) !== chainOf.get(e.target))
    .map((e) => ({
      source: chainOf.get(e.source)!,
      target: chainOf.get(e.target)!,
      partitioner: e.partitioner,
      keys: e.keys,
      inputIndex: e.inputIndex ?? 0,
    }));
  for (const c of chains) {
    const tail = c.vertices[c.vertices.length - 1];
    const isSink = tail.operator.kind === 'sink' || tail.operator.kind === 'sink-committer';
    if (!isSink && !edges.some((e) => e.source === c.index)) {
      throw new WeirError('JOBGRAPH_INVALID', `'${tail.name}' has no output and is not a sink`, {
        kind: 'internal',
      });
    }
  }
  return { chains, edges, maxParallelism };
}
