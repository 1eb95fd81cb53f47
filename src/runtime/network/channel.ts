import type { RecordBatch } from '../api/batch.js';
import type { StreamElement } from './events.js';

/** The receiving end of a channel, as an input gate reads it. */
export interface InputChannel {
  readonly isEmpty: boolean;
  poll(): StreamElement | undefined;
  /** Calls `listener` once, when the next element arrives (at once if one is queued). */
  whenData(listener: () => void): void;
  close(): void;
}

/** The sending end of a channel, as a record writer feeds it. */
export interface OutputChannel {
  /** The promise (only for batches beyond the channel's credit) resolves when there is credit. */
  send(element: StreamElement): void | Promise<void>;
  sendPriorityBarrier(checkpointId: number, timestamp: number): void;
  close(): void;
}

/**
 * A bounded channel from one upstream subtask to one downstream subtask, with credit-based flow
 * control: the sender may have at most `capacity` batches queued, and waits for credit beyond
 * that, so a slow consumer slows its producers and memory stays bounded. Events (barriers,
 * watermarks) never wait for credit, so they cannot deadlock behind data.
 */
export class LocalChannel implements InputChannel, OutputChannel {
  private readonly queue: StreamElement[] = [];
  private queuedBatches = 0;
  private creditWaiters: (() => void)[] = [];
  private onData?: () => void;
  private closed = false;

  constructor(readonly capacity: number) {}

  /** Queues an element; the promise (only for batches beyond capacity) resolves when there is credit. */
  send(element: StreamElement): void | Promise<void> {
    if (this.closed) return;
    this.queue.push(element);
    if (element.kind === 'batch') this.queuedBatches++;
    const notify = this.onData;
    this.onData = undefined;
    notify?.();
    if (element.kind === 'batch' && this.queuedBatches > this.capacity) {
      return new Promise((resolve) => this.creditWaiters.push(resolve));
    }
  }

  /**
   * Puts a barrier at the head of the queue, ahead of the records already queued (an unaligned
   * checkpoint's barrier overtakes in-flight data); the overtaken records travel with it.
   */
  sendPriorityBarrier(checkpointId: number, timestamp: number): void {
    if (this.closed) return;
    const overtaken: RecordBatch[] = [];
    for (const e of this.queue) if (e.kind === 'batch') overtaken.push(e.batch);
    this.queue.unshift({ kind: 'barrier', checkpointId, timestamp, overtaken });
    const notify = this.onData;
    this.onData = undefined;
    notify?.();
  }

  get isEmpty(): boolean {
    return this.queue.length === 0;
  }

  /** Backlog in batches, for backpressure metrics. */
  get backlog(): number {
    return this.queuedBatches;
  }

  poll(): StreamElement | undefined {
    const element = this.queue.shift();
    if (element?.kind === 'batch') {
      this.queuedBatches--;
      if (this.queuedBatches <= this.capacity && this.creditWaiters.length > 0) {
        this.creditWaiters.shift()!();
      }
    }
    return element;
  }

  /** Calls `listener` once, when the next element arrives (at once if one is queued). */
  whenData(listener: () => void): void {
    if (this.queue.length > 0) listener();
    else this.onData = listener;
  }

  /** Releases a blocked sender forever: used when the job is cancelled or failing over. */
  close(): void {
    this.closed = true;
    for (const w of this.creditWaiters.splice(0)) w();
    this.queue.length = 0;
    this.queuedBatches = 0;
  }
}
