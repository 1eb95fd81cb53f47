import type { MessagePort } from 'node:worker_threads';
import { type ErrorKind, WeirError } from '../../common/errors.js';
import type { JobGraph } from '../../common/jobgraph.js';
import type { RuntimeConnector, WorkerConnectorsSpec } from '../api/connectors.js';
import type { CheckpointMetrics, SubtaskState } from '../checkpoint/coordinator.js';
import type { Placement } from '../graph/placement.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { RestoredOperatorState } from './task-deployment.js';
import type { StdioStream } from './worker-stdio.js';

/**
 * The messages between the main thread (checkpoint coordinator, restart strategy, supervision)
 * and the worker threads that run subtasks. Everything here is plain data: it crosses threads by
 * structured clone. Records do not travel here but on the ThreadLinks between threads.
 */

export async function loadWorkerConnectors(
  spec: WorkerConnectorsSpec,
): Promise<Map<string, RuntimeConnector>> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const factory = mod[spec.exportName ?? 'default'];
  if (typeof factory !== 'function') {
    throw new WeirError(
      'WORKER_CONNECTORS_INVALID',
      `The worker connectors module ${spec.module} has no function export '${spec.exportName ?? 'default'}'`,
      { kind: 'internal' },
    );
  }
  const connectors = (await factory(spec.args)) as Iterable<RuntimeConnector>;
  return new Map([...connectors].map((c) => [c.identifier, c]));
}

/**
 * A task's status: where it runs, and its metrics. Tasks in workers send theirs to the main thread
 * periodically, where their proxies serve them to the job's metrics (REST, Prometheus, status line).
 */
export interface TaskStatusReport {
  readonly taskName: string;
  /** 0 for the main thread, w + 1 for worker thread w. */
  readonly thread: number;
  readonly metrics: TaskMetrics;
}

export interface SerializedError {
  readonly message: string;
  readonly stack?: string;
  readonly code?: string;
  readonly kind?: ErrorKind;
  readonly hint?: string;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof WeirError) {
    return { message: err.message, stack: err.stack, code: err.code, kind: err.kind, hint: err.hint };
  }
  if (err instanceof Error) return { message: err.message, stack: err.stack };
  return { message: String(err) };
}

/** The error again on the main thread, a WeirError with its code and kind when it was one. */
export function deserializeError(e: SerializedError): Error {
  const error =
    e.code !== undefined
      ? new WeirError(e.code, e.message, { kind: e.kind, hint: e.hint })
      : new Error(e.message);
  if (e.stack) error.stack = e.stack;
  return error;
}

export interface WorkerInit {
  readonly t: 'init';
  readonly job: JobGraph;
  readonly jobId: string;
  readonly attemptNumber: number;
  readonly placement: Placement;
  /** This worker's location in the placement. */
  readonly location: number;
  readonly restored: readonly (readonly [operatorId: string, state: RestoredOperatorState])[];
  readonly connectors: WorkerConnectorsSpec;
  /** One port per other thread this worker exchanges records with. */
  readonly links: readonly { readonly peer: number; readonly port: MessagePort }[];
  readonly statusIntervalMs: number;
}

/** Calls the main thread makes on a task in a worker (the CheckpointParticipant and stop methods). */
export type TaskCall =
  | {
      readonly method: 'triggerCheckpoint';
      readonly args: [id: number, timestamp: number, savepoint: boolean];
    }
  | { readonly method: 'notifyCheckpointComplete'; readonly args: [id: number] }
  | { readonly method: 'notifyCheckpointAborted'; readonly args: [id: number] }
  | { readonly method: 'stopSource'; readonly args: [drain: boolean] }
  | { readonly method: 'resumeSource'; readonly args: [] }
  | { readonly method: 'finish'; readonly args: [] };

export type ToWorker =
  | WorkerInit
  | ({ readonly t: 'call'; readonly task: string } & TaskCall)
  /** Cancel every task (the job is cancelled or failing over); the worker ends when they have closed. */
  | { readonly t: 'cancel' }
  /** The main thread flushed this much of what the worker printed (worker-stdio.ts). */
  | { readonly t: 'stdio-written'; readonly stream: StdioStream; readonly characters: number };

export type FromWorker =
  | {
      readonly t: 'ack';
      readonly task: string;
      readonly checkpointId: number;
      readonly states: readonly SubtaskState[];
      readonly metrics?: CheckpointMetrics;
    }
  | {
      readonly t: 'decline';
      readonly task: string;
      readonly checkpointId: number;
      readonly reason: string;
      readonly subsumed?: boolean;
    }
  | { readonly t: 'end-of-input'; readonly task: string }
  /** A task failed, or (task absent) the worker could not deploy its tasks. */
  | { readonly t: 'failed'; readonly task?: string; readonly error: SerializedError }
  | { readonly t: 'log'; readonly level: 'info' | 'warn'; readonly message: string }
  | { readonly t: 'status'; readonly reports: readonly TaskStatusReport[] }
  /** Text a print sink wrote, for the process's stdout or stderr. */
  | { readonly t: 'stdio'; readonly stream: StdioStream; readonly text: string }
  /**
   * Every task of the worker has ended and its resources are released: the worker is idle, and
   * may run the next attempt's or job's tasks.
   */
  | { readonly t: 'ended' };
