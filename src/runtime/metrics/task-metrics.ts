import type { Output } from '../api/operator.js';
import { serializedBytes } from './record-bytes.js';

/** Flink reports "no watermark yet" as Long.MIN_VALUE; weir keeps -Infinity and prints Flink's value. */
export const NO_WATERMARK = Number.NEGATIVE_INFINITY;

/**
 * One operator's input and output within a task (Flink's OperatorIOMetricGroup). Plain numbers,
 * so the object can be copied from a worker thread to the thread that serves metrics.
 */
export interface OperatorIOMetrics {
  numRecordsIn: number;
  numRecordsOut: number;
  /**
   * Serialized bytes in: from upstream tasks for the first operator of a task with network input,
   * from the external system for a source reader; 0 within a chain, where nothing is serialized.
   */
  numBytesIn: number;
  /** Serialized bytes out: to downstream tasks, for the last operator of a task with network output. */
  numBytesOut: number;
  currentInputWatermark: number;
  currentOutputWatermark: number;
  /** Connector gauges, e.g. Kafka's per-partition records-lag; refreshed when metrics are read. */
  gauges?: Record<string, number>;
}

/**
 * The metrics of one parallel subtask: records per operator of its chain and where its time went
 * (Flink's TaskIOMetricGroup). Counters only grow; rates are computed by whoever reads them.
 */
export interface TaskMetrics {
  /** Time spent processing input, mailbox actions and checkpoints. */
  busyTimeMs: number;
  /** Time spent waiting for downstream channels to have room. */
  backPressuredTimeMs: number;
  /** Time spent waiting for input (or a source with nothing to read). */
  idleTimeMs: number;
  /** Per operator id of the chain, the source reader's first. */
  readonly operators: Record<string, OperatorIOMetrics>;
}

export function newOperatorIOMetrics(): OperatorIOMetrics {
  return {
    numRecordsIn: 0,
    numRecordsOut: 0,
    numBytesIn: 0,
    numBytesOut: 0,
    currentInputWatermark: NO_WATERMARK,
    currentOutputWatermark: NO_WATERMARK,
  };
}

export function newTaskMetrics(operatorIds: readonly string[]): TaskMetrics {
  const operators: Record<string, OperatorIOMetrics> = {};
  for (const id of operatorIds) operators[id] = newOperatorIOMetrics();
  return { busyTimeMs: 0, backPressuredTimeMs: 0, idleTimeMs: 0, operators };
}

/**
 * An edge inside a task, counted once per batch: records leaving `from` are records entering `to`.
 * Either side may be absent (a network input has no upstream operator here, a task's tail has
 * only network outputs after it).
 */
export function countedOutput(
  target: Output,
  from: OperatorIOMetrics | undefined,
  to: OperatorIOMetrics | undefined,
): Output {
  return {
    emit: (batch) => {
      const n = batch.rows.length;
      if (from) from.numRecordsOut += n;
      if (to) to.numRecordsIn += n;
      return target.emit(batch);
    },
    emitWatermark: (watermark) => {
      if (from) from.currentOutputWatermark = watermark;
      if (to) to.currentInputWatermark = watermark;
      return target.emitWatermark(watermark);
    },
    emitWatermarkStatus: (idle) => target.emitWatermarkStatus?.(idle),
  };
}

/**
 * A task's network outputs (`copies` of them, each taking every record), with the serialized
 * bytes of what they send counted as the task's tail operator's numBytesOut.
 */
export function bytesCountedOutput(target: Output, tail: OperatorIOMetrics, copies: number): Output {
  return {
    emit: (batch) => {
      tail.numBytesOut += serializedBytes(batch) * copies;
      return target.emit(batch);
    },
    emitWatermark: (watermark) => target.emitWatermark(watermark),
    emitWatermarkStatus: (idle) => target.emitWatermarkStatus?.(idle),
  };
}

/**
 * A network output whose waits for credit count as backpressured time. Only an emit that has
 * to wait returns a promise, so the clock is read only then.
 */
export function backPressureTimedOutput(target: Output, metrics: TaskMetrics): Output {
  return {
    emit: (batch) => {
      const wait = target.emit(batch);
      if (!wait) return wait;
      const start = performance.now();
      return wait.then(() => {
        metrics.backPressuredTimeMs += performance.now() - start;
      });
    },
    emitWatermark: (watermark) => target.emitWatermark(watermark),
    emitWatermarkStatus: (idle) => target.emitWatermarkStatus?.(idle),
  };
}
