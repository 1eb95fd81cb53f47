import type { RecordBatch } from '../api/batch.js';

/**
 * What travels on a channel between tasks: batches of records and, in order with them, the
 * events Flink sends in-band — checkpoint barriers, watermarks, end of data.
 */
export type StreamElement =
  | { readonly kind: 'batch'; readonly batch: RecordBatch }
  | {
      readonly kind: 'barrier';
      readonly checkpointId: number;
      readonly timestamp: number;
      /** Savepoint barriers are always aligned, whatever the checkpointing mode. */
      readonly savepoint?: boolean;
      /**
       * Unaligned checkpoints: the barrier jumped ahead of the records queued in the channel; these
       * are those records, in-flight data the receiver stores with its checkpoint.
       */
      readonly overtaken?: readonly RecordBatch[];
    }
  | { readonly kind: 'watermark'; readonly watermark: number }
  /**
   * Flink's WatermarkStatus: an idle upstream ('table.exec.source.idle-timeout') sends no records for
   * a while and must not hold back the watermark of the tasks it feeds; ACTIVE again with its next record.
   */
  | { readonly kind: 'watermark-status'; readonly idle: boolean }
  /** The upstream subtask will send no more records (barriers may still follow, for the final checkpoint). */
  | { readonly kind: 'end-of-data' };
