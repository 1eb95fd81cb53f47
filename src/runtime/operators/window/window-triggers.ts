import { TimestampHeap } from '../../time/timestamp-heap.js';

/**
 * The windows due per key of a slicing window aggregate, in memory: window end → the keys whose
 * window of that end has slices. It plays the part of Flink's per-key window timers but is not
 * state of its own: it follows from the slices in keyed state and how far time has progressed,
 * so a restore rebuilds it (see SlicingWindowAggregateOperator.open), and records cost no timer
 * writes.
 */
export class WindowTriggers {
  /** Window ends with keys, smallest first. */
  private readonly ends = new TimestampHeap();
  private readonly byEnd = new Map<number, Map<unknown, readonly unknown[]>>();

  /** The window ending at `end` is due for `key` (identified by `id`, equal for equal keys). */
  add(end: number, id: unknown, key: readonly unknown[]): void {
    let keys = this.byEnd.get(end);
    if (!keys) {
      this.byEnd.set(end, (keys = new Map()));
      this.ends.push(end);
    }
    keys.set(id, key);
  }

  /** The earliest window end with keys, if any. */
  get earliest(): number | undefined {
    return this.ends.peek();
  }

  /** Removes and returns the keys of the earliest window end if that window is due at `time`. */
  pollDue(time: number): { end: number; keys: Iterable<readonly unknown[]> } | undefined {
    const earliest = this.ends.peek();
    if (earliest === undefined || earliest - 1 > time) return undefined;
    const end = this.ends.pop()!;
    const keys = this.byEnd.get(end)!;
    this.byEnd.delete(end);
    return { end, keys: keys.values() };
  }
}
