import type { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import { isSourceOperator, type JobGraph, type JobVertex } from '../../common/jobgraph.js';
import {
  CHECKPOINTING_ALIGNED_TIMEOUT,
  CHECKPOINTING_MODE,
  CHECKPOINTING_UNALIGNED,
  NETWORK_BUFFERS_PER_CHANNEL,
  NETWORK_FLOATING_BUFFERS_PER_GATE,
} from '../../common/options.js';
import type { RuntimeConnectorRegistry } from '../api/connectors.js';
import type { Logger, OperatorContext, OperatorStateSnapshot, StreamOperator } from '../api/operator.js';
import type { SourceReader } from '../api/source.js';
import type { KeyedStateHandle, KeyedStateSnapshot } from '../api/state.js';
import type { ExecutionGraph } from '../graph/execution-graph.js';
import { location, type Placement } from '../graph/placement.js';
import { type InputChannel, LocalChannel, type OutputChannel } from '../network/channel.js';
import { type BarrierMode, CheckpointedInputGate } from '../network/input-gate.js';
import { createPartitioner } from '../network/partitioner.js';
import { RecordWriterOutput } from '../network/record-writer.js';
import { channelKey, type ThreadLink } from '../network/thread-link.js';
import { CalcOperator } from '../operators/calc-operator.js';
import { ChangelogNormalizeOperator } from '../operators/changelog-normalize/changelog-normalize.js';
import { CorrelateOperator } from '../operators/correlate/correlate.js';
import {
  GlobalGroupAggregateOperator,
  GroupAggregateOperator,
  LocalGroupAggregateOperator,
  MiniBatchAssignerOperator,
  MiniBatchGroupAggregateOperator,
} from '../operators/group-aggregate/index.js';
import { IntervalJoinOperator } from '../operators/join/interval-join.js';
import { LookupJoinOperator } from '../operators/join/lookup-join.js';
import { SemiAntiJoinOperator } from '../operators/join/semi-anti-join.js';
import { StreamingJoinOperator } from '../operators/join/streaming-join.js';
import { TemporalJoinOperator } from '../operators/join/temporal-join.js';
import { WindowJoinOperator } from '../operators/join/window-join.js';
import { NotNullEnforcer } from '../operators/not-null-enforcer.js';
import {
  OverAggregateOperator,
  RetractableOverAggregateOperator,
} from '../operators/over-aggregate/index.js';
import { DeduplicateOperator, RankOperator } from '../operators/rank/index.js';
import { SinkUpsertMaterializerOperator } from '../operators/sink-upsert-materializer/sink-upsert-materializer.js';
import { UnionOperator } from '../operators/union-operator.js';
import { ValuesSourceReader } from '../operators/values/values-source.js';
import { WatermarkAssignerOperator } from '../operators/watermark-assigner.js';
import {
  SlicingWindowAggregateOperator,
  WindowAggregateOperator,
  WindowRankOperator,
  WindowTableFunctionOperator,
} from '../operators/window/index.js';
import { resolveStateBackend } from '../state/backend-config.js';
import { createKeyedStateBackend } from '../state/backend-factory.js';
import type { SnapshotTarget, SnapshottingKeyedStateBackend } from '../state/snapshot.js';
import { StreamTask, type StreamTaskHooks, type TaskHead } from '../task/stream-task.js';
import type { TaskStatusReport } from './worker-protocol.js';

/**
 * Turns the execution graph into running tasks on one thread: the main thread for in-thread
 * execution and for chains pinned there, or a worker thread for the subtasks placed on it. The
 * same code runs in both, so a task behaves the same wherever it runs.
 */

/** An operator's restored state: its subtasks' operator state (already rescaled) and its keyed state. */
export interface RestoredOperatorState {
  readonly subtasks: readonly OperatorStateSnapshot[];
  readonly keyed?: KeyedStateSnapshot;
  /** The disk backend's run files (incremental checkpoints, native savepoints). */
  readonly keyedHandles?: readonly KeyedStateHandle[];
}

export function createOperator(
  vertex: JobVertex,
  connectors: RuntimeConnectorRegistry,
): StreamOperator | SourceReader {
  const spec = vertex.operator;
  switch (spec.kind) {
    case 'source':
    case 'sink': {
      const connector = connectors.get(spec.connector.connector);
      const factory = spec.kind === 'source' ? connector?.source : connector?.sink;
      if (!factory) {
        throw new WeirError(
          'CONNECTOR_UNAVAILABLE',
          `Connector '${spec.connector.connector}' cannot be used as a ${spec.kind} (table ${spec.connector.table})`,
        );
      }
      if ('createReader' in factory) return factory.createReader(spec.connector);
      const writer = factory.createWriter(spec.connector);
      return spec.kind === 'sink' && spec.notNullColumns
        ? new NotNullEnforcer(writer, spec.notNullColumns)
        : writer;
    }
    case 'sink-committer': {
      const factory = connectors.get(spec.connector.connector)?.sink?.createCommitter;
      if (!factory) {
        throw new WeirError(
          'CONNECTOR_UNAVAILABLE',
          `Connector '${spec.connector.connector}' has no sink committer (table ${spec.connector.table})`,
        );
      }
      return factory(spec.connector);
    }
    case 'calc':
      return new CalcOperator(spec);
    case 'watermark-assigner':
      return new WatermarkAssignerOperator(spec);
    case 'group-aggregate':
      return spec.miniBatch
        ? new MiniBatchGroupAggregateOperator({ ...spec, miniBatch: spec.miniBatch })
        : new GroupAggregateOperator(spec);
    case 'mini-batch-assigner':
      return new MiniBatchAssignerOperator();
    case 'local-group-aggregate':
      return new LocalGroupAggregateOperator(spec);
    case 'global-group-aggregate':
      return new GlobalGroupAggregateOperator(spec);
    case 'sink-upsert-materializer':
      return new SinkUpsertMaterializerOperator(spec);
    case 'window-aggregate':
      return spec.slicing ? new SlicingWindowAggregateOperator(spec) : new WindowAggregateOperator(spec);
    case 'window-table-function':
      return new WindowTableFunctionOperator(spec);
    case 'rank':
      return new RankOperator(spec);
    case 'window-rank':
      return new WindowRankOperator(spec);
    case 'deduplicate':
      return new DeduplicateOperator(spec);
    case 'changelog-normalize':
      return new ChangelogNormalizeOperator(spec);
    case 'over-aggregate':
      return spec.retractable ? new RetractableOverAggregateOperator(spec) : new OverAggregateOperator(spec);
    case 'join':
      return spec.joinType === 'SEMI' || spec.joinType === 'ANTI'
        ? new SemiAntiJoinOperator(spec)
        : new StreamingJoinOperator(spec);
    case 'interval-join':
      return new IntervalJoinOperator(spec);
    case 'window-join':
      return new WindowJoinOperator(spec);
    case 'correlate':
      return new CorrelateOperator(spec);
    case 'temporal-join':
      return new TemporalJoinOperator(spec);
    case 'lookup-join':
      // The lookup is created when the operator opens, so that a connector's error fails the task.
      return new LookupJoinOperator(spec, () => {
        const lookup = connectors.get(spec.table.connector)?.lookup;
        if (!lookup) {
          throw new WeirError(
            'CONNECTOR_UNAVAILABLE',
            `Connector '${spec.table.connector}' cannot be looked up (table ${spec.table.table})`,
          );
        }
        return lookup.createLookup(
          spec.table,
          spec.keys.map((k) => k.tableField),
        );
      });
    case 'values':
      return new ValuesSourceReader(spec);
    case 'union':
      return new UnionOperator();
    default: {
      const never: never = spec;
      return never;
    }
  }
}

/**
 * Task names identify tasks to the coordinator: two chains that read as the same (two scans of one
 * table, as in a self-join) get their chain number added.
 */
export function taskName(graph: ExecutionGraph, chainIndex: number, subtask: number): string {
  const chain = graph.chains[chainIndex];
  const name = graph.chains.some((o) => o !== chain && o.name === chain.name)
    ? `${chain.name} [${chain.index + 1}]`
    : chain.name;
  return `${name} (${subtask + 1}/${chain.parallelism})`;
}

export function barrierModeOf(config: Configuration): { mode: BarrierMode; alignedTimeout: number } {
  const unaligned =
    config.require(CHECKPOINTING_MODE) === 'EXACTLY_ONCE' && config.require(CHECKPOINTING_UNALIGNED);
  const alignedTimeout = unaligned ? config.require(CHECKPOINTING_ALIGNED_TIMEOUT) : 0;
  const mode: BarrierMode =
    config.require(CHECKPOINTING_MODE) === 'AT_LEAST_ONCE'
      ? 'at-least-once'
      : unaligned && alignedTimeout === 0
        ? 'unaligned'
        : 'aligned';
  return { mode, alignedTimeout };
}

/** The task's status report, made on the thread it runs on. */
export function statusReport(task: StreamTask, thread: number): TaskStatusReport {
  return { taskName: task.taskName, thread, metrics: task.metricsSnapshot() };
}

export interface DeploymentOptions {
  readonly job: JobGraph;
  readonly jobId: string;
  readonly config: Configuration;
  readonly graph: ExecutionGraph;
  readonly attemptNumber: number;
  readonly restored: ReadonlyMap<string, RestoredOperatorState>;
  readonly connectors: RuntimeConnectorRegistry;
  readonly log: Logger;
  readonly hooks: StreamTaskHooks;
  readonly placement: Placement;
  /** The thread this deployment is for: only its subtasks are created. */
  readonly location: number;
  /** Links to the other threads, by their location. */
  readonly links: ReadonlyMap<number, ThreadLink>;
  /**
   * What a keyed state snapshot for a checkpoint id is for (checkpoint with its shared directory,
   * or savepoint and its format): the disk backend asks; jobs using it run on the main thread.
   */
  readonly snapshotTarget?: (checkpointId: number) => SnapshotTarget;
}

export interface DeployedTask {
  readonly task: StreamTask;
  /** Runs the task to its end; rejects with its failure. */
  run(): Promise<unknown>;
}

export interface Deployment {
  readonly tasks: readonly DeployedTask[];
  /** The keyed state backends created here; their local files go when the attempt ends. */
  readonly keyedBackends: readonly SnapshottingKeyedStateBackend[];
  /** Lets go of senders blocked on credit (cancel, failover). */
  closeChannels(): void;
}

interface ChannelEnds {
  readonly input?: InputChannel;
  readonly output?: OutputChannel;
}

/** Creates the tasks of the subtasks placed at `options.location`, with their channels. */
export function deployTasks(options: DeploymentOptions): Deployment {
  const { job, jobId, config, graph, attemptNumber, restored, hooks, placement, links } = options;
  const backendChoice = resolveStateBackend(config, { info: () => {}, warn: () => {} });
  const keyedBackends: SnapshottingKeyedStateBackend[] = [];
  // Heap backends never ask; the disk backend only runs where the coordinator is (main thread).
  const snapshotTarget =
    options.snapshotTarget ?? ((): SnapshotTarget => ({ kind: 'checkpoint', sharedDirectory: undefined }));
  const here = options.location;
  const capacity = config.require(NETWORK_BUFFERS_PER_CHANNEL);
  const floating = config.require(NETWORK_FLOATING_BUFFERS_PER_GATE);
  // A credit comes back from another thread only when that thread's event loop turns: a channel
  // crossing threads gets a share of its gate's floating buffers on top of its own (Flink grants
  // floating buffers to remote channels with backlog; here the share is fixed when deploying).
  const crossingCapacities = new Map<string, number>();
  const crossingCapacity = (chainIndex: number, subtask: number): number => {
    const key = `${chainIndex}:${subtask}`;
    const known = crossingCapacities.get(key);
    if (known !== undefined) return known;
    const at = location(placement, chainIndex, subtask);
    let crossing = 0;
    for (const edge of graph.edges) {
      if (edge.target !== chainIndex) continue;
      const up = graph.chains[edge.source].parallelism;
      for (let u = 0; u < up; u++) {
        if (edge.partitioner === 'forward' && u !== subtask) continue;
        if (location(placement, edge.source, u) !== at) crossing++;
      }
    }
    const share = floating === 0 ? 0 : Math.max(1, Math.ceil(floating / Math.max(1, crossing)));
    crossingCapacities.set(key, capacity + share);
    return capacity + share;
  };
  const closables: { close(): void }[] = [];
  // channels[edge][upstream subtask][downstream subtask]: the ends this thread holds (a local
  // channel is both); forward edges only connect i to i.
  const channels = graph.edges.map((edge, e) => {
    const up = graph.chains[edge.source].parallelism;
    const down = graph.chains[edge.target].parallelism;
    return Array.from({ length: up }, (_, u) =>
      Array.from({ length: down }, (_, d): ChannelEnds | undefined => {
        if (edge.partitioner === 'forward' && u !== d) return undefined;
        const from = location(placement, edge.source, u);
        const to = location(placement, edge.target, d);
        if (from === here && to === here) {
          const channel = new LocalChannel(capacity);
          closables.push(channel);
          return { input: channel, output: channel };
        }
        if (from === here) {
          const credits = crossingCapacity(edge.target, d);
          return { output: links.get(to)!.outputChannel(channelKey(e, u, d), credits) };
        }
        if (to === here) return { input: links.get(from)!.inputChannel(channelKey(e, u, d)) };
        return undefined;
      }),
    );
  });
  const { mode: barrierMode, alignedTimeout } = barrierModeOf(config);
  const vertexById = new Map(job.vertices.map((v) => [v.id, v]));
  const maxParallelism = graph.maxParallelism;
  const tasks: DeployedTask[] = [];
  for (const chain of graph.chains) {
    for (let subtask = 0; subtask < chain.parallelism; subtask++) {
      if (location(placement, chain.index, subtask) !== here) continue;
      const first = chain.vertices[0];
      const sourceHead = isSourceOperator(first.operator);
      const operators = sourceHead ? chain.vertices.slice(1) : chain.vertices;
      let head: TaskHead;
      if (sourceHead) {
        head = {
          kind: 'source',
          operatorId: first.id,
          reader: createOperator(first, options.connectors) as SourceReader,
        };
      } else {
        // Each channel with the logical input its edge feeds (a two-input operator has two).
        const inputs = graph.edges.flatMap((edge, e) =>
          edge.target === chain.index
            ? channels[e].flatMap((fromUpstream) => {
                const channel = fromUpstream[subtask]?.input;
                return channel ? [{ channel, input: edge.inputIndex }] : [];
              })
            : [],
        );
        head = {
          kind: 'network',
          gate: new CheckpointedInputGate(
            inputs.map((i) => i.channel),
            barrierMode,
            alignedTimeout,
            inputs.map((i) => i.input),
          ),
        };
      }
      const outputs = graph.edges.flatMap((edge, e) => {
        if (edge.source !== chain.index) return [];
        const targets = channels[e][subtask].flatMap((c) => (c?.output ? [c.output] : []));
        return [
          new RecordWriterOutput(
            targets,
            createPartitioner(edge.partitioner, {
              channels: targets.length,
              sourceSubtask: subtask,
              keys: edge.keys,
              maxParallelism,
            }),
          ),
        ];
      });
      const chained = operators.map((v) => {
        let keyedState: SnapshottingKeyedStateBackend | undefined;
        if (v.keyed) {
          const r = restored.get(v.id);
          keyedState = createKeyedStateBackend(backendChoice, config, {
            jobId,
            operatorId: v.id,
            maxParallelism,
            parallelism: chain.parallelism,
            subtaskIndex: subtask,
            attemptNumber,
            restored: { keyed: r?.keyed, handles: r?.keyedHandles },
            resolveTarget: snapshotTarget,
          });
          keyedBackends.push(keyedState);
        }
        return {
          operatorId: v.id,
          operator: createOperator(v, options.connectors) as StreamOperator,
          keyedState,
        };
      });
      const backends = new Map(chained.map((c) => [c.operatorId, c.keyedState]));
      const task = new StreamTask(
        taskName(graph, chain.index, subtask),
        subtask,
        head,
        chained,
        outputs,
        hooks,
        barrierMode === 'unaligned',
      );
      const state = new Map<string, OperatorStateSnapshot>();
      for (const v of chain.vertices) {
        const s = restored.get(v.id)?.subtasks[subtask];
        if (s) state.set(v.id, s);
      }
      const context = (operatorId: string): OperatorContext => ({
        jobId,
        jobName: job.jobName,
        operatorId,
        operatorName: vertexById.get(operatorId)!.name,
        subtaskIndex: subtask,
        parallelism: chain.parallelism,
        maxParallelism,
        attemptNumber,
        config,
        log: options.log,
        processingTimeService: task.processingTimeService,
        keyedStateBackend: backends.get(operatorId),
      });
      tasks.push({ task, run: () => task.run(state, context) });
    }
  }
  return {
    tasks,
    keyedBackends,
    closeChannels: () => {
      for (const c of closables) c.close();
      for (const link of links.values()) link.close();
    },
  };
}
