import { rm } from 'node:fs/promises';
import { WeirError } from '../../common/errors.js';
import { failpoint } from '../../common/failpoints.js';
import type { Logger, OperatorStateSnapshot } from '../api/operator.js';
import type { KeyedStateHandle, KeyedStateSnapshot } from '../api/state.js';
import type { SavepointFormat } from '../state/snapshot.js';
import {
  type CheckpointMetadata,
  METADATA_FORMAT,
  METADATA_VERSION,
  type OperatorCheckpointState,
} from './metadata.js';
import {
  type CheckpointStorage,
  type CompletedCheckpointHandle,
  newSavepointPath,
  writeSavepoint,
} from './storage.js';

/** A task as the coordinator sees it: sources are triggered; every task acknowledges. */
export interface CheckpointParticipant {
  /** Unique within the job, e.g. "Source: orders -> Calc -> Sink: out (1/2)". */
  readonly taskName: string;
  readonly isSource: boolean;
  triggerCheckpoint(checkpointId: number, timestamp: number, isSavepoint: boolean): void;
  notifyCheckpointComplete(checkpointId: number): void;
  notifyCheckpointAborted(checkpointId: number): void;
}

/** One operator subtask's part of an acknowledgement. */
export interface SubtaskState {
  readonly operatorId: string;
  readonly subtaskIndex: number;
  readonly snapshot: OperatorStateSnapshot;
  readonly keyed?: KeyedStateSnapshot;
  /** Keyed state as run files of the disk backend (incremental checkpoint, native savepoint). */
  readonly keyedHandle?: KeyedStateHandle;
}

/** How long a task's part of a checkpoint took. */
export interface CheckpointMetrics {
  /** The synchronous part: barrier handling and snapshots that hold up processing. */
  readonly syncMs: number;
  /** Writing keyed state out while records flow. */
  readonly asyncMs: number;
  /** Waiting for barriers on all inputs (aligned checkpoints). */
  readonly alignmentMs: number;
}

export interface CheckpointedOperator {
  readonly id: string;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
}

export interface CheckpointCoordinatorOptions {
  readonly jobId: string;
  readonly jobName: string;
  /** Periodic trigger interval; undefined disables periodic checkpoints. */
  readonly interval?: number;
  readonly timeout: number;
  readonly minPause: number;
  readonly maxConcurrent: number;
  readonly tolerableFailures: number;
  readonly numRetained: number;
  readonly storage: CheckpointStorage;
  readonly operators: readonly CheckpointedOperator[];
  /** The id the next checkpoint gets: one more than the restored checkpoint's, as in Flink. */
  readonly firstCheckpointId: number;
  /** Called when failed checkpoints exceed the tolerable number: the job must fail over. */
  readonly onFailure: (error: WeirError) => void;
  readonly log: Logger;
}

export type CheckpointStatus = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface CheckpointStats {
  readonly id: number;
  readonly isSavepoint: boolean;
  status: CheckpointStatus;
  readonly triggeredAt: number;
  /** Trigger to completion or failure, in ms. */
  durationMs?: number;
  sizeBytes?: number;
  /** What this checkpoint added to storage (smaller than sizeBytes for an incremental one). */
  checkpointedSizeBytes?: number;
  failureReason?: string;
  location?: string;
  /** A savepoint's format (Flink's savepointFormat); unset for a checkpoint. */
  readonly savepointFormat?: SavepointFormat;
  /** The tasks the checkpoint waits for, and how many have acknowledged it. */
  readonly numSubtasks: number;
  numAcknowledgedSubtasks: number;
  /** The longest synchronous part, asynchronous part and alignment over all tasks, in ms. */
  syncDurationMs?: number;
  asyncDurationMs?: number;
  alignmentMs?: number;
}

interface PendingCheckpoint {
  readonly id: number;
  readonly triggeredAt: number;
  readonly awaiting: Set<string>;
  readonly states: Map<string, OperatorStateSnapshot[]>;
  readonly keyed: Map<string, Record<string, KeyedStateSnapshot[string]>>;
  readonly handles: Map<string, KeyedStateHandle[]>;
  readonly stats: CheckpointStats;
  /** Set for a savepoint: the directory it is written to (decided at trigger, so backends can write files into it). */
  readonly savepointDirectory?: string;
  readonly savepointFormat: SavepointFormat;
  /** Settles when the checkpoint completes or fails. */
  readonly completion: Promise<CompletedCheckpointHandle>;
  timeoutTimer?: NodeJS.Timeout;
  finishing: boolean;
  /** Lets shutdown stop waiting for this checkpoint's `_metadata` write (called when it expires). */
  releaseShutdown?: () => void;
  /** The timeout fired while `_metadata` was being written: whatever the write produces is discarded. */
  expired: boolean;
}

interface Waiter {
  resolve(handle: CompletedCheckpointHandle): void;
  reject(error: Error): void;
}

/**
 * Flink's CheckpointCoordinator, for one job: triggers checkpoints at sources (periodically,
 * honouring min-pause and max-concurrent), collects acknowledgements from every task, writes the
 * metadata through the storage, and only then notifies tasks that the checkpoint is complete —
 * the signal two-phase-commit sinks commit on. Expired and declined checkpoints count against the
 * tolerable number of failures.
 */
export class CheckpointCoordinator {
  private participants: readonly CheckpointParticipant[] = [];
  private nextId: number;
  private readonly pending = new Map<number, PendingCheckpoint>();
  private readonly completed: CompletedCheckpointHandle[] = [];
  private readonly waiters = new Map<number, Waiter>();
  private readonly history: CheckpointStats[] = [];
  private consecutiveFailures = 0;
  private lastCompletedAt = Number.NEGATIVE_INFINITY;
  private periodicTimer?: NodeJS.Timeout;
  /** Completions being written; shutdown waits for them so no file operation outlives the job. */
  private readonly finishing = new Set<Promise<void>>();
  private running = false;

  constructor(private readonly options: CheckpointCoordinatorOptions) {
    this.nextId = options.firstCheckpointId;
  }

  setParticipants(participants: readonly CheckpointParticipant[]): void {
    this.participants = participants;
  }

  get latestCompleted(): CompletedCheckpointHandle | undefined {
    return this.completed[this.completed.length - 1];
  }

  get retainedCheckpoints(): readonly CompletedCheckpointHandle[] {
    return this.completed;
  }

  get statistics(): readonly CheckpointStats[] {
    return this.history;
  }

  /** Totals since the job started (the history keeps only the latest 100), as Flink's job metrics. */
  readonly counts = { completed: 0, failed: 0 };

  /** Checkpoints and savepoints triggered and not yet completed or failed. */
  get numberOfInProgress(): number {
    return this.pending.size;
  }

  /** Settles once every checkpoint in progress now has completed or failed. */
  async inProgressSettled(): Promise<void> {
    await Promise.allSettled([...this.pending.values()].map((p) => p.completion));
  }

  startPeriodicScheduling(): void {
    if (this.options.interval === undefined || this.running) return;
    this.running = true;
    this.scheduleNext(this.options.interval);
  }

  stopPeriodicScheduling(): void {
    this.running = false;
    if (this.periodicTimer) clearTimeout(this.periodicTimer);
    this.periodicTimer = undefined;
  }

  private scheduleNext(delayMs: number): void {
    if (!this.running) return;
    if (this.periodicTimer) clearTimeout(this.periodicTimer);
    this.periodicTimer = setTimeout(() => this.onPeriodicTrigger(), Math.max(0, delayMs));
    this.periodicTimer.unref?.();
  }

  private onPeriodicTrigger(): void {
    this.periodicTimer = undefined;
    if (!this.running) return;
    // A trigger that must wait (too many in progress, min-pause not over) is retried when the
    // blocking checkpoint ends, not dropped: see finish().
    if (this.pending.size >= this.options.maxConcurrent) return;
    const pauseLeft = this.lastCompletedAt + this.options.minPause - Date.now();
    if (pauseLeft > 0) {
      this.scheduleNext(pauseLeft);
      return;
    }
    this.triggerCheckpoint();
    this.scheduleNext(this.options.interval!);
  }

  /**
   * Starts a checkpoint now, or a savepoint into `savepointDirectory`; the returned promise
   * settles when it completes or fails. Savepoints are always aligned, are kept apart from the
   * retained checkpoints, and their failures do not count against the tolerable number.
   */
  triggerCheckpoint(
    targetDirectory?: string,
    savepointFormat: SavepointFormat = 'canonical',
  ): {
    id: number;
    completion: Promise<CompletedCheckpointHandle>;
  } {
    const id = this.nextId++;
    const triggeredAt = Date.now();
    const isSavepoint = targetDirectory !== undefined;
    const savepointDirectory = isSavepoint
      ? newSavepointPath(targetDirectory, this.options.jobId)
      : undefined;
    const stats: CheckpointStats = {
      id,
      isSavepoint,
      status: 'IN_PROGRESS',
      triggeredAt,
      numSubtasks: this.participants.length,
      numAcknowledgedSubtasks: 0,
      ...(isSavepoint ? { savepointFormat } : {}),
    };
    this.history.push(stats);
    if (this.history.length > 100) this.history.shift();
    const completion = new Promise<CompletedCheckpointHandle>((resolve, reject) => {
      this.waiters.set(id, { resolve, reject });
    });
    // Waiters that nobody awaits must not become unhandled rejections.
    completion.catch(() => {});
    const pending: PendingCheckpoint = {
      id,
      triggeredAt,
      awaiting: new Set(this.participants.map((p) => p.taskName)),
      states: new Map(),
      keyed: new Map(),
      handles: new Map(),
      stats,
      savepointDirectory,
      savepointFormat,
      completion,
      finishing: false,
      expired: false,
    };
    this.pending.set(id, pending);
    pending.timeoutTimer = setTimeout(() => this.expire(pending), this.options.timeout);
    pending.timeoutTimer.unref?.();
    for (const p of this.participants) if (p.isSource) p.triggerCheckpoint(id, triggeredAt, isSavepoint);
    return { id, completion };
  }

  /** What a checkpoint in progress is for: where a savepoint goes and in which format. */
  pendingTarget(
    checkpointId: number,
  ): { kind: 'checkpoint' } | { kind: 'savepoint'; directory: string; format: SavepointFormat } | undefined {
    const pending = this.pending.get(checkpointId);
    if (!pending) return undefined;
    return pending.savepointDirectory === undefined
      ? { kind: 'checkpoint' }
      : { kind: 'savepoint', directory: pending.savepointDirectory, format: pending.savepointFormat };
  }

  acknowledge(
    taskName: string,
    checkpointId: number,
    states: readonly SubtaskState[],
    metrics?: CheckpointMetrics,
  ): void {
    const pending = this.pending.get(checkpointId);
    if (!pending?.awaiting.delete(taskName)) return; // late ack of an aborted checkpoint
    pending.stats.numAcknowledgedSubtasks++;
    if (metrics) {
      const s = pending.stats;
      s.syncDurationMs = Math.max(s.syncDurationMs ?? 0, metrics.syncMs);
      s.asyncDurationMs = Math.max(s.asyncDurationMs ?? 0, metrics.asyncMs);
      s.alignmentMs = Math.max(s.alignmentMs ?? 0, metrics.alignmentMs);
    }
    for (const s of states) {
      let list = pending.states.get(s.operatorId);
      if (!list) pending.states.set(s.operatorId, (list = []));
      list[s.subtaskIndex] = s.snapshot;
      if (s.keyed) {
        let merged = pending.keyed.get(s.operatorId);
        if (!merged) pending.keyed.set(s.operatorId, (merged = {}));
        Object.assign(merged, s.keyed);
      }
      if (s.keyedHandle) {
        let list = pending.handles.get(s.operatorId);
        if (!list) pending.handles.set(s.operatorId, (list = []));
        list.push(s.keyedHandle);
      }
    }
    if (pending.awaiting.size === 0) {
      const finishing = new Promise<void>((resolve) => {
        pending.releaseShutdown = resolve;
        void this.finish(pending).finally(resolve);
      });
      this.finishing.add(finishing);
      void finishing.finally(() => this.finishing.delete(finishing));
    }
  }

  /**
   * The timeout covers the whole checkpoint, up to its `_metadata` being durable, as in Flink: a
   * checkpoint whose acknowledgements or metadata write take too long expires, counts against the
   * tolerable failures, and frees its slot so later checkpoints proceed. A metadata write that
   * hangs is left behind (shutdown does not wait for it); if it ever ends, its files are deleted.
   */
  private expire(pending: PendingCheckpoint): void {
    if (this.pending.get(pending.id) !== pending) return;
    if (pending.finishing) {
      pending.expired = true;
      pending.releaseShutdown?.();
    }
    this.fail(
      pending.id,
      `Checkpoint ${pending.id} expired before completing (timeout ${this.options.timeout} ms)${
        pending.finishing ? ' while its metadata was being written' : ''
      }`,
    );
  }

  /**
   * A task cannot complete the checkpoint. `subsumed`: a newer checkpoint's barrier overtook it
   * (an unaligned barrier, or the final checkpoint of a bounded job); as Flink's
   * CHECKPOINT_DECLINED_SUBSUMED it is aborted without counting against the tolerable failures.
   */
  decline(taskName: string, checkpointId: number, reason: string, subsumed = false): void {
    const pending = this.pending.get(checkpointId);
    if (!pending) return;
    const message = `Checkpoint ${checkpointId} was declined by ${taskName}: ${reason}`;
    if (subsumed) this.abort(pending, message);
    else this.fail(checkpointId, message);
  }

  private async finish(pending: PendingCheckpoint): Promise<void> {
    pending.finishing = true;
    const operators: Record<string, OperatorCheckpointState> = {};
    for (const op of this.options.operators) {
      const subtasks = pending.states.get(op.id) ?? [];
      operators[op.id] = {
        name: op.name,
        parallelism: op.parallelism,
        maxParallelism: op.maxParallelism,
        subtasks: Array.from({ length: op.parallelism }, (_, i) => subtasks[i] ?? {}),
        ...(pending.keyed.has(op.id) ? { keyedState: pending.keyed.get(op.id) } : {}),
        ...(pending.handles.has(op.id) ? { keyedStateHandles: pending.handles.get(op.id) } : {}),
      };
    }
    const metadata: CheckpointMetadata = {
      format: METADATA_FORMAT,
      version: METADATA_VERSION,
      kind: pending.savepointDirectory === undefined ? 'checkpoint' : 'savepoint',
      jobId: this.options.jobId,
      jobName: this.options.jobName,
      checkpointId: pending.id,
      triggeredAt: pending.triggeredAt,
      completedAt: Date.now(),
      operators,
    };
    let handle: CompletedCheckpointHandle | undefined;
    try {
      failpoint('checkpoint.before-metadata');
      handle =
        pending.savepointDirectory === undefined
          ? await this.options.storage.writeCheckpoint(metadata)
          : await writeSavepoint(pending.savepointDirectory, metadata);
      failpoint('checkpoint.after-metadata');
    } catch (err) {
      // A failed checkpoint must not look complete on disk: its sinks' transactions are rolled back
      // or aborted by the next restore, so restoring from its _metadata would lose their records.
      if (handle) await this.options.storage.discardCheckpoint(handle).catch(() => {});
      if (pending.savepointDirectory !== undefined) await removeFailedSavepoint(pending.savepointDirectory);
      this.fail(pending.id, `Checkpoint ${pending.id} could not be stored: ${(err as Error).message}`);
      return;
    }
    if (pending.expired) {
      // Expired while writing: it already counted as failed and tasks were told it was aborted,
      // so its metadata must not stay behind looking restorable.
      if (pending.savepointDirectory !== undefined) await removeFailedSavepoint(pending.savepointDirectory);
      else await this.options.storage.discardCheckpoint(handle).catch(() => {});
      return;
    }
    clearTimeout(pending.timeoutTimer);
    this.pending.delete(pending.id);
    this.counts.completed++;
    Object.assign(pending.stats, {
      status: 'COMPLETED',
      durationMs: Date.now() - pending.triggeredAt,
      sizeBytes: handle.sizeBytes,
      checkpointedSizeBytes: handle.checkpointedSizeBytes ?? handle.sizeBytes,
      location: handle.location,
    });
    if (pending.savepointDirectory !== undefined) {
      // A savepoint belongs to the user: it is neither retained nor subsumed with the checkpoints,
      // but sinks still commit on it, as in Flink.
      for (const p of this.participants) p.notifyCheckpointComplete(pending.id);
      this.waiters.get(pending.id)?.resolve(handle);
      this.waiters.delete(pending.id);
      // A periodic trigger skipped while the savepoint held the slot is made up for now.
      this.resumePeriodicAfter();
      return;
    }
    this.consecutiveFailures = 0;
    this.lastCompletedAt = Date.now();
    this.completed.push(handle);
    // Older checkpoints still in progress are subsumed by this one, as in Flink.
    for (const older of [...this.pending.values()]) {
      if (older.id < pending.id && !older.finishing)
        this.abort(older, `subsumed by checkpoint ${pending.id}`);
    }
    while (this.completed.length > this.options.numRetained) {
      const subsumed = this.completed.shift()!;
      await this.options.storage.discardCheckpoint(subsumed).catch((err: Error) => {
        this.options.log.warn(`Could not delete subsumed checkpoint ${subsumed.location}: ${err.message}`);
      });
    }
    failpoint('checkpoint.before-notify', this.options.onFailure);
    for (const p of this.participants) p.notifyCheckpointComplete(pending.id);
    this.waiters.get(pending.id)?.resolve(handle);
    this.waiters.delete(pending.id);
    this.resumePeriodicAfter();
  }

  private fail(checkpointId: number, reason: string): void {
    const pending = this.pending.get(checkpointId);
    if (!pending) return;
    this.abort(pending, reason);
    if (pending.savepointDirectory !== undefined) return;
    this.consecutiveFailures++;
    this.options.log.warn(reason);
    if (this.consecutiveFailures > this.options.tolerableFailures) {
      this.options.onFailure(
        new WeirError(
          'CHECKPOINT_TOLERABLE_FAILURES_EXCEEDED',
          `Exceeded the tolerable number of failed checkpoints (${this.options.tolerableFailures}); last failure: ${reason}`,
          {
            kind: 'external',
            hint: "Raise 'execution.checkpointing.tolerable-failed-checkpoints' or 'execution.checkpointing.timeout'.",
          },
        ),
      );
    }
  }

  private abort(pending: PendingCheckpoint, reason: string): void {
    clearTimeout(pending.timeoutTimer);
    this.pending.delete(pending.id);
    this.counts.failed++;
    Object.assign(pending.stats, {
      status: 'FAILED',
      durationMs: Date.now() - pending.triggeredAt,
      failureReason: reason,
    });
    for (const p of this.participants) p.notifyCheckpointAborted(pending.id);
    // A native savepoint may have files in its directory already: an aborted one leaves nothing.
    if (pending.savepointDirectory !== undefined && !pending.finishing) {
      void removeFailedSavepoint(pending.savepointDirectory);
    }
    this.waiters.get(pending.id)?.reject(new WeirError('CHECKPOINT_ABORTED', reason, { kind: 'external' }));
    this.waiters.delete(pending.id);
    this.resumePeriodicAfter();
  }

  /** A periodic trigger skipped because of max-concurrent is made up for once a slot frees. */
  private resumePeriodicAfter(): void {
    if (this.running && this.periodicTimer === undefined) {
      this.scheduleNext(Math.max(0, this.lastCompletedAt + this.options.minPause - Date.now()));
    }
  }

  /** Aborts checkpoints in progress without counting them as failures (the tasks are going away). */
  abortPendingCheckpoints(reason: string): void {
    for (const p of [...this.pending.values()]) if (!p.finishing) this.abort(p, reason);
  }

  /**
   * Stops triggering and aborts what is in progress. Retained checkpoints are deleted unless
   * `retain` (the externalized-checkpoint retention decides that for the caller).
   */
  async shutdown(retain: boolean): Promise<void> {
    this.stopPeriodicScheduling();
    await Promise.all([...this.finishing]);
    for (const p of [...this.pending.values()]) this.abort(p, 'the job is shutting down');
    if (!retain) {
      for (const handle of this.completed.splice(0)) {
        await this.options.storage.discardCheckpoint(handle).catch(() => {});
      }
    }
    await this.options.storage.collectGarbage?.().catch((err: Error) => {
      this.options.log.warn(`Could not clean up unused shared state files: ${err.message}`);
    });
  }
}

/** Removes what a failed savepoint left in its own directory (it was created for this savepoint only). */
async function removeFailedSavepoint(directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true }).catch(() => {});
}
