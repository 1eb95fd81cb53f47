import { failpoint } from '../../common/failpoints.js';
import type { RecordBatch } from '../api/batch.js';
import type {
  OperatorContext,
  OperatorStateSnapshot,
  Output,
  ProcessingTimeService,
  StreamOperator,
} from '../api/operator.js';
import type { PollResult, SourceReader } from '../api/source.js';
import { isKeyedStateHandle, type KeyedStateHandle, type KeyedStateSnapshot } from '../api/state.js';
import type { CheckpointMetrics, SubtaskState } from '../checkpoint/coordinator.js';
import { serializedBytes } from '../metrics/record-bytes.js';
import {
  backPressureTimedOutput,
  bytesCountedOutput,
  countedOutput,
  newTaskMetrics,
  type TaskMetrics,
} from '../metrics/task-metrics.js';
import type {
  CheckpointedInputGate,
  CheckpointKind,
  InFlightBatch,
  InputHandler,
} from '../network/input-gate.js';
import type { RecordWriterOutput } from '../network/record-writer.js';
import type { SnapshottingKeyedStateBackend } from '../state/snapshot.js';
import { Mailbox } from './mailbox.js';

export interface ChainedOperator {
  readonly operatorId: string;
  readonly operator: StreamOperator;
  /** The operator's keyed state, snapshotted with it. */
  readonly keyedState?: SnapshottingKeyedStateBackend;
}

/** Where a task's records come from: a source reader, or the network from upstream tasks. */
export type TaskHead =
  | { readonly kind: 'source'; readonly operatorId: string; readonly reader: SourceReader }
  | { readonly kind: 'network'; readonly gate: CheckpointedInputGate };

export interface StreamTaskHooks {
  acknowledgeCheckpoint(
    taskName: string,
    checkpointId: number,
    states: readonly SubtaskState[],
    metrics?: CheckpointMetrics,
  ): void;
  /** `subsumed`: a newer checkpoint's barrier overtook this one. */
  declineCheckpoint(taskName: string, checkpointId: number, reason: string, subsumed?: boolean): void;
  /** The task's input ended and every operator saw endInput; it now waits for finish(). */
  endOfInput(taskName: string): void;
}

interface CompletedSnapshot {
  readonly states: readonly SubtaskState[];
  readonly metrics: CheckpointMetrics;
}

/** Operator-state name under which a task stores the in-flight records of an unaligned checkpoint. */
export const CHANNEL_STATE = 'weir.channel-state';

/**
 * A task that has run this long without giving the event loop a turn yields, so timers and I/O run.
 * Short, because what crosses threads moves only on event loop turns: a worker posts the batches
 * and credits its tasks produced, and takes in its peers', between turns; with 10 ms slices a hash
 * exchange between two busy workers left each idle a fifth to a third of the time.
 */
const MAX_BUSY_MS = 2;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function fanOut(outputs: readonly Output[]): Output {
  if (outputs.length === 1) return outputs[0];
  if (outputs.length === 0) return { emit: () => {}, emitWatermark: () => {}, emitWatermarkStatus: () => {} };
  return {
    emit: async (batch) => {
      for (const o of outputs) await o.emit(batch);
    },
    emitWatermark: async (wm) => {
      for (const o of outputs) await o.emitWatermark(wm);
    },
    emitWatermarkStatus: async (idle) => {
      for (const o of outputs) await o.emitWatermarkStatus?.(idle);
    },
  };
}

/**
 * One parallel subtask of a chain. Its loop alternates between the mailbox (checkpoint triggers
 * and notifications, cancellation) and one unit of input: a poll of the source reader, or one
 * element from the input gate. Operators in the chain are plain calls to each other.
 */
export class StreamTask {
  private readonly mailbox = new Mailbox();
  private cancelled = false;
  private finishRequested = false;
  private inputEnded = false;
  /** Stop-with-savepoint: the source reads nothing more, without ending its input. */
  private sourceSuspended = false;
  private readonly operators: readonly StreamOperator[];
  private readonly chainInput: Output;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Unaligned checkpoints snapshotted here, waiting for their in-flight records. */
  private readonly awaitingChannelState = new Map<number, Promise<CompletedSnapshot>>();
  /** Counted per batch on the task's own thread; read with metricsSnapshot(). */
  private readonly metrics: TaskMetrics;
  /** The network outputs, with their waits for credit timed as backpressure. */
  private readonly tailOutput: Output;

  /** Timers run as mailbox actions, so they never interleave with a batch or a checkpoint. */
  readonly processingTimeService: ProcessingTimeService = {
    now: () => Date.now(),
    registerTimer: (timestamp, callback) => {
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          this.mailbox.put(() => callback(timestamp));
        },
        Math.max(0, timestamp - Date.now()),
      );
      this.timers.add(timer);
      return () => {
        clearTimeout(timer);
        this.timers.delete(timer);
      };
    },
  };

  constructor(
    readonly taskName: string,
    readonly subtaskIndex: number,
    private readonly head: TaskHead,
    private readonly chain: readonly ChainedOperator[],
    private readonly outputs: readonly RecordWriterOutput[],
    private readonly hooks: StreamTaskHooks,
    /** Unaligned checkpoints: a source's barrier overtakes the records queued toward the next tasks. */
    private readonly priorityBarriersAtSource = false,
  ) {
    this.operators = chain.map((c) => c.operator);
    this.metrics = newTaskMetrics(this.operatorIds);
    const network = fanOut(outputs.map((o) => backPressureTimedOutput(o, this.metrics)));
    const ids = this.operatorIds;
    this.tailOutput =
      outputs.length > 0
        ? bytesCountedOutput(network, this.metrics.operators[ids[ids.length - 1]], outputs.length)
        : network;
    const first = this.operators[0];
    const headMetrics = head.kind === 'source' ? this.metrics.operators[head.operatorId] : undefined;
    this.chainInput = first
      ? countedOutput(
          {
            emit: (b: RecordBatch) => first.processBatch(b),
            emitWatermark: (wm: number) => first.processWatermark?.(wm),
          },
          headMetrics,
          this.metrics.operators[chain[0].operatorId],
        )
      : countedOutput(this.tailOutput, headMetrics, undefined);
  }

  /** The ids of the operators this task runs, in chain order, its source first. */
  get operatorIds(): string[] {
    const ids = this.chain.map((c) => c.operatorId);
    return this.head.kind === 'source' ? [this.head.operatorId, ...ids] : ids;
  }

  /**
   * The task's metrics, with the source reader's gauges (Kafka lag) refreshed. A plain object of
   * numbers that stays live: a reader on the same thread may keep it; across threads, copy it.
   */
  metricsSnapshot(): TaskMetrics {
    if (this.head.kind === 'source') {
      const io = this.metrics.operators[this.head.operatorId];
      if (this.head.reader.metrics) io.gauges = this.head.reader.metrics();
      if (this.head.reader.bytesRead) io.numBytesIn = this.head.reader.bytesRead();
    }
    return this.metrics;
  }

  /** Records that enter the chain's first operator on its second input (a join's other side). */
  private processSecondInput(batch: RecordBatch, inputIndex: number): void | Promise<void> {
    this.metrics.operators[this.chain[0].operatorId].numRecordsIn += batch.rows.length;
    return this.operators[0].processBatch(batch, inputIndex);
  }

  get isSource(): boolean {
    return this.head.kind === 'source';
  }

  triggerCheckpoint(checkpointId: number, timestamp: number, isSavepoint = false): void {
    this.mailbox.put(() =>
      this.performCheckpoint(
        checkpointId,
        timestamp,
        this.priorityBarriersAtSource && !isSavepoint ? 'unaligned' : 'aligned',
        isSavepoint,
      ),
    );
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.mailbox.put(async () => {
      if (this.head.kind === 'source') await this.head.reader.notifyCheckpointComplete?.(checkpointId);
      for (const op of this.operators) await op.notifyCheckpointComplete?.(checkpointId);
    });
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.mailbox.put(async () => {
      for (const op of this.operators) await op.notifyCheckpointAborted?.(checkpointId);
    });
  }

  /**
   * Stop-with-savepoint: the source stops reading. With `drain` its input ends as if bounded (the
   * final watermark flows and operators flush); without, it just pauses so the state in the
   * savepoint resumes exactly where it stopped.
   */
  stopSource(drain: boolean): void {
    if (this.head.kind !== 'source') return;
    this.mailbox.put(async () => {
      if (drain && !this.inputEnded) await this.endInput();
      else this.sourceSuspended = true;
    });
  }

  /** A stop-with-savepoint whose savepoint failed: the job goes on. */
  resumeSource(): void {
    this.mailbox.put(() => {
      this.sourceSuspended = false;
    });
  }

  /** After endOfInput: let the task close (once the final checkpoint, if any, is through). */
  finish(): void {
    this.mailbox.put(() => {
      this.finishRequested = true;
    });
  }

  cancel(): void {
    this.cancelled = true;
    this.mailbox.interrupt();
  }

  async run(
    restored: ReadonlyMap<string, OperatorStateSnapshot>,
    contextFor: (operatorId: string) => OperatorContext,
  ): Promise<'finished' | 'cancelled'> {
    try {
      if (restored.size > 0) failpoint('task.restore');
      if (this.head.kind === 'source') {
        await this.head.reader.initializeState(restored.get(this.head.operatorId));
      }
      let inFlight: readonly InFlightBatch[] = [];
      for (const c of this.chain) {
        const state = restored.get(c.operatorId);
        if (state?.[CHANNEL_STATE]) {
          const { [CHANNEL_STATE]: channelState, ...rest } = state;
          inFlight = channelState as InFlightBatch[];
          await c.operator.initializeState?.(rest);
        } else {
          await c.operator.initializeState?.(state);
        }
      }
      // Open from the tail so that an operator's downstream is ready before it may emit.
      for (let i = this.chain.length - 1; i >= 0; i--) {
        const next = this.operators[i + 1];
        const output: Output = countedOutput(
          next
            ? {
                emit: (b) => next.processBatch(b),
                emitWatermark: (wm) => next.processWatermark?.(wm),
                emitWatermarkStatus: (idle) => this.tailOutput.emitWatermarkStatus?.(idle),
              }
            : this.tailOutput,
          this.metrics.operators[this.chain[i].operatorId],
          next ? this.metrics.operators[this.chain[i + 1].operatorId] : undefined,
        );
        await this.chain[i].operator.open(contextFor(this.chain[i].operatorId), output);
      }
      if (this.head.kind === 'source') await this.head.reader.open(contextFor(this.head.operatorId));
      // Records that were in flight when an unaligned checkpoint was taken come first.
      for (const batch of inFlight) {
        if (batch.inputIndex) await this.processSecondInput(batch, batch.inputIndex);
        else await this.chainInput.emit(batch);
      }
      await this.loop();
    } catch (err) {
      // The failure is what the user must see; a second error while closing is secondary.
      await this.closeAll().catch(() => {});
      throw err;
    }
    await this.closeAll();
    return this.cancelled ? 'cancelled' : 'finished';
  }

  private async loop(): Promise<void> {
    const gateHandler = this.head.kind === 'network' ? this.inputHandler() : undefined;
    const metrics = this.metrics;
    let busySince = Date.now();
    while (!this.cancelled && !this.finishRequested) {
      // Busy time is the time of one unit of work less its waits for credit; read per unit, not per record.
      const unitStart = performance.now();
      const backPressuredBefore = metrics.backPressuredTimeMs;
      await this.mailbox.runAll();
      if (this.cancelled || this.finishRequested) break;
      let idle: Promise<void> | undefined;
      if (this.head.kind === 'source') {
        // A finished source still takes part in checkpoints through its mailbox; a network task
        // keeps reading its gate after end of data, since barriers of the final checkpoint follow.
        if (this.inputEnded || this.sourceSuspended) {
          const idleStart = performance.now();
          metrics.busyTimeMs += idleStart - unitStart;
          await this.mailbox.whenNotEmpty();
          metrics.idleTimeMs += performance.now() - idleStart;
          continue;
        }
        const result: PollResult = await this.head.reader.poll(this.chainInput);
        if (result.status === 'end') await this.endInput();
        else if (result.status === 'wait') idle = this.waitForSource(result);
      } else if ((await this.head.gate.pollNext(gateHandler!)) === 'nothing-available') {
        idle = this.head.gate.whenAvailable();
      }
      const unitEnd = performance.now();
      metrics.busyTimeMs += unitEnd - unitStart - (metrics.backPressuredTimeMs - backPressuredBefore);
      if (idle) {
        if (this.mailbox.isEmpty) {
          await Promise.race([idle, this.mailbox.whenNotEmpty()]);
          metrics.idleTimeMs += performance.now() - unitEnd;
        }
      }
      // A wait that resolved at once (an already settled promise) gave the event loop no turn, so
      // time spent waiting counts as busy: timers and I/O must never be starved.
      if (Date.now() - busySince > MAX_BUSY_MS) {
        await yieldToEventLoop();
        busySince = Date.now();
      }
    }
  }

  private inputHandler(): InputHandler {
    return {
      processBatch: (batch, inputIndex) => {
        this.metrics.operators[this.chain[0].operatorId].numBytesIn += serializedBytes(batch);
        return inputIndex === 0 ? this.chainInput.emit(batch) : this.processSecondInput(batch, inputIndex);
      },
      processWatermark: (wm) => this.chainInput.emitWatermark(wm),
      processWatermarkStatus: (idle) => {
        for (const o of this.outputs) o.emitWatermarkStatus(idle);
      },
      triggerCheckpointOnBarrier: (id, timestamp, kind, savepoint) =>
        this.performCheckpoint(id, timestamp, kind, savepoint),
      completeChannelState: (id, inFlight) => {
        const pending = this.awaitingChannelState.get(id);
        if (!pending) return;
        this.awaitingChannelState.delete(id);
        pending.then(
          ({ states, metrics }) => {
            const first = states.findIndex((s) => s.operatorId === this.chain[0]?.operatorId);
            const withChannelState = states.map((s, i) =>
              i === first ? { ...s, snapshot: { ...s.snapshot, [CHANNEL_STATE]: inFlight } } : s,
            );
            this.hooks.acknowledgeCheckpoint(this.taskName, id, withChannelState, metrics);
          },
          (err: Error) => this.hooks.declineCheckpoint(this.taskName, id, err.message),
        );
      },
      abortCheckpointOnBarrier: (id, reason) => {
        this.awaitingChannelState.delete(id);
        this.hooks.declineCheckpoint(this.taskName, id, reason, true);
      },
      endOfData: () => this.endInput(),
    };
  }

  private waitForSource(result: Extract<PollResult, { status: 'wait' }>): Promise<void> {
    const waits: Promise<void>[] = [];
    if (result.untilMs !== undefined) {
      waits.push(new Promise((resolve) => setTimeout(resolve, Math.max(0, result.untilMs! - Date.now()))));
    }
    if (result.available) waits.push(result.available);
    return waits.length > 0 ? Promise.race(waits) : new Promise(() => {});
  }

  private async endInput(): Promise<void> {
    for (const op of this.operators) await op.endInput?.();
    for (const o of this.outputs) o.broadcast({ kind: 'end-of-data' });
    this.inputEnded = true;
    this.hooks.endOfInput(this.taskName);
  }

  /**
   * The synchronous part of a checkpoint, between two input elements: operators flush what must
   * precede the barrier, the barrier goes downstream, then every operator snapshots.
   */
  /**
   * The synchronous part of a checkpoint, between two input elements: operators flush what must
   * precede the barrier, the barrier goes downstream, operators snapshot, and keyed state starts a
   * copy-on-write snapshot. Keyed state is then written out asynchronously while records flow, and
   * the checkpoint is acknowledged when that is done.
   */
  private async performCheckpoint(
    checkpointId: number,
    timestamp: number,
    kind: CheckpointKind,
    savepoint = false,
  ): Promise<void> {
    const syncStart = performance.now();
    const alignmentMs = this.head.kind === 'network' ? this.head.gate.lastAlignmentMs : 0;
    let states: SubtaskState[];
    let keyedSnapshots: (Promise<KeyedStateSnapshot | KeyedStateHandle> | undefined)[];
    // As in Flink, a failure here is the task's, not only the checkpoint's: it is where sinks flush
    // (a write the broker refused fails the task with that error, not as a declined checkpoint).
    for (const op of this.operators) await op.prepareSnapshotPreBarrier?.(checkpointId);
    try {
      if (this.head.kind === 'source') failpoint('source.before-barrier');
      for (const o of this.outputs) {
        if (kind === 'unaligned') o.broadcastPriorityBarrier(checkpointId, timestamp);
        else o.broadcast({ kind: 'barrier', checkpointId, timestamp, savepoint });
      }
      if (this.head.kind === 'source') failpoint('source.after-barrier');
      states = [];
      if (this.head.kind === 'source') {
        states.push({
          operatorId: this.head.operatorId,
          subtaskIndex: this.subtaskIndex,
          snapshot: await this.head.reader.snapshotState(checkpointId),
        });
      }
      keyedSnapshots = this.head.kind === 'source' ? [undefined] : [];
      failpoint('operator.snapshot');
      for (const c of this.chain) {
        states.push({
          operatorId: c.operatorId,
          subtaskIndex: this.subtaskIndex,
          snapshot: (await c.operator.snapshotState?.(checkpointId)) ?? {},
        });
        keyedSnapshots.push(c.keyedState?.snapshotAsync({ checkpointId }).materialize());
      }
    } catch (err) {
      this.hooks.declineCheckpoint(this.taskName, checkpointId, (err as Error).message);
      return;
    }
    const syncMs = performance.now() - syncStart;
    const asyncStart = performance.now();
    const complete = Promise.all(keyedSnapshots).then((keyed) => {
      failpoint('checkpoint.async-upload');
      const withKeyed = states.map((s, i) => {
        const k = keyed[i];
        if (!k) return s;
        return isKeyedStateHandle(k) ? { ...s, keyedHandle: k } : { ...s, keyed: k };
      });
      return { states: withKeyed, metrics: { syncMs, asyncMs: performance.now() - asyncStart, alignmentMs } };
    });
    // An unaligned checkpoint at a network input is acknowledged once its in-flight records are known.
    if (kind === 'unaligned' && this.head.kind === 'network') {
      this.awaitingChannelState.set(checkpointId, complete);
      return;
    }
    complete.then(
      ({ states: done, metrics }) =>
        this.hooks.acknowledgeCheckpoint(this.taskName, checkpointId, done, metrics),
      (err: Error) => this.hooks.declineCheckpoint(this.taskName, checkpointId, err.message),
    );
  }

  private async closeAll(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const errors: unknown[] = [];
    const closers: (() => unknown)[] = [];
    if (this.head.kind === 'source') {
      const reader = this.head.reader;
      closers.push(() => reader.close());
    }
    for (const op of this.operators) closers.push(() => op.close?.());
    for (const close of closers) {
      try {
        await close();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
