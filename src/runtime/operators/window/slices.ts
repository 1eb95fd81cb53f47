import type { WindowingSpec } from '../../../common/jobgraph.js';
import { windowStart } from './assigners.js';

/**
 * How an aligned window (TUMBLE, HOP, CUMULATE) is cut into slices, the way Flink's SliceAssigners
 * do: every row falls in exactly one slice, and every window is a run of consecutive slices, so a
 * row updates one slice accumulator instead of one accumulator per window it belongs to. Slices are
 * named by their end. TUMBLE's slice is the window; HOP's is the slide (the window is size / slide
 * slices); CUMULATE's is the step (window [s, s + k·step) is the first k slices of its period).
 */
export interface SliceAssigner {
  /** The end of the slice holding `timestamp`. */
  sliceEnd(timestamp: number): number;
  /** The start of the window ending at `windowEnd`. */
  windowStart(windowEnd: number): number;
  /** The end of the last window holding the slice: once it has fired, rows of the slice are late. */
  lastWindowEnd(sliceEnd: number): number;
  /**
   * The end of the first window holding the slice whose last millisecond is after `time`
   * (the window a new slice's timer is for); undefined when all of them are due already.
   */
  firstWindowEndAfter(sliceEnd: number, time: number): number | undefined;
  /** The end of the window after `windowEnd` that shares slices with it, if any. */
  nextWindowEnd(windowEnd: number): number | undefined;
}

/**
 * The slicing of an aligned window, or undefined when it cannot be sliced: a HOP whose size is
 * not a multiple of its slide (Flink rejects those for window TVF aggregation; weir keeps them on
 * the per-window path) or a CUMULATE whose size is not a multiple of its step.
 */
export function sliceAssigner(spec: WindowingSpec): SliceAssigner | undefined {
  switch (spec.kind) {
    case 'tumble': {
      const { size, offset } = spec;
      return {
        sliceEnd: (t) => windowStart(t, offset, size) + size,
        windowStart: (end) => end - size,
        lastWindowEnd: (end) => end,
        firstWindowEndAfter: (end, time) => (end - 1 > time ? end : undefined),
        nextWindowEnd: () => undefined,
      };
    }
    case 'hop': {
      const { size, slide, offset } = spec;
      if (size % slide !== 0) return undefined;
      // Window ends are the slice ends: the first window holding a slice ends with it.
      return {
        sliceEnd: (t) => windowStart(t, offset, slide) + slide,
        windowStart: (end) => end - size,
        lastWindowEnd: (end) => end + size - slide,
        firstWindowEndAfter: (end, time) => {
          if (end - 1 > time) return end;
          const next = end + Math.ceil((time + 1 - (end - 1)) / slide) * slide;
          return next <= end + size - slide ? next : undefined;
        },
        nextWindowEnd: (end) => end + slide,
      };
    }
    case 'cumulate': {
      const { size, step, offset } = spec;
      if (size % step !== 0) return undefined;
      const periodEnd = (end: number) => windowStart(end - 1, offset, size) + size;
      return {
        sliceEnd: (t) => windowStart(t, offset, step) + step,
        windowStart: (end) => windowStart(end - 1, offset, size),
        lastWindowEnd: periodEnd,
        firstWindowEndAfter: (end, time) => {
          if (end - 1 > time) return end;
          const next = end + Math.ceil((time + 1 - (end - 1)) / step) * step;
          return next <= periodEnd(end) ? next : undefined;
        },
        nextWindowEnd: (end) => (end < periodEnd(end) ? end + step : undefined),
      };
    }
    default:
      return undefined;
  }
}
