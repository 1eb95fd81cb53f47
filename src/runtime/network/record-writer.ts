import type { RecordBatch } from '../api/batch.js';
import type { Output } from '../api/operator.js';
import type { OutputChannel } from './channel.js';
import type { StreamElement } from './events.js';
import type { BatchPartitioner } from './partitioner.js';

/**
 * The output of a task toward the next one: records are partitioned to channels; barriers,
 * watermarks and end of data are broadcast to every channel, in order with the records.
 */
export class RecordWriterOutput implements Output {
  constructor(
    private readonly channels: readonly OutputChannel[],
    private readonly partition: BatchPartitioner,
  ) {}

  emit(batch: RecordBatch): void | Promise<void> {
    let waits: Promise<void>[] | undefined;
    for (const [c, part] of this.partition(batch)) {
      const wait = this.channels[c].send({ kind: 'batch', batch: part });
      if (wait) (waits ??= []).push(wait);
    }
    if (waits) return Promise.all(waits).then(() => undefined);
  }

  emitWatermark(watermark: number): void {
    this.broadcast({ kind: 'watermark', watermark });
  }

  emitWatermarkStatus(idle: boolean): void {
    this.broadcast({ kind: 'watermark-status', idle });
  }

  /** An unaligned checkpoint's barrier: ahead of everything queued toward the next tasks. */
  broadcastPriorityBarrier(checkpointId: number, timestamp: number): void {
    for (const channel of this.channels) channel.sendPriorityBarrier(checkpointId, timestamp);
  }

  broadcast(element: StreamElement): void {
    for (const channel of this.channels) channel.send(element);
  }
}
