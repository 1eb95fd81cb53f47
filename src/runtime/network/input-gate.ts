import type { RecordBatch } from '../api/batch.js';
import type { InputChannel } from './channel.js';

/** How the snapshot for a barrier is taken: aligned (no in-flight data) or unaligned (with it). */
export type CheckpointKind = 'aligned' | 'unaligned';

/** What a task does with the elements its input gate releases. */
export interface InputHandler {
  /** `inputIndex`: the logical input (0, or 1 for a two-input operator's second) the batch's channel belongs to. */
  processBatch(batch: RecordBatch, inputIndex: number): void | Promise<void>;
  /** The combined watermark (minimum over channels) advanced. */
  processWatermark(watermark: number): void | Promise<void>;
  /** Every channel that has not ended is idle (true), or one became active again (false). */
  processWatermarkStatus?(idle: boolean): void | Promise<void>;
  /**
   * Snapshot now. For an aligned checkpoint the task acknowledges at once; for an unaligned one it
   * forwards the barrier ahead of its output and waits for completeChannelState.
   */
  triggerCheckpointOnBarrier(
    checkpointId: number,
    timestamp: number,
    kind: CheckpointKind,
    savepoint: boolean,
  ): Promise<void>;
  /** Unaligned: every barrier arrived; these are the in-flight records that belong to the checkpoint. */
  completeChannelState(checkpointId: number, inFlight: readonly InFlightBatch[]): void;
  /** A newer barrier overtook a checkpoint in progress: that checkpoint cannot complete here. */
  abortCheckpointOnBarrier(checkpointId: number, reason: string): void;
  /** Every channel has signalled end of data. */
  endOfData(): void | Promise<void>;
}

/**
 * How barriers from several channels are handled (Flink's CheckpointBarrierHandler):
 * - 'aligned' (EXACTLY_ONCE): a channel that delivered barrier n is blocked until barrier n has
 *   arrived on every channel, so the snapshot reflects exactly the records before the barriers;
 *   with `alignedTimeoutMs`, an alignment that lasts longer switches to unaligned;
 * - 'unaligned' (EXACTLY_ONCE): the first barrier triggers the snapshot at once; records that
 *   were before the barrier on the other channels (and those it overtook) are stored with the
 *   checkpoint and replayed on restore;
 * - 'at-least-once': nothing is blocked; the snapshot is taken when the last barrier arrives, so
 *   records after an early barrier may be in the snapshot and be replayed after a restore.
 */
export type BarrierMode = 'aligned' | 'unaligned' | 'at-least-once';

/**
 * A batch recorded as in flight by an unaligned checkpoint; it keeps its logical input (absent for
 * input 0) so that a two-input operator gets it on the right side when it is replayed on restore.
 */
export type InFlightBatch = RecordBatch & { readonly inputIndex?: number };

export type PollStatus = 'processed' | 'nothing-available';

interface Alignment {
  readonly id: number;
  readonly timestamp: number;
  readonly arrived: Set<number>;
  readonly startedAt: number;
  /** Savepoints are always aligned: no switch to unaligned, however long alignment takes. */
  readonly savepoint: boolean;
  /** Unaligned: in-flight records per channel, recorded until that channel's barrier. */
  recorded?: InFlightBatch[][];
}

export class CheckpointedInputGate {
  private readonly blocked: boolean[];
  private readonly watermarks: number[];
  /** Channels whose upstream said it is idle: they hold back no watermark until active again. */
  private readonly idleChannels = new Set<number>();
  private idle = false;
  private readonly endedChannels = new Set<number>();
  private combinedWatermark = Number.NEGATIVE_INFINITY;
  private nextChannel = 0;
  private pending?: Alignment;
  /** At-least-once mode: barrier counts per checkpoint. */
  private readonly barrierCounts = new Map<number, number>();
  private latestTriggered = 0;
  /** Time spent aligning the last checkpoint, for statistics. */
  lastAlignmentMs = 0;

  /**
   * `channelInputs[c]` is the logical input channel c belongs to (all 0 when absent): a two-input
   * operator's gate holds the channels of both inputs, and watermarks and barriers are combined
   * over all of them, as in Flink's StreamTwoInputProcessor.
   */
  constructor(
    private readonly channels: readonly InputChannel[],
    private readonly mode: BarrierMode,
    private readonly alignedTimeoutMs = 0,
    private readonly channelInputs: readonly number[] = channels.map(() => 0),
  ) {
    this.blocked = channels.map(() => false);
    this.watermarks = channels.map(() => Number.NEGATIVE_INFINITY);
  }

  /** Processes one element from some unblocked channel, round robin. */
  async pollNext(handler: InputHandler): Promise<PollStatus> {
    if (this.alignmentTimedOut()) await this.switchToUnaligned(handler);
    const n = this.channels.length;
    for (let i = 0; i < n; i++) {
      const c = (this.nextChannel + i) % n;
      if (this.blocked[c] || this.channels[c].isEmpty) continue;
      this.nextChannel = (c + 1) % n;
      const element = this.channels[c].poll()!;
      switch (element.kind) {
        case 'batch':
          if (this.pending?.recorded && !this.pending.arrived.has(c))
            this.pending.recorded[c].push(this.inFlight(c, element.batch));
          await handler.processBatch(element.batch, this.channelInputs[c]);
          break;
        case 'watermark':
          await this.onWatermark(c, element.watermark, handler);
          break;
        case 'watermark-status':
          await this.onWatermarkStatus(c, element.idle, handler);
          break;
        case 'barrier':
          await this.onBarrier(
            c,
            element.checkpointId,
            element.timestamp,
            element.overtaken ?? [],
            element.savepoint === true,
            handler,
          );
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

  /** Resolves when some unblocked channel has an element, or an alignment times out. */
  whenAvailable(): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      const once = () => {
        if (!done) {
          done = true;
          if (timer) clearTimeout(timer);
          resolve();
        }
      };
      this.channels.forEach((channel, c) => {
        if (!this.blocked[c]) channel.whenData(once);
      });
      if (this.pending && !this.pending.recorded && this.alignedTimeoutMs > 0) {
        timer = setTimeout(once, Math.max(0, this.pending.timestamp + this.alignedTimeoutMs - Date.now()));
      }
    });
  }

  private alignmentTimedOut(): boolean {
    return (
      this.pending !== undefined &&
      this.pending.recorded === undefined &&
      !this.pending.savepoint &&
      this.alignedTimeoutMs > 0 &&
      Date.now() - this.pending.timestamp >= this.alignedTimeoutMs
    );
  }

  private async onWatermarkStatus(channel: number, idle: boolean, handler: InputHandler): Promise<void> {
    if (idle) this.idleChannels.add(channel);
    else this.idleChannels.delete(channel);
    const allIdle = this.channels.every((_, c) => this.idleChannels.has(c) || this.endedChannels.has(c));
    if (allIdle !== this.idle) {
      this.idle = allIdle;
      await handler.processWatermarkStatus?.(allIdle);
    }
    // Without the idle channel, the others' watermark may now advance.
    if (idle) await this.advanceWatermark(handler);
  }

  private async onWatermark(channel: number, watermark: number, handler: InputHandler): Promise<void> {
    if (watermark <= this.watermarks[channel]) return;
    this.watermarks[channel] = watermark;
    await this.advanceWatermark(handler);
  }

  /** The minimum over channels that are not idle; it never goes back. */
  private async advanceWatermark(handler: InputHandler): Promise<void> {
    let combined = Number.POSITIVE_INFINITY;
    let active = 0;
    for (let c = 0; c < this.watermarks.length; c++) {
      if (this.idleChannels.has(c)) continue;
      active++;
      if (this.watermarks[c] < combined) combined = this.watermarks[c];
    }
    if (active === 0) return;
    if (combined > this.combinedWatermark) {
      this.combinedWatermark = combined;
      if (combined !== Number.POSITIVE_INFINITY) await handler.processWatermark(combined);
    }
  }

  private async onBarrier(
    channel: number,
    id: number,
    timestamp: number,
    overtaken: readonly RecordBatch[],
    savepoint: boolean,
    handler: InputHandler,
  ): Promise<void> {
    if (this.mode === 'at-least-once') {
      if (id <= this.latestTriggered) return;
      const count = (this.barrierCounts.get(id) ?? 0) + 1;
      this.barrierCounts.set(id, count);
      if (count === this.channels.length) {
        for (const older of this.barrierCounts.keys()) if (older <= id) this.barrierCounts.delete(older);
        this.latestTriggered = id;
        await handler.triggerCheckpointOnBarrier(id, timestamp, 'aligned', savepoint);
      }
      return;
    }
    if (this.pending && id > this.pending.id) {
      handler.abortCheckpointOnBarrier(
        this.pending.id,
        `barrier ${id} arrived before checkpoint ${this.pending.id} ended`,
      );
      this.release();
    }
    if (!this.pending) {
      if (id <= this.latestTriggered) return; // a barrier of a checkpoint this task already took or dropped
      this.pending = { id, timestamp, arrived: new Set(), startedAt: Date.now(), savepoint };
      if (this.mode === 'unaligned' && !savepoint) await this.switchToUnaligned(handler);
    } else if (id < this.pending.id) {
      return;
    }
    const pending = this.pending;
    pending.arrived.add(channel);
    if (pending.recorded) {
      pending.recorded[channel].push(...overtaken.map((b) => this.inFlight(channel, b)));
    } else {
      this.blocked[channel] = true;
    }
    if (pending.arrived.size === this.channels.length) {
      this.release();
      this.lastAlignmentMs = Date.now() - pending.startedAt;
      if (pending.recorded) {
        handler.completeChannelState(id, pending.recorded.flat());
      } else {
        this.latestTriggered = id;
        await handler.triggerCheckpointOnBarrier(id, timestamp, 'aligned', pending.savepoint);
      }
    }
  }

  /** Snapshot now and record, from here on, what arrives before the barrier on the other channels. */
  private async switchToUnaligned(handler: InputHandler): Promise<void> {
    const pending = this.pending!;
    pending.recorded = this.channels.map(() => []);
    this.blocked.fill(false);
    this.latestTriggered = pending.id;
    await handler.triggerCheckpointOnBarrier(pending.id, pending.timestamp, 'unaligned', false);
  }

  private inFlight(channel: number, batch: RecordBatch): InFlightBatch {
    const input = this.channelInputs[channel];
    return input === 0 ? batch : { ...batch, inputIndex: input };
  }

  private release(): void {
    this.pending = undefined;
    this.blocked.fill(false);
  }
}
