import type { WindowingSpec } from '../../../common/jobgraph.js';

/** A time window [start, end); its results are due when time reaches end - 1 (its max timestamp). */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

/**
 * Flink's TimeWindow.getWindowStartWithOffset: the start of the `size`-long window, aligned to
 * `offset` from the epoch, that holds `timestamp`. JavaScript's `%` keeps the dividend's sign as
 * Java's does, so negative timestamps land where Flink puts them.
 */
export function windowStart(timestamp: number, offset: number, size: number): number {
  return timestamp - ((((timestamp - offset) % size) + size) % size);
}

/**
 * The aligned windows (TUMBLE, HOP, CUMULATE) a timestamp belongs to, as Flink's
 * TumblingWindowAssigner, SlidingWindowAssigner and CumulativeWindowAssigner assign them.
 * A session window depends on the other rows of its key, so it is not assigned here.
 */
export function assignWindows(spec: WindowingSpec, timestamp: number): TimeWindow[] {
  switch (spec.kind) {
    case 'tumble': {
      const start = windowStart(timestamp, spec.offset, spec.size);
      return [{ start, end: start + spec.size }];
    }
    case 'hop': {
      const windows: TimeWindow[] = [];
      const last = windowStart(timestamp, spec.offset, spec.slide);
      for (let start = last; start > timestamp - spec.size; start -= spec.slide)
        windows.push({ start, end: start + spec.size });
      return windows;
    }
    case 'cumulate': {
      const windows: TimeWindow[] = [];
      const start = windowStart(timestamp, spec.offset, spec.size);
      for (let end = start + spec.step; end <= start + spec.size; end += spec.step)
        if (timestamp < end) windows.push({ start, end });
      return windows;
    }
    case 'session':
      throw new Error('session windows are merged per key, not assigned');
    case 'attached':
      throw new Error('an attached window is read from the row, not assigned');
    default: {
      const never: never = spec;
      return never;
    }
  }
}

/** The timestamp at which a window fires: the last millisecond it covers. */
export const maxTimestamp = (w: TimeWindow) => w.end - 1;
