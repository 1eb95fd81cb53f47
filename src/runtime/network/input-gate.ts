import type { RecordBatch } from '../api/batch.js';
import type { LocalChannel } from './channel.js';

/** What a task does with the elements its input gate releases. */
export interface InputHandler {
  processBatch(batch: RecordBatch): void | Promise<void>;
  /** The combined watermark (minimum over channels) advanced. */
  processWatermark(watermark: number): void | Promise<void>;
  /** Barriers for this checkpoint have arrived as the mode requires: snapshot now. */
  triggerCheckpointOnBarrier(checkpointId: number, timestamp: number): Promise<void>;
  /** A newer barrier overtook an alignment in progress: that checkpoint cannot complete here. */
  abortCheckpointOnBarrier(checkpointId: number, reason: string): void;
  /** Every channel has signalled end of data. */
  endOfData(): void | Promise<void>;
}

/**
 * How barriers from several channels are handled (Flink's CheckpointBarrierHandler):
 * - 'aligned' (EXACTLY_ONCE): a channel that delivered barrier n is blocked until barrier n has
 *   arrived on every channel, so the snapshot reflects exactly the records before the barriers;
 * - 'at-least-once': nothing is blocked; the snapshot is taken when the last barrier arrives, so
 *   records after an early barrier may be in the snapshot and be replayed after a restore.
 */
export type BarrierMode = 'aligned' | 'at-least-once';

export type PollStatus = 'processed' | 'nothing-available';

export class CheckpointedInputGate {
  private readonly blocked: boolean[];
  private readonly watermarks: number[];
  private readonly endedChannels = new Set<number>();
  private combinedWatermark = Number.NEGATIVE_INFINITY;
  private nextChannel = 0;
  /** Aligned mode: the checkpoint being aligned and the channels that delivered its barrier. */
  private aligning?: { id: number; timestamp: number; arrived: Set<number>; startedAt: number };
  /** At-least-once mode: barrier counts per checkpoint. */
  private readonly barrierCounts = new Map<number, number>();
  private latestTriggered = 0;
  /** Time spent aligning the last checkpoint, for statistics. */
  lastAlignmentMs = 0;

  constructor(
    private readonly channels: readonly LocalChannel[],
    private readonly mode: BarrierMode,
  ) {
    this.blocked = channels.map(() => false);
    this.watermarks = channels.map(() => Number.NEGATIVE_INFINITY);
  }

  /** Processes one element from some unblocked channel, round robin. */
  async pollNext(handler: InputHandler): Promise<PollStatus> {
    const n = this.channels.length;
    for (let i = 0; i < n; i++) {
      const c = (this.nextChannel + i) % n;
      if (this.blocked[c] || this.channels[c].isEmpty) continue;
      this.nextChannel = (c + 1) % n;
      const element = this.channels[c].poll()!;
      switch (element.kind) {
        case 'batch':
          await handler.processBatch(element.batch);
          break;
        case 'watermark':
          await this.onWatermark(c, element.watermark, handler);
          break;
        case 'barrier':
          await this.onBarrier(c, element.checkpointId, element.timestamp, handler);
          break;
        case 'end-of-data':
          this.endedChannels.add(c);
          // An ended channel holds back no watermark.
          await this.onWatermark(c, Number.POSITIVE_INFINITY, handler);
          if (this.endedChannels.size === n) await handler.endOfData();
          break;
        default: {
          const never: never = element;
          return never;
        }
      }
      return 'processed';
    }
    return 'nothing-available';
  }

  /** Resolves when some unblocked channel has an element. */
  whenAvailable(): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const once = () => {
        if (!done) {
          done = true;
          resolve();
        }
      };
      this.channels.forEach((channel, c) => {
        if (!this.blocked[c]) channel.whenData(once);
      });
    });
  }

  private async onWatermark(channel: number, watermark: number, handler: InputHandler): Promise<void> {
    if (watermark <= this.watermarks[channel]) return;
    this.watermarks[channel] = watermark;
    const combined = Math.min(...this.watermarks);
    if (combined > this.combinedWatermark) {
      this.combinedWatermark = combined;
      if (combined !== Number.POSITIVE_INFINITY) await handler.processWatermark(combined);
    }
  }

  private async onBarrier(
    channel: number,
    id: number,
    timestamp: number,
    handler: InputHandler,
  ): Promise<void> {
    if (id <= this.latestTriggered) return; // a barrier of a checkpoint this task already took or dropped
    if (this.mode === 'at-least-once') {
      const count = (this.barrierCounts.get(id) ?? 0) + 1;
      this.barrierCounts.set(id, count);
      if (count === this.channels.length) {
        for (const older of this.barrierCounts.keys()) if (older <= id) this.barrierCounts.delete(older);
        this.latestTriggered = id;
        await handler.triggerCheckpointOnBarrier(id, timestamp);
      }
      return;
    }
    if (this.aligning && id > this.aligning.id) {
      handler.abortCheckpointOnBarrier(
        this.aligning.id,
        `barrier ${id} arrived before alignment of ${this.aligning.id} ended`,
      );
      this.releaseAlignment();
    }
    if (!this.aligning) this.aligning = { id, timestamp, arrived: new Set(), startedAt: Date.now() };
    this.aligning.arrived.add(channel);
    this.blocked[channel] = true;
    if (this.aligning.arrived.size === this.channels.length) {
      const { startedAt } = this.aligning;
      this.releaseAlignment();
      this.latestTriggered = id;
      this.lastAlignmentMs = Date.now() - startedAt;
      await handler.triggerCheckpointOnBarrier(id, timestamp);
    }
  }

  private releaseAlignment(): void {
    this.aligning = undefined;
    this.blocked.fill(false);
  }
}
