import { randomBytes } from 'node:crypto';
import { Configuration } from '../../common/config.js';
import { isWeirError, WeirError } from '../../common/errors.js';
import { isSourceOperator, type JobGraph, type JobVertex } from '../../common/jobgraph.js';
import {
  CHECKPOINTING_ALIGNED_TIMEOUT,
  CHECKPOINTING_EXTERNALIZED_RETENTION,
  CHECKPOINTING_INTERVAL,
  CHECKPOINTING_MAX_CONCURRENT,
  CHECKPOINTING_MIN_PAUSE,
  CHECKPOINTING_MODE,
  CHECKPOINTING_TIMEOUT,
  CHECKPOINTING_TOLERABLE_FAILURES,
  CHECKPOINTING_UNALIGNED,
  CHECKPOINTS_DIRECTORY,
  CHECKPOINTS_NUM_RETAINED,
  JOBMANAGER_STORAGE_MAX_STATE,
  MAX_PARALLELISM,
  NETWORK_BUFFERS_PER_CHANNEL,
  PARALLELISM_DEFAULT,
  SAVEPOINTS_DIRECTORY,
  STATE_BACKEND_INCREMENTAL,
  STATE_RECOVERY_IGNORE_UNCLAIMED,
  STATE_RECOVERY_PATH,
} from '../../common/options.js';
import type { RuntimeConnectorRegistry } from '../api/connectors.js';
import type { Logger, OperatorContext, OperatorStateSnapshot, StreamOperator } from '../api/operator.js';
import type { SourceReader } from '../api/source.js';
import type { KeyedStateHandle, KeyedStateSnapshot } from '../api/state.js';
import { CheckpointCoordinator } from '../checkpoint/coordinator.js';
import type { CheckpointMetadata } from '../checkpoint/metadata.js';
import {
  type CheckpointStorage,
  type CompletedCheckpointHandle,
  FileSystemCheckpointStorage,
  JobManagerCheckpointStorage,
  loadCheckpointMetadata,
} from '../checkpoint/storage.js';
import { createRestartStrategy } from '../failover/restart-strategy.js';
import { buildExecutionGraph, type OperatorChain } from '../graph/execution-graph.js';
import { JobMetrics } from '../metrics/job-metrics.js';
import { LocalChannel } from '../network/channel.js';
import { type BarrierMode, CheckpointedInputGate } from '../network/input-gate.js';
import { createPartitioner } from '../network/partitioner.js';
import { RecordWriterOutput } from '../network/record-writer.js';
import { CalcOperator } from '../operators/calc-operator.js';
import { ChangelogNormalizeOperator } from '../operators/changelog-normalize/changelog-normalize.js';
import { GroupAggregateOperator } from '../operators/group-aggregate/index.js';
import { IntervalJoinOperator } from '../operators/join/interval-join.js';
import { LookupJoinOperator } from '../operators/join/lookup-join.js';
import { SemiAntiJoinOperator } from '../operators/join/semi-anti-join.js';
import { StreamingJoinOperator } from '../operators/join/streaming-join.js';
import { TemporalJoinOperator } from '../operators/join/temporal-join.js';
import { NotNullEnforcer } from '../operators/not-null-enforcer.js';
import { OverAggregateOperator } from '../operators/over-aggregate/index.js';
import { DeduplicateOperator, RankOperator } from '../operators/rank/index.js';
import { UnionOperator } from '../operators/union-operator.js';
import { ValuesSourceReader } from '../operators/values/values-source.js';
import { WatermarkAssignerOperator } from '../operators/watermark-assigner.js';
import { WindowAggregateOperator, WindowTableFunctionOperator } from '../operators/window/index.js';
import { resolveStateBackend } from '../state/backend-config.js';
import { createKeyedStateBackend } from '../state/backend-factory.js';
import { redistributeOperatorState } from '../state/redistribute.js';
import type { SavepointFormat, SnapshotTarget, SnapshottingKeyedStateBackend } from '../state/snapshot.js';
import { CHANNEL_STATE, StreamTask, type TaskHead } from '../task/stream-task.js';

export type JobStatus = 'RUNNING' | 'FINISHED' | 'CANCELED' | 'FAILED';

export interface JobResult {
  readonly status: Exclude<JobStatus, 'RUNNING'>;
  readonly error?: Error;
  /** How many times the job failed over and restarted. */
  readonly restarts: number;
  /** Checkpoints left on storage after the job ended, newest last. */
  readonly retainedCheckpoints: readonly CompletedCheckpointHandle[];
}

export interface ExecuteOptions {
  readonly connectors: RuntimeConnectorRegistry;
  readonly log: Logger;
  readonly jobId?: string;
  /** Resume from this checkpoint or savepoint (`weir run -s`). */
  readonly restoreFrom?: CheckpointMetadata;
  /** Skip state of operators that are not in the job any more (Flink's --allowNonRestoredState). */
  readonly allowNonRestoredState?: boolean;
}

export interface JobClient {
  readonly jobId: string;
  readonly jobName: string;
  /** Where this job's checkpoints go (`<dir>/<job-id>`), when checkpointing to a filesystem. */
  readonly checkpointDirectory?: string;
  readonly coordinator: CheckpointCoordinator;
  readonly result: Promise<JobResult>;
  /** Cancels the job (Ctrl-C); retained checkpoints follow the externalized retention option. */
  cancel(): Promise<JobResult>;
  /**
   * Takes a savepoint into `directory` (default 'state.savepoints.dir'), canonical unless asked for
   * the backend's native format; resolves to its path.
   */
  triggerSavepoint(directory?: string, format?: SavepointFormat): Promise<string>;
  /**
   * Flink's stop-with-savepoint: sources stop, a savepoint is taken (sinks commit on it), and the
   * job finishes. With `drain` the input ends first, so the final watermark fires every timer.
   * If the savepoint fails the job goes on running and the promise rejects.
   */
  stop(options: {
    savepointDirectory?: string;
    drain?: boolean;
    format?: SavepointFormat;
  }): Promise<{ savepoint?: string; result: JobResult }>;
  /** RUNNING until the job ends, then its final status. */
  readonly status: JobStatus;
  /** When the job was submitted (epoch ms). */
  readonly startTime: number;
  /** Task, operator and job metrics, read on demand (REST, Prometheus, the terminal status line). */
  readonly metrics: JobMetrics;
  /** The failures of the job's attempts, oldest first (Flink's exception history). */
  readonly exceptions: readonly JobException[];
}

export interface JobException {
  readonly timestamp: number;
  readonly message: string;
  /** The error's class or WeirError code. */
  readonly name: string;
  /** Internal errors keep their stack; a user's mistake shows its message only. */
  readonly stack?: string;
}

/** A 32-hex-digit id, the shape of Flink's JobID. */
export function newJobId(): string {
  return randomBytes(16).toString('hex');
}

function createOperator(
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
      return new GroupAggregateOperator(spec);
    case 'window-aggregate':
      return new WindowAggregateOperator(spec);
    case 'window-table-function':
      return new WindowTableFunctionOperator(spec);
    case 'rank':
      return new RankOperator(spec);
    case 'deduplicate':
      return new DeduplicateOperator(spec);
    case 'changelog-normalize':
      return new ChangelogNormalizeOperator(spec);
    case 'over-aggregate':
      return new OverAggregateOperator(spec);
    case 'join':
      return spec.joinType === 'SEMI' || spec.joinType === 'ANTI'
        ? new SemiAntiJoinOperator(spec)
        : new StreamingJoinOperator(spec);
    case 'interval-join':
      return new IntervalJoinOperator(spec);
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

interface RestoredOperatorState {
  readonly subtasks: readonly OperatorStateSnapshot[];
  readonly keyed?: KeyedStateSnapshot;
  readonly keyedHandles?: readonly KeyedStateHandle[];
}

/** Matches restored state to the job's operators by stable id, rescaling operator state. */
function assignRestoredState(
  restore: CheckpointMetadata | undefined,
  chains: readonly OperatorChain[],
  maxParallelism: number,
  allowNonRestoredState: boolean,
): Map<string, RestoredOperatorState> {
  const result = new Map<string, RestoredOperatorState>();
  if (!restore) return result;
  const parallelismById = new Map(
    chains.flatMap((c) => c.vertices.map((v) => [v.id, c.parallelism] as const)),
  );
  for (const [operatorId, state] of Object.entries(restore.operators)) {
    const parallelism = parallelismById.get(operatorId);
    if (parallelism === undefined) {
      const hasState =
        state.subtasks.some((s) => Object.values(s).some((list) => list.length > 0)) ||
        Object.keys(state.keyedState ?? {}).length > 0 ||
        (state.keyedStateHandles?.length ?? 0) > 0;
      if (hasState && !allowNonRestoredState) {
        throw new WeirError(
          'RESTORE_UNMATCHED_STATE',
          `The checkpoint has state for operator '${state.name}' (id ${operatorId}), which is not in this job`,
          {
            hint: 'Pass --allowNonRestoredState (-n) to drop that state, or restore into the job it came from.',
          },
        );
      }
      continue;
    }
    if (
      (Object.keys(state.keyedState ?? {}).length > 0 || (state.keyedStateHandles?.length ?? 0) > 0) &&
      state.maxParallelism !== maxParallelism
    ) {
      throw new WeirError(
        'RESTORE_MAX_PARALLELISM_CHANGED',
        `Operator '${state.name}' was checkpointed with max parallelism ${state.maxParallelism}, but the job now has ${maxParallelism}`,
        {
          hint: "Keyed state is split into 'pipeline.max-parallelism' key groups; restore with the same value.",
        },
      );
    }
    if (
      parallelism !== state.parallelism &&
      state.subtasks.some((s) => (s[CHANNEL_STATE]?.length ?? 0) > 0)
    ) {
      throw new WeirError(
        'RESTORE_UNALIGNED_RESCALE',
        `Operator '${state.name}' has in-flight records from an unaligned checkpoint, which cannot be restored at another parallelism yet`,
        {
          hint: 'Restore at the same parallelism, or take an aligned checkpoint or savepoint to rescale from.',
        },
      );
    }
    result.set(operatorId, {
      subtasks: redistributeOperatorState(state.subtasks, parallelism),
      keyed: state.keyedState,
      keyedHandles: state.keyedStateHandles,
    });
  }
  return result;
}

function createStorage(config: Configuration, jobId: string, log: Logger): CheckpointStorage {
  return resolveStateBackend(config, log).storage === 'jobmanager'
    ? new JobManagerCheckpointStorage(config.require(JOBMANAGER_STORAGE_MAX_STATE))
    : new FileSystemCheckpointStorage(config.require(CHECKPOINTS_DIRECTORY), jobId);
}

/** One run of all the job's tasks; a failover ends it and starts the next from a checkpoint. */
interface ExecutionAttempt {
  readonly tasks: readonly StreamTask[];
  /** Stop-with-savepoint: bounded input no longer finishes the job by itself; stop() does. */
  stopping: boolean;
  /** Settles when every task has ended; the error is the first failure, if any. */
  readonly done: Promise<Error | undefined>;
  fail(error: Error): void;
  cancel(): void;
}

interface JobSetup {
  readonly job: JobGraph;
  readonly jobId: string;
  readonly config: Configuration;
  readonly graph: ReturnType<typeof buildExecutionGraph>;
  readonly coordinator: CheckpointCoordinator;
  readonly checkpointingEnabled: boolean;
  readonly options: ExecuteOptions;
  /** What a keyed state snapshot for a checkpoint id is for (see SnapshotTarget). */
  readonly snapshotTarget: (checkpointId: number) => SnapshotTarget;
}

function startAttempt(
  setup: JobSetup,
  attemptNumber: number,
  restored: ReadonlyMap<string, RestoredOperatorState>,
): ExecutionAttempt {
  const { job, jobId, config, graph, coordinator, options } = setup;
  const tasks: StreamTask[] = [];
  const keyedBackends: SnapshottingKeyedStateBackend[] = [];
  const backendChoice = resolveStateBackend(config, { info: () => {}, warn: () => {} });
  const inputEnded = new Set<string>();
  let failure: Error | undefined;

  // Bounded inputs end with one last checkpoint, so transactional sinks commit what they wrote
  // (Flink's FLIP-147 final checkpoint).
  const finishAfterFinalCheckpoint = async () => {
    coordinator.stopPeriodicScheduling();
    if (setup.checkpointingEnabled) {
      await coordinator.triggerCheckpoint().completion.catch((err: Error) => {
        options.log.warn(`The final checkpoint failed: ${err.message}`);
      });
    }
    for (const t of tasks) t.finish();
  };
  const hooks = {
    acknowledgeCheckpoint: coordinator.acknowledge.bind(coordinator),
    declineCheckpoint: coordinator.decline.bind(coordinator),
    endOfInput: (taskName: string) => {
      inputEnded.add(taskName);
      if (inputEnded.size === tasks.length && !attempt.stopping) void finishAfterFinalCheckpoint();
    },
  };

  // channels[edge][upstream subtask][downstream subtask]; forward edges only connect i to i.
  const capacity = config.require(NETWORK_BUFFERS_PER_CHANNEL);
  const allChannels: LocalChannel[] = [];
  const channels = graph.edges.map((edge) => {
    const up = graph.chains[edge.source].parallelism;
    const down = graph.chains[edge.target].parallelism;
    return Array.from({ length: up }, (_, u) =>
      Array.from({ length: down }, (_, d) => {
        if (edge.partitioner === 'forward' && u !== d) return undefined;
        const channel = new LocalChannel(capacity);
        allChannels.push(channel);
        return channel;
      }),
    );
  });
  const unaligned =
    config.require(CHECKPOINTING_MODE) === 'EXACTLY_ONCE' && config.require(CHECKPOINTING_UNALIGNED);
  const alignedTimeout = unaligned ? config.require(CHECKPOINTING_ALIGNED_TIMEOUT) : 0;
  const barrierMode: BarrierMode =
    config.require(CHECKPOINTING_MODE) === 'AT_LEAST_ONCE'
      ? 'at-least-once'
      : unaligned && alignedTimeout === 0
        ? 'unaligned'
        : 'aligned';

  const vertexById = new Map(job.vertices.map((v) => [v.id, v]));
  const maxParallelism = graph.maxParallelism;
  const runs: (() => Promise<unknown>)[] = [];
  // Task names identify tasks to the coordinator: two chains that read as the same (two scans of one
  // table, as in a self-join) get their chain number added.
  const taskNames = graph.chains.map((c) =>
    graph.chains.some((o) => o !== c && o.name === c.name) ? `${c.name} [${c.index + 1}]` : c.name,
  );
  for (const chain of graph.chains) {
    for (let subtask = 0; subtask < chain.parallelism; subtask++) {
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
                const channel = fromUpstream[subtask];
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
        const targets = channels[e][subtask].filter((c): c is LocalChannel => c !== undefined);
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
            resolveTarget: setup.snapshotTarget,
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
        `${taskNames[chain.index]} (${subtask + 1}/${chain.parallelism})`,
        subtask,
        head,
        chained,
        outputs,
        hooks,
        barrierMode === 'unaligned',
      );
      tasks.push(task);
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
      runs.push(() => task.run(state, context).catch((err: Error) => attempt.fail(err)));
    }
  }
  coordinator.setParticipants(
    tasks.map((task) => ({
      taskName: task.taskName,
      isSource: task.isSource,
      triggerCheckpoint: (id: number, timestamp: number, isSavepoint: boolean) =>
        task.triggerCheckpoint(id, timestamp, isSavepoint),
      notifyCheckpointComplete: (id: number) => task.notifyCheckpointComplete(id),
      notifyCheckpointAborted: (id: number) => task.notifyCheckpointAborted(id),
    })),
  );
  const stopAll = () => {
    for (const t of tasks) t.cancel();
    // Senders waiting for credit from a task that is going away must be let go.
    for (const c of allChannels) c.close();
  };
  const attempt: ExecutionAttempt = {
    tasks,
    stopping: false,
    done: Promise.resolve().then(async () => {
      await Promise.all(runs.map((run) => run()));
      // The attempt's local state files go with it; the next attempt restores from a checkpoint.
      for (const b of keyedBackends) b.dispose();
      return failure;
    }),
    fail(error) {
      if (failure) return;
      failure = error;
      stopAll();
    },
    cancel: stopAll,
  };
  return attempt;
}

/**
 * Runs a JobGraph in this process: builds the chains, one StreamTask per parallel subtask, and a
 * checkpoint coordinator. When a task fails, the restart strategy decides whether all tasks
 * restart from the latest completed checkpoint (or from the state the job started with).
 */
export function executeJob(job: JobGraph, options: ExecuteOptions): JobClient {
  const config = new Configuration(Object.entries(job.config));
  const jobId = options.jobId ?? newJobId();
  const maxParallelism = config.require(MAX_PARALLELISM);
  const graph = buildExecutionGraph(job, config.require(PARALLELISM_DEFAULT), maxParallelism);
  const initialState = assignRestoredState(
    options.restoreFrom,
    graph.chains,
    maxParallelism,
    options.allowNonRestoredState ?? false,
  );
  const interval = config.get(CHECKPOINTING_INTERVAL);
  const checkpointingEnabled = interval !== undefined && interval > 0;
  const storage = createStorage(config, jobId, options.log);
  const restartStrategy = createRestartStrategy(config);

  let current: ExecutionAttempt | undefined;
  const coordinator = new CheckpointCoordinator({
    jobId,
    jobName: job.jobName,
    interval: checkpointingEnabled ? interval : undefined,
    timeout: config.require(CHECKPOINTING_TIMEOUT),
    minPause: config.require(CHECKPOINTING_MIN_PAUSE),
    maxConcurrent: config.require(CHECKPOINTING_MAX_CONCURRENT),
    tolerableFailures: config.require(CHECKPOINTING_TOLERABLE_FAILURES),
    numRetained: config.require(CHECKPOINTS_NUM_RETAINED),
    storage,
    operators: graph.chains.flatMap((c) =>
      c.vertices.map((v) => ({ id: v.id, name: v.name, parallelism: c.parallelism, maxParallelism })),
    ),
    firstCheckpointId: (options.restoreFrom?.checkpointId ?? 0) + 1,
    onFailure: (error) => current?.fail(error),
    log: options.log,
  });
  // Incremental checkpoints need files to share: with the filesystem storage only, as in Flink.
  const sharedDirectory =
    config.require(STATE_BACKEND_INCREMENTAL) && storage instanceof FileSystemCheckpointStorage
      ? storage.sharedDirectory
      : undefined;
  const snapshotTarget = (checkpointId: number): SnapshotTarget => {
    const target = coordinator.pendingTarget(checkpointId);
    return target?.kind === 'savepoint' ? target : { kind: 'checkpoint', sharedDirectory };
  };
  const setup: JobSetup = {
    job,
    jobId,
    config,
    graph,
    coordinator,
    checkpointingEnabled,
    options,
    snapshotTarget,
  };

  let cancelRequested = false;
  let wakeFromBackoff: (() => void) | undefined;
  let restarts = 0;
  const startTime = Date.now();
  const metrics = new JobMetrics(coordinator, startTime);
  const exceptions: JobException[] = [];

  const supervise = async (): Promise<{ status: JobResult['status']; error?: Error }> => {
    let state = initialState;
    for (let attemptNumber = 0; ; attemptNumber++) {
      current = startAttempt(setup, attemptNumber, state);
      metrics.attach(current.tasks);
      coordinator.startPeriodicScheduling();
      const error = await current.done;
      coordinator.stopPeriodicScheduling();
      if (!error) return { status: cancelRequested ? 'CANCELED' : 'FINISHED' };
      exceptions.push({
        timestamp: Date.now(),
        message: error.message,
        name: isWeirError(error) ? error.code : error.name,
        stack: isWeirError(error) && error.kind === 'user' ? undefined : error.stack,
      });
      if (exceptions.length > 16) exceptions.shift();
      coordinator.abortPendingCheckpoints('the job is failing over');
      // A mistake in the job itself (an option, a schema that cannot work) fails the same way on
      // every attempt: restarting would only repeat it, so it fails the job at once.
      const unrecoverable = isWeirError(error) && error.kind === 'user';
      if (unrecoverable && !cancelRequested) {
        options.log.warn(`Job ${jobId} failed and is not restarted: the error is in the job's definition.`);
      }
      const delay = cancelRequested || unrecoverable ? undefined : restartStrategy.onFailure(Date.now());
      if (delay === undefined) {
        if (cancelRequested) return { status: 'CANCELED' };
        return { status: 'FAILED', error };
      }
      const latest = coordinator.latestCompleted;
      options.log.warn(
        `Job ${jobId} failed: ${error.message}. Restarting in ${delay} ms (${restartStrategy.description}) from ${
          latest
            ? `checkpoint ${latest.checkpointId}`
            : options.restoreFrom
              ? 'the state it started with'
              : 'the beginning'
        }.`,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        wakeFromBackoff = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wakeFromBackoff = undefined;
      if (cancelRequested) return { status: 'CANCELED' };
      state = latest
        ? assignRestoredState(await storage.readCheckpoint(latest), graph.chains, maxParallelism, true)
        : initialState;
      restarts++;
      metrics.numRestarts = restarts;
    }
  };

  // A running job keeps the process alive even while every task waits on a promise (a source
  // with nothing to read, a gate with nothing in flight): Node must not exit under it.
  const keepAlive = setInterval(() => {}, 1 << 30);
  const result = supervise().then(async ({ status, error }): Promise<JobResult> => {
    clearInterval(keepAlive);
    const retention = config.require(CHECKPOINTING_EXTERNALIZED_RETENTION);
    // Flink's CheckpointProperties: finished jobs never retain; failed jobs retain unless
    // externalization is off; cancelled jobs retain only with RETAIN_ON_CANCELLATION.
    const retain =
      status === 'FAILED'
        ? retention !== 'NO_EXTERNALIZED_CHECKPOINTS'
        : status === 'CANCELED' && retention === 'RETAIN_ON_CANCELLATION';
    await coordinator.shutdown(retain);
    return { status, error, restarts, retainedCheckpoints: [...coordinator.retainedCheckpoints] };
  });

  let status: JobStatus = 'RUNNING';
  void result.then((r) => {
    status = r.status;
    metrics.endTime = Date.now();
  });
  const savepointDirectory = (directory?: string) => directory ?? config.require(SAVEPOINTS_DIRECTORY);
  return {
    jobId,
    jobName: job.jobName,
    checkpointDirectory: storage.jobDirectory,
    coordinator,
    result,
    get status() {
      return status;
    },
    startTime,
    metrics,
    exceptions,
    triggerSavepoint: async (directory, format) =>
      (await coordinator.triggerCheckpoint(savepointDirectory(directory), format).completion).location,
    stop: async ({ savepointDirectory: directory, drain = false, format }) => {
      const attempt = current;
      if (!attempt || status !== 'RUNNING') {
        throw new WeirError('JOB_NOT_RUNNING', `Job ${jobId} is not running (${status})`);
      }
      attempt.stopping = true;
      coordinator.stopPeriodicScheduling();
      for (const t of attempt.tasks) t.stopSource(drain);
      let savepoint: string | undefined;
      try {
        savepoint = (await coordinator.triggerCheckpoint(savepointDirectory(directory), format).completion)
          .location;
      } catch (err) {
        attempt.stopping = false;
        for (const t of attempt.tasks) t.resumeSource();
        coordinator.startPeriodicScheduling();
        throw err;
      }
      for (const t of attempt.tasks) t.finish();
      return { savepoint, result: await result };
    },
    cancel: () => {
      cancelRequested = true;
      current?.cancel();
      wakeFromBackoff?.();
      return result;
    },
  };
}

/**
 * Starts a job, restoring it from 'execution.state-recovery.path' (`weir run -s`) when the job's
 * configuration names one.
 */
export async function submitJob(
  job: JobGraph,
  options: Omit<ExecuteOptions, 'restoreFrom' | 'allowNonRestoredState'>,
): Promise<JobClient> {
  const config = new Configuration(Object.entries(job.config));
  const path = config.get(STATE_RECOVERY_PATH);
  const restoreFrom = path ? await loadCheckpointMetadata(path) : undefined;
  return executeJob(job, {
    ...options,
    restoreFrom,
    allowNonRestoredState: config.require(STATE_RECOVERY_IGNORE_UNCLAIMED),
  });
}
