import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Configuration } from '../../common/config.js';
import { isWeirError, WeirError } from '../../common/errors.js';
import type { JobGraph } from '../../common/jobgraph.js';
import {
  CHECKPOINTING_EXTERNALIZED_RETENTION,
  CHECKPOINTING_INTERVAL,
  CHECKPOINTING_MAX_CONCURRENT,
  CHECKPOINTING_MIN_PAUSE,
  CHECKPOINTING_TIMEOUT,
  CHECKPOINTING_TOLERABLE_FAILURES,
  CHECKPOINTS_DIRECTORY,
  CHECKPOINTS_NUM_RETAINED,
  JOBMANAGER_STORAGE_MAX_STATE,
  MAX_PARALLELISM,
  PARALLELISM_DEFAULT,
  SAVEPOINTS_DIRECTORY,
  STATE_BACKEND_INCREMENTAL,
  STATE_RECOVERY_IGNORE_UNCLAIMED,
  STATE_RECOVERY_PATH,
  WORKER_THREADS,
} from '../../common/options.js';
import type { RuntimeConnectorRegistry, WorkerConnectorsSpec } from '../api/connectors.js';
import type { Logger } from '../api/operator.js';
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
import { buildExecutionGraph, type ExecutionGraph } from '../graph/execution-graph.js';
import { chainConnectors, MAIN_THREAD, type Placement, placeSubtasks } from '../graph/placement.js';
import { JobMetrics } from '../metrics/job-metrics.js';
import type { InFlightBatch } from '../network/input-gate.js';
import { ThreadLink } from '../network/thread-link.js';
import { resolveStateBackend } from '../state/backend-config.js';
import { inputRoutings, redistributeChannelState } from '../state/channel-state.js';
import { redistributeOperatorState } from '../state/redistribute.js';
import type { SavepointFormat, SnapshotTarget } from '../state/snapshot.js';
import { CHANNEL_STATE } from '../task/stream-task.js';
import { deployTasks, type RestoredOperatorState, statusReport } from './task-deployment.js';
import { createThreadPorts, startWorkers, type TaskHandle } from './worker-host.js';
import { loadWorkerConnectors, type TaskStatusReport } from './worker-protocol.js';

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
  /**
   * How worker threads create connectors. Without it every subtask runs on the main thread;
   * with it, 'taskmanager.worker-threads' decides.
   */
  readonly workerConnectors?: WorkerConnectorsSpec;
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
  /** Takes a savepoint into `directory` (default 'state.savepoints.dir'); resolves to its path. */
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
  /** Each task of the running attempt: the thread it runs on, its latest metrics. */
  taskStatus(): TaskStatusReport[];
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

/** Matches restored state to the job's operators by stable id, rescaling operator state. */
function assignRestoredState(
  restore: CheckpointMetadata | undefined,
  graph: ExecutionGraph,
  maxParallelism: number,
  allowNonRestoredState: boolean,
): Map<string, RestoredOperatorState> {
  const result = new Map<string, RestoredOperatorState>();
  if (!restore) return result;
  const { chains } = graph;
  const parallelismById = new Map(
    chains.flatMap((c) => c.vertices.map((v) => [v.id, c.parallelism] as const)),
  );
  const chainById = new Map(chains.flatMap((c) => c.vertices.map((v) => [v.id, c.index] as const)));
  const unmatched = Object.entries(restore.operators).filter(
    ([operatorId, state]) =>
      !parallelismById.has(operatorId) &&
      (state.subtasks.some((s) => Object.values(s).some((list) => list.length > 0)) ||
        Object.keys(state.keyedState ?? {}).length > 0 ||
        (state.keyedStateHandles?.length ?? 0) > 0),
  );
  if (unmatched.length > 0 && !allowNonRestoredState) {
    // All of them at once, as Flink's "Cannot map checkpoint/savepoint state for operator …" names each.
    const list = unmatched.map(([id, state]) => `  ${state.name} (id ${id})`).join('\n');
    throw new WeirError(
      'RESTORE_UNMATCHED_STATE',
      `The checkpoint has state for ${unmatched.length === 1 ? 'an operator' : `${unmatched.length} operators`} that ${unmatched.length === 1 ? 'is' : 'are'} not in this job:\n${list}`,
      {
        hint: 'Pass --allowNonRestoredState (-n) to drop that state, or restore into the job it came from. Operator ids come from the query: a changed grouping, aggregate or join makes a new operator.',
      },
    );
  }
  for (const [operatorId, state] of Object.entries(restore.operators)) {
    const parallelism = parallelismById.get(operatorId);
    if (parallelism === undefined) continue;
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
    let subtasks = state.subtasks;
    let channelState: InFlightBatch[][] | undefined;
    if (
      parallelism !== state.parallelism &&
      state.subtasks.some((s) => (s[CHANNEL_STATE]?.length ?? 0) > 0)
    ) {
      // In-flight records are routed again by the exchange that carried them, not split as list state.
      channelState = redistributeChannelState(
        state.subtasks.map((s) => (s[CHANNEL_STATE] ?? []) as InFlightBatch[]),
        parallelism,
        inputRoutings(graph.edges, chainById.get(operatorId)!),
        maxParallelism,
      );
      if (!channelState) {
        throw new WeirError(
          'RESTORE_UNALIGNED_RESCALE',
          `Operator '${state.name}' has in-flight records from an unaligned checkpoint that came through a forward, broadcast or global exchange, which cannot be restored at another parallelism`,
          {
            hint: 'Restore at the same parallelism, or take an aligned checkpoint or savepoint to rescale from.',
          },
        );
      }
      subtasks = state.subtasks.map(({ [CHANNEL_STATE]: _inFlight, ...rest }) => rest);
    }
    const redistributed = redistributeOperatorState(subtasks, parallelism);
    if (channelState) {
      for (let i = 0; i < parallelism; i++) {
        if (channelState[i].length > 0)
          redistributed[i] = { ...redistributed[i], [CHANNEL_STATE]: channelState[i] };
      }
    }
    result.set(operatorId, {
      subtasks: redistributed,
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
  readonly tasks: readonly TaskHandle[];
  /** Stop-with-savepoint: bounded input no longer finishes the job by itself; stop() does. */
  stopping: boolean;
  /** Settles when every task has ended; the error is the first failure, if any. */
  readonly done: Promise<Error | undefined>;
  fail(error: Error): void;
  cancel(): void;
  taskStatus(): TaskStatusReport[];
}

interface JobSetup {
  readonly job: JobGraph;
  readonly jobId: string;
  readonly config: Configuration;
  readonly graph: ReturnType<typeof buildExecutionGraph>;
  readonly placement: Placement;
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
  const { job, jobId, config, graph, placement, coordinator, options } = setup;
  const tasks: TaskHandle[] = [];
  const inputEnded = new Set<string>();
  let failure: Error | undefined;

  // Bounded inputs end with one last checkpoint, so transactional sinks commit what they wrote
  // (Flink's FLIP-147 final checkpoint).
  const finishAfterFinalCheckpoint = async () => {
    coordinator.stopPeriodicScheduling();
    if (setup.checkpointingEnabled) {
      // After the checkpoints in progress, as any periodic one would be (max-concurrent): a
      // two-phase-commit sink must have committed the previous checkpoint's transaction before the
      // final barrier makes it write again — an upserting JDBC sink would otherwise wait on its own
      // prepared transaction's row locks, which only its own notification can release.
      await coordinator.inProgressSettled();
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
  const ports = placement.workers > 0 ? createThreadPorts(graph, placement) : undefined;
  const local = deployTasks({
    job,
    jobId,
    config,
    graph,
    attemptNumber,
    restored,
    connectors: options.connectors,
    log: options.log,
    hooks,
    placement,
    location: MAIN_THREAD,
    links: new Map([...(ports?.get(MAIN_THREAD) ?? [])].map(([peer, port]) => [peer, new ThreadLink(port)])),
    snapshotTarget: setup.snapshotTarget,
  });
  const remote =
    ports && options.workerConnectors
      ? startWorkers({
          job,
          jobId,
          graph,
          placement,
          attemptNumber,
          restored,
          connectors: options.workerConnectors,
          ports,
          hooks,
          log: options.log,
          onFailure: (err) => attempt.fail(err),
        })
      : undefined;
  tasks.push(...local.tasks.map((d) => d.task), ...(remote?.tasks ?? []));
  coordinator.setParticipants(tasks);
  const stopAll = () => {
    for (const d of local.tasks) d.task.cancel();
    // Senders waiting for credit from a task that is going away must be let go.
    local.closeChannels();
    remote?.cancel();
  };
  const attempt: ExecutionAttempt = {
    tasks,
    stopping: false,
    done: Promise.resolve().then(async () => {
      await Promise.all([
        ...local.tasks.map((d) => d.run().catch((err: Error) => attempt.fail(err))),
        remote?.done,
      ]);
      if (remote) local.closeChannels();
      // The attempt's local state files go with it; the next attempt restores from a checkpoint.
      for (const b of local.keyedBackends) b.dispose();
      return failure;
    }),
    fail(error) {
      if (failure) return;
      failure = error;
      stopAll();
    },
    cancel: stopAll,
    taskStatus: () => [
      ...local.tasks.map((d) => statusReport(d.task, MAIN_THREAD)),
      ...(remote?.reports.values() ?? []),
    ],
  };
  return attempt;
}

/**
 * How many worker threads the job's subtasks run on (0: all on the main thread), and which chains
 * stay on the main thread: those whose connectors workers cannot create or that must run here.
 */
function planPlacement(
  graph: ReturnType<typeof buildExecutionGraph>,
  config: Configuration,
  options: ExecuteOptions,
): Placement | Promise<Placement> {
  const highest = Math.max(...graph.chains.map((c) => c.parallelism));
  const configured = config.get(WORKER_THREADS);
  // The disk backend asks the coordinator what each snapshot is for: such jobs stay on the main thread.
  const diskBackend = resolveStateBackend(config, { info: () => {}, warn: () => {} }).backend !== 'hashmap';
  const workers =
    !options.workerConnectors || diskBackend
      ? 0
      : (configured ?? (highest <= 1 ? 0 : Math.min(highest, availableParallelism())));
  if (workers === 0) return placeSubtasks(graph, 0, () => true);
  return loadWorkerConnectors(options.workerConnectors!).then((inWorkers) =>
    placeSubtasks(graph, workers, (chain) =>
      chainConnectors(chain).some(
        (id) => !inWorkers.has(id) || options.connectors.get(id)?.runsInWorkers !== true,
      ),
    ),
  );
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
    graph,
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
  // Where subtasks run is settled once per job; finding out which connectors workers can create
  // means loading their module, so it is asynchronous only when the job uses worker threads.
  const placement = planPlacement(graph, config, options);
  let setup: JobSetup | undefined;
  // Incremental checkpoints need files to share: with the filesystem storage only, as in Flink.
  const sharedDirectory =
    config.require(STATE_BACKEND_INCREMENTAL) && storage instanceof FileSystemCheckpointStorage
      ? storage.sharedDirectory
      : undefined;
  const snapshotTarget = (checkpointId: number): SnapshotTarget => {
    const target = coordinator.pendingTarget(checkpointId);
    return target?.kind === 'savepoint' ? target : { kind: 'checkpoint', sharedDirectory };
  };

  let cancelRequested = false;
  let wakeFromBackoff: (() => void) | undefined;
  let restarts = 0;
  const startTime = Date.now();
  const metrics = new JobMetrics(coordinator, startTime);
  const exceptions: JobException[] = [];

  const supervise = async (): Promise<{ status: JobResult['status']; error?: Error }> => {
    let state = initialState;
    const placed = placement instanceof Promise ? await placement : placement;
    setup = {
      job,
      jobId,
      config,
      graph,
      placement: placed,
      coordinator,
      checkpointingEnabled,
      options,
      snapshotTarget,
    };
    for (let attemptNumber = 0; ; attemptNumber++) {
      if (cancelRequested) return { status: 'CANCELED' };
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
        ? assignRestoredState(await storage.readCheckpoint(latest), graph, maxParallelism, true)
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
    taskStatus: () => current?.taskStatus() ?? [],
    metrics,
    exceptions,
    triggerSavepoint: async (directory, format) =>
      (await coordinator.triggerCheckpoint(savepointDirectory(directory), format).completion).location,
    stop: async ({ savepointDirectory: directory, drain = false, format }) => {
      await placement;
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
