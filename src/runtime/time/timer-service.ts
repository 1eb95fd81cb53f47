import type { ProcessingTimeService } from '../api/operator.js';
import type { KeyedStateBackend, ListState } from '../api/state.js';
import { keyString } from '../state/key-string.js';
import { TimestampHeap } from './timestamp-heap.js';

export type TimeDomain = 'event-time' | 'processing-time';

/** Timers due at one timestamp, by key. */
class TimerQueue {
  private readonly timestamps = new TimestampHeap();
  private readonly byTimestamp = new Map<number, Map<string, readonly unknown[]>>();

  add(timestamp: number, key: readonly unknown[]): void {
    let keys = this.byTimestamp.get(timestamp);
    if (!keys) {
      this.byTimestamp.set(timestamp, (keys = new Map()));
      this.timestamps.push(timestamp);
    }
    keys.set(keyString(key), key);
  }

  remove(timestamp: number, key: readonly unknown[]): void {
    const keys = this.byTimestamp.get(timestamp);
    if (!keys) return;
    keys.delete(keyString(key));
    // The heap keeps the timestamp until it comes due; pollDue skips it when nothing is left.
    if (keys.size === 0) this.byTimestamp.delete(timestamp);
  }

  get earliest(): number | undefined {
    return this.timestamps.peek();
  }

  /** Removes and returns the timers of the earliest timestamp if it is <= `time`. */
  pollDue(time: number): { timestamp: number; keys: (readonly unknown[])[] } | undefined {
    while (this.timestamps.size > 0 && this.timestamps.peek()! <= time) {
      const timestamp = this.timestamps.pop()!;
      const keys = this.byTimestamp.get(timestamp);
      // Absent when every timer at it was removed, or when a re-registration pushed it twice.
      if (!keys) continue;
      this.byTimestamp.delete(timestamp);
      if (keys.size > 0) return { timestamp, keys: [...keys.values()] };
    }
    return undefined;
  }
}

/**
 * Keyed event-time and processing-time timers (Flink's InternalTimerService). Timers are keyed
 * state, so they are checkpointed by key group and re-split on rescale; an in-memory queue,
 * rebuilt on restore, finds the due ones. Event-time timers fire when the watermark passes them,
 * processing-time timers when the clock does; both with the backend's current key set to the
 * timer's key.
 */
export class KeyedTimerService {
  private readonly queues: Record<TimeDomain, TimerQueue> = {
    'event-time': new TimerQueue(),
    'processing-time': new TimerQueue(),
  };
  private readonly stored: Record<TimeDomain, ListState<number>>;
  private currentWatermark = Number.NEGATIVE_INFINITY;
  private wakeup?: { at: number; cancel: () => void };

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly processingTime: ProcessingTimeService,
    private readonly onTimer: (
      domain: TimeDomain,
      timestamp: number,
      key: readonly unknown[],
    ) => void | Promise<void>,
  ) {
    this.stored = {
      'event-time': backend.getListState<number>('weir.timers.event-time'),
      'processing-time': backend.getListState<number>('weir.timers.processing-time'),
    };
    for (const domain of ['event-time', 'processing-time'] as const) {
      backend.forEachKey(`weir.timers.${domain}`, (key) => {
        for (const ts of this.stored[domain].get()) this.queues[domain].add(ts, key);
      });
    }
    this.scheduleProcessingTime();
  }

  get watermark(): number {
    return this.currentWatermark;
  }

  registerEventTimeTimer(timestamp: number): void {
    this.register('event-time', timestamp);
  }

  registerProcessingTimeTimer(timestamp: number): void {
    this.register('processing-time', timestamp);
    this.scheduleProcessingTime();
  }

  deleteEventTimeTimer(timestamp: number): void {
    this.unregister('event-time', timestamp, this.backend.getCurrentKey());
  }

  deleteProcessingTimeTimer(timestamp: number): void {
    this.unregister('processing-time', timestamp, this.backend.getCurrentKey());
  }

  private register(domain: TimeDomain, timestamp: number): void {
    const list = this.stored[domain];
    const existing = list.get();
    if (existing.includes(timestamp)) return;
    list.add(timestamp);
    this.queues[domain].add(timestamp, this.backend.getCurrentKey());
  }

  private unregister(domain: TimeDomain, timestamp: number, key: readonly unknown[]): void {
    this.backend.setCurrentKey(key);
    const list = this.stored[domain];
    list.update(list.get().filter((t) => t !== timestamp));
    this.queues[domain].remove(timestamp, key);
  }

  /** Fires every event-time timer at or before the watermark, in timestamp order. */
  async advanceWatermark(watermark: number): Promise<void> {
    this.currentWatermark = watermark;
    await this.fireDue('event-time', watermark);
  }

  private async fireDue(domain: TimeDomain, time: number): Promise<void> {
    for (let due = this.queues[domain].pollDue(time); due; due = this.queues[domain].pollDue(time)) {
      for (const key of due.keys) {
        // Unregistering sets the backend's current key to the timer's key.
        this.unregister(domain, due.timestamp, key);
        // Most timers finish synchronously: awaiting only a promise saves a microtask per timer.
        const done = this.onTimer(domain, due.timestamp, key);
        if (done) await done;
      }
    }
  }

  private scheduleProcessingTime(): void {
    const next = this.queues['processing-time'].earliest;
    if (next === undefined || (this.wakeup && this.wakeup.at <= next)) return;
    this.wakeup?.cancel();
    this.wakeup = {
      at: next,
      cancel: this.processingTime.registerTimer(next, async () => {
        this.wakeup = undefined;
        await this.fireDue('processing-time', this.processingTime.now());
        this.scheduleProcessingTime();
      }),
    };
  }

  close(): void {
    this.wakeup?.cancel();
  }
}
