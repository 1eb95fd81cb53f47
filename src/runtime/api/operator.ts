import type { Configuration } from '../../common/config.js';
import type { RecordBatch } from './batch.js';
import type { KeyedStateBackend } from './state.js';

/** What an operator knows about where it runs. */
export interface OperatorContext {
  readonly jobId: string;
  readonly jobName: string;
  /** The stable operator id from the JobGraph; its state is stored under it. */
  readonly operatorId: string;
  readonly operatorName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** Restart attempt, 0 for the first run. */
  readonly attemptNumber: number;
  readonly config: Configuration;
  /** Where diagnostics go; operators never write to stdout themselves (the print sink aside). */
  readonly log: Logger;
  /** Processing-time timers that fire on the task's own thread, between two batches. */
  readonly processingTimeService: ProcessingTimeService;
  /** Present for keyed operators (JobVertex.keyed): state scoped to the current key. */
  readonly keyedStateBackend?: KeyedStateBackend;
}

export interface ProcessingTimeService {
  now(): number;
  /** Calls `callback` at (or soon after) `timestamp`, in the task's mailbox; returns a cancel function. */
  registerTimer(timestamp: number, callback: (timestamp: number) => void | Promise<void>): () => void;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Downstream of an operator: the next chained operator, or the end of the chain. */
export interface Output {
  emit(batch: RecordBatch): void | Promise<void>;
  emitWatermark(watermark: number): void | Promise<void>;
  /**
   * Idle or active again (Flink's WatermarkStatus). Within a chain it goes straight to the task's
   * output, as Flink's operators forward it unchanged.
   */
  emitWatermarkStatus?(idle: boolean): void | Promise<void>;
}

/**
 * Operator state as it is snapshotted: named lists of entries, redistributed on rescale by
 * splitting (each subtask gets a share) as Flink's operator ListState is — or, for lists whose
 * name starts with `union:`, given whole to every subtask, as Flink's union list state is.
 */
export type OperatorStateSnapshot = Readonly<Record<string, readonly unknown[]>>;

/**
 * A stream operator. Calls come from the task's single thread in this order: initializeState,
 * open, then any interleaving of processBatch / processWatermark / checkpoint calls, then
 * endInput (bounded input finished) and close. Checkpoint calls for one checkpoint id always
 * come as prepareSnapshotPreBarrier → snapshotState, and later one of notifyCheckpointComplete
 * or notifyCheckpointAborted.
 */
export interface StreamOperator {
  initializeState?(restored: OperatorStateSnapshot | undefined): void | Promise<void>;
  open(ctx: OperatorContext, output: Output): void | Promise<void>;
  /**
   * `inputIndex` says which logical input the batch came from: always 0 for one-input operators,
   * 0 (left) or 1 (right) for two-input operators such as joins.
   */
  processBatch(batch: RecordBatch, inputIndex?: number): void | Promise<void>;
  processWatermark?(watermark: number): void | Promise<void>;
  /** Flush anything buffered downstream before the barrier passes (e.g. a mini-batch). */
  prepareSnapshotPreBarrier?(checkpointId: number): void | Promise<void>;
  snapshotState?(checkpointId: number): OperatorStateSnapshot | Promise<OperatorStateSnapshot>;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  notifyCheckpointAborted?(checkpointId: number): void | Promise<void>;
  endInput?(): void | Promise<void>;
  close?(): void | Promise<void>;
}
