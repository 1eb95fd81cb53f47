import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { OperatorContext, OperatorStateSnapshot, Output } from './operator.js';

/**
 * What a poll of a source reader found. `wait` tells the task when to poll again (a rate limit,
 * an empty partition); the task stays responsive to checkpoints and cancellation meanwhile.
 */
export type PollResult =
  | { readonly status: 'emitted' }
  | { readonly status: 'wait'; readonly untilMs?: number; readonly available?: Promise<void> }
  | { readonly status: 'end' };

/**
 * A source reader, one per source subtask (FLIP-27's SourceReader). Its position is operator
 * state: snapshotState must describe exactly the records emitted so far, since the barrier is
 * injected between two polls.
 */
export interface SourceReader {
  initializeState(restored: OperatorStateSnapshot | undefined): void | Promise<void>;
  open(ctx: OperatorContext): void | Promise<void>;
  /** Emits at most one batch to `output`. */
  poll(output: Output): PollResult | Promise<PollResult>;
  snapshotState(checkpointId: number): OperatorStateSnapshot | Promise<OperatorStateSnapshot>;
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  close(): void | Promise<void>;
  /**
   * The reader's own gauges by Flink's metric name (e.g. Kafka's per-partition records-lag), read
   * when metrics are read, never on the record path.
   */
  metrics?(): Record<string, number>;
  /**
   * Bytes read from the external system so far (Flink's numBytesIn of a source): file bytes,
   * Kafka keys and values. Read when metrics are read.
   */
  bytesRead?(): number;
}

export interface SourceFactory {
  createReader(spec: ConnectorSpec): SourceReader;
}
