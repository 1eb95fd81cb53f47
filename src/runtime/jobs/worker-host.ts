import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { JobGraph } from '../../common/jobgraph.js';
import type { WorkerConnectorsSpec } from '../api/connectors.js';
import type { Logger } from '../api/operator.js';
import type { CheckpointParticipant } from '../checkpoint/coordinator.js';
import type { ExecutionGraph } from '../graph/execution-graph.js';
import { MAIN_THREAD, type Placement, usedLocations } from '../graph/placement.js';
import type { MetricSource } from '../metrics/job-metrics.js';
import { newTaskMetrics } from '../metrics/task-metrics.js';
import type { StreamTaskHooks } from '../task/stream-task.js';
import { type RestoredOperatorState, taskName } from './task-deployment.js';
import { workerPool } from './worker-pool.js';
import {
  deserializeError,
  type FromWorker,
  type TaskCall,
  type TaskStatusReport,
  type ToWorker,
} from './worker-protocol.js';

/** What the supervisor needs of any task, wherever it runs (StreamTask has all of it). */
export interface TaskHandle extends CheckpointParticipant, MetricSource {
  stopSource(drain: boolean): void;
  resumeSource(): void;
  finish(): void;
}

/**
 * One MessageChannel per pair of threads that hold the two ends of some channel: ports[a].get(b)
 * is a's end of the link to b.
 */
export function createThreadPorts(
  graph: ExecutionGraph,
  placement: Placement,
): Map<number, Map<number, MessagePort>> {
  const ports = new Map<number, Map<number, MessagePort>>(
    usedLocations(placement).map((l) => [l, new Map()]),
  );
  const link = (a: number, b: number) => {
    if (a === b || ports.get(a)!.has(b)) return;
    const { port1, port2 } = new MessageChannel();
    ports.get(a)!.set(b, port1);
    ports.get(b)!.set(a, port2);
  };
  for (const edge of graph.edges) {
    const from = placement.locations[edge.source];
    const to = placement.locations[edge.target];
    for (let u = 0; u < from.length; u++) {
      for (let d = 0; d < to.length; d++) {
        if (edge.partitioner === 'forward' && u !== d) continue;
        link(from[u], to[d]);
      }
    }
  }
  return ports;
}

export interface WorkerAttemptOptions {
  readonly job: JobGraph;
  readonly jobId: string;
  readonly graph: ExecutionGraph;
  readonly placement: Placement;
  readonly attemptNumber: number;
  readonly restored: ReadonlyMap<string, RestoredOperatorState>;
  readonly connectors: WorkerConnectorsSpec;
  readonly ports: ReadonlyMap<number, ReadonlyMap<number, MessagePort>>;
  readonly hooks: StreamTaskHooks;
  readonly log: Logger;
  /** A task in a worker failed, or a worker could not start: the attempt fails. */
  readonly onFailure: (error: Error) => void;
  readonly statusIntervalMs?: number;
}

export interface WorkerAttempt {
  /** Proxies of the tasks running in workers. */
  readonly tasks: readonly TaskHandle[];
  /** Settles when every worker has ended (its tasks closed), back in the pool or terminated. */
  readonly done: Promise<void>;
  /** The latest status report of each task in a worker. */
  readonly reports: ReadonlyMap<string, TaskStatusReport>;
  cancel(): void;
}

/**
 * A worker that does not end within this time of being cancelled is terminated (and not reused):
 * a task stuck in a connector's call must not hold the job's cancellation or failover forever.
 */
const CANCEL_GRACE_MS = 10_000;

/**
 * Runs the worker threads' part of one execution attempt on workers from the pool and proxies
 * their tasks to the supervisor.
 */
export function startWorkers(options: WorkerAttemptOptions): WorkerAttempt {
  const { graph, placement, hooks } = options;
  const reports = new Map<string, TaskStatusReport>();
  const tasks: TaskHandle[] = [];
  let active = true;
  const ended: Promise<void>[] = [];
  const cancels: (() => void)[] = [];
  const restored = [...options.restored];
  for (const location of usedLocations(placement)) {
    if (location === MAIN_THREAD) continue;
    const worker = workerPool.acquire();
    // Once the worker has ended it may be running another job's tasks: nothing more goes to it.
    let leased = true;
    const send = (message: ToWorker) => {
      if (leased) worker.postMessage(message);
    };
    const links = [...(options.ports.get(location) ?? [])].map(([peer, port]) => ({ peer, port }));
    worker.postMessage(
      {
        t: 'init',
        job: options.job,
        jobId: options.jobId,
        attemptNumber: options.attemptNumber,
        placement,
        location,
        restored,
        connectors: options.connectors,
        links,
        statusIntervalMs: options.statusIntervalMs ?? 500,
      } satisfies ToWorker,
      links.map((l) => l.port),
    );
    for (const chain of graph.chains) {
      placement.locations[chain.index].forEach((at, subtask) => {
        if (at !== location) return;
        const name = taskName(graph, chain.index, subtask);
        const operatorIds = chain.vertices.map((v) => v.id);
        reports.set(name, { taskName: name, thread: location, metrics: newTaskMetrics(operatorIds) });
        const call = (c: TaskCall) => send({ t: 'call', task: name, ...c });
        tasks.push({
          taskName: name,
          subtaskIndex: subtask,
          operatorIds,
          // The latest report's copy: a worker's metrics are as fresh as its status interval.
          metricsSnapshot: () => reports.get(name)!.metrics,
          isSource:
            chain.vertices[0].operator.kind === 'source' || chain.vertices[0].operator.kind === 'values',
          triggerCheckpoint: (id, timestamp, savepoint) =>
            call({ method: 'triggerCheckpoint', args: [id, timestamp, savepoint] }),
          notifyCheckpointComplete: (id) => call({ method: 'notifyCheckpointComplete', args: [id] }),
          notifyCheckpointAborted: (id) => call({ method: 'notifyCheckpointAborted', args: [id] }),
          stopSource: (drain) => call({ method: 'stopSource', args: [drain] }),
          resumeSource: () => call({ method: 'resumeSource', args: [] }),
          finish: () => call({ method: 'finish', args: [] }),
        });
      });
    }
    ended.push(
      new Promise<void>((resolve) => {
        let graceTimer: NodeJS.Timeout | undefined;
        let cancelled = false;
        const detach = () => {
          leased = false;
          if (graceTimer) clearTimeout(graceTimer);
          worker.off('message', onMessage);
          worker.off('error', onError);
          worker.off('messageerror', onError);
          worker.off('exit', onExit);
          resolve();
        };
        const onMessage = (message: FromWorker) => {
          if (message.t === 'stdio') {
            // Acknowledged once flushed: the worker's print sinks wait while too much is unflushed.
            // The acknowledgement is the worker's, not the attempt's: it goes even after 'ended'.
            const { stream, text } = message;
            process[stream].write(text, () =>
              worker.postMessage({ t: 'stdio-written', stream, characters: text.length } satisfies ToWorker),
            );
            return;
          }
          if (!active && message.t !== 'ended' && message.t !== 'log') return;
          switch (message.t) {
            case 'ack':
              return hooks.acknowledgeCheckpoint(
                message.task,
                message.checkpointId,
                message.states,
                message.metrics,
              );
            case 'decline':
              return hooks.declineCheckpoint(
                message.task,
                message.checkpointId,
                message.reason,
                message.subsumed,
              );
            case 'end-of-input':
              return hooks.endOfInput(message.task);
            case 'failed':
              return options.onFailure(deserializeError(message.error));
            case 'log':
              return options.log[message.level](message.message);
            case 'status':
              for (const r of message.reports) reports.set(r.taskName, r);
              return;
            case 'ended':
              // Every task in the worker has closed and released its channels: it is idle.
              detach();
              workerPool.release(worker);
              return;
            default: {
              const never: never = message;
              return never;
            }
          }
        };
        // An error thrown outside any task (a bug, an unhandled rejection in a connector).
        const onError = (err: Error) => options.onFailure(err);
        const onExit = (code: number) => {
          if (!cancelled) {
            options.onFailure(new Error(`Worker thread ${location - 1} exited unexpectedly (code ${code})`));
          }
          detach();
        };
        worker.on('message', onMessage);
        worker.on('error', onError);
        worker.on('messageerror', onError);
        worker.on('exit', onExit);
        cancels.push(() => {
          if (!leased) return;
          cancelled = true;
          send({ t: 'cancel' });
          graceTimer ??= setTimeout(() => void worker.terminate(), CANCEL_GRACE_MS);
        });
      }),
    );
  }
  return {
    tasks,
    reports,
    done: Promise.all(ended).then(() => {
      active = false;
    }),
    cancel: () => {
      for (const c of cancels.splice(0)) c();
    },
  };
}
