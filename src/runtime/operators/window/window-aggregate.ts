import { WeirError } from '../../../common/errors.js';
import type { WindowAggregateSpec, WindowProperty } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, ProcessingTimeService, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, ListState, MapState, ValueState } from '../../api/state.js';
import { KeyedTimerService, type TimeDomain } from '../../time/timer-service.js';
import { type Accumulator, createAccumulator } from '../group-aggregate/accumulators.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { assignWindows, maxTimestamp, type TimeWindow } from './assigners.js';
import { FiredRows } from './fired-rows.js';

const NO_KEY: readonly unknown[] = [];
/** Per key: window end → [window start, accumulator row] of the aligned windows not fired yet. */
const WINDOWS = 'window-aggregate.windows';
/** Per key: the open session windows and the next session id. */
const SESSIONS = 'window-aggregate.sessions';

/**
 * The accumulators of a window aggregate's calls over the accumulator row [row count, slots…]; the
 * row count says whether a window saw any row. `namespace` makes the state names of calls that
 * keep a MapState (DISTINCT) unique per window.
 */
export function windowAccumulators(
  spec: WindowAggregateSpec,
  backend: KeyedStateBackend,
  namespace: string | number,
): Accumulator[] {
  const inputTypes = spec.inputType.fields.map((f) => f.type);
  let at = 1;
  return spec.aggCalls.map((call, i) => {
    const acc = createAccumulator(call, at, inputTypes, {
      backend,
      retracting: false,
      stateName: `window-aggregate.${namespace}.${i}`,
    });
    at += acc.width;
    return acc;
  });
}

/** A fresh accumulator row of `width` slots: no rows counted, each call initialised. */
export function newAccumulatorRow(accs: readonly Accumulator[], width: number): unknown[] {
  const acc: unknown[] = [0];
  for (let i = 1; i < width; i++) acc.push(null);
  for (const a of accs) a.init(acc);
  return acc;
}

/** Counts `row` into the accumulator row `acc` and accumulates it into each call's slots. */
export function accumulateRow(acc: unknown[], accs: readonly Accumulator[], row: readonly unknown[]): void {
  acc[0] = (acc[0] as number) + 1;
  for (const a of accs) a.accumulate(acc, row);
}

/** The event time of an input row; a NULL one fails the job, as in Flink. */
export function rowTime(spec: WindowAggregateSpec, row: readonly unknown[]): number {
  const t = row[spec.timeIndex];
  if (t === null || t === undefined)
    throw new WeirError(
      'RUNTIME_DATA',
      `RowTime field '${spec.inputType.fields[spec.timeIndex].name}' should not be null (row ${JSON.stringify(row)})`,
    );
  return t as number;
}

/** The value of a window property (window_start, window_end, window_time) for `window`. */
export function windowProperty(p: WindowProperty, window: TimeWindow, clock: ProcessingTimeService): unknown {
  switch (p) {
    case 'start':
      return window.start;
    case 'end':
      return window.end;
    case 'rowtime':
      return maxTimestamp(window);
    case 'proctime':
      return clock.now();
    default: {
      const never: never = p;
      return never;
    }
  }
}

/** One open session window of a key. */
interface SessionWindow {
  readonly id: number;
  readonly start: number;
  readonly end: number;
  /**
   * The one timer registered for it, at end - 1 or earlier: a session that grows keeps its timer,
   * which, when it fires before the session is due, is registered again at the new end - 1.
   */
  readonly timer: number;
  /** The accumulator row when every call merges; otherwise the rows are in a list state by id. */
  readonly acc?: unknown[];
}

/** A key's open session windows. */
interface Sessions {
  readonly next: number;
  readonly windows: readonly SessionWindow[];
}

/**
 * Window aggregation: Flink's WindowAggregate (over a window TVF) and GroupWindowAggregate (the
 * legacy GROUP BY TUMBLE/HOP/SESSION), both emitting each window's result once, as an insert,
 * when time reaches the window's last millisecond, then clearing the window's state.
 *
 * Aligned windows (TUMBLE, HOP, CUMULATE) aggregate incrementally: per key, a map from window end
 * to the window's accumulator row, and an event-time (or processing-time) timer at end - 1. As in
 * Flink, a row is added to each of its windows that has not fired; a row all of whose windows have
 * fired is late, dropped and counted (`numLateRecordsDropped`).
 *
 * Session windows merge as rows arrive (Flink's MergingWindowSet): a row opens [t, t + gap), which
 * absorbs every open session of its key that it touches. When every call's accumulator merges
 * (COUNT, SUM, AVG, MIN and MAX over inserts), a session keeps one accumulator row, as Flink's
 * merging window state does; otherwise (DISTINCT, order-dependent calls) it keeps its rows, in a
 * list state per session, and aggregates them when it fires. A session that grows keeps the timer
 * it has: when that timer comes before the session is due, it is set again at the session's end,
 * so a row that only extends a session touches no timer.
 *
 * All of it — accumulators, session rows and timers — is keyed state, so it is checkpointed by key
 * group and re-split on rescale.
 */
export class WindowAggregateOperator implements StreamOperator {
  private output!: Output;
  private ctx!: OperatorContext;
  private backend!: KeyedStateBackend;
  private timers!: KeyedTimerService;
  private windows!: MapState<number, readonly [number, unknown[]]>;
  private sessions!: ValueState<Sessions>;
  private width = 1;
  private shared: Accumulator[] | undefined;
  private readonly byWindow = new Map<number, Accumulator[]>();
  private readonly fired = new FiredRows();
  private readonly eventTime: boolean;
  /** Whether a session keeps an accumulator row (every call merges) rather than its rows. */
  private sessionAccumulators = false;
  /** Rows dropped because every window they belong to had fired (Flink's numLateRecordsDropped). */
  numLateRecordsDropped = 0;

  constructor(private readonly spec: WindowAggregateSpec) {
    this.eventTime = spec.timeDomain === 'event-time';
  }

  open(ctx: OperatorContext, output: Output): void {
    this.ctx = ctx;
    this.output = output;
    this.backend = keyedStateOf(ctx, 'WindowAggregate');
    this.windows = this.backend.getMapState(WINDOWS);
    this.sessions = this.backend.getValueState(SESSIONS);
    // DISTINCT keeps a map state per call; it must be per window too, so those accumulators are
    // made per window (their state names carry the window end). Others only use the acc row.
    const namespaced = this.spec.aggCalls.some((c) => c.distinct);
    const probe = this.accumulators('probe');
    this.width = 1 + probe.reduce((w, a) => w + a.width, 0);
    if (!namespaced) this.shared = probe;
    this.sessionAccumulators = !namespaced && probe.every((a) => a.merge !== undefined);
    // Built after the keyed state is restored: it re-reads the timers from it.
    this.timers = new KeyedTimerService(this.backend, ctx.processingTimeService, (domain, ts) =>
      this.onTimer(domain, ts),
    );
  }

  private accumulators(namespace: string | number): Accumulator[] {
    return windowAccumulators(this.spec, this.backend, namespace);
  }

  private accumulatorsOf(windowEnd: number): Accumulator[] {
    if (this.shared) return this.shared;
    let accs = this.byWindow.get(windowEnd);
    if (!accs) this.byWindow.set(windowEnd, (accs = this.accumulators(windowEnd)));
    return accs;
  }

  private newAccumulator(accs: readonly Accumulator[]): unknown[] {
    return newAccumulatorRow(accs, this.width);
  }

  private get now(): number {
    return this.eventTime ? this.timers.watermark : this.ctx.processingTimeService.now();
  }

  private registerTimer(window: TimeWindow): void {
    if (this.eventTime) this.timers.registerEventTimeTimer(maxTimestamp(window));
    else this.timers.registerProcessingTimeTimer(maxTimestamp(window));
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const { grouping } = this.spec;
    for (const row of batch.rows) {
      let key = NO_KEY;
      if (grouping.length > 0) key = grouping.map((g) => row[g]);
      this.backend.setCurrentKey(key);
      const timestamp = this.eventTime ? rowTime(this.spec, row) : this.ctx.processingTimeService.now();
      const added =
        this.spec.window.kind === 'session'
          ? this.addToSession(row, timestamp)
          : this.addToWindows(row, timestamp);
      if (!added) this.numLateRecordsDropped++;
    }
  }

  /** Adds the row to each of its aligned windows that has not fired; false when all have. */
  private addToWindows(row: readonly unknown[], timestamp: number): boolean {
    const watermark = this.now;
    let added = false;
    const spec = this.spec.window;
    const windows =
      spec.kind === 'attached'
        ? [{ start: row[spec.startIndex] as number, end: row[spec.endIndex] as number }]
        : assignWindows(spec, timestamp);
    for (const window of windows) {
      if (this.eventTime && maxTimestamp(window) <= watermark) continue;
      const accs = this.accumulatorsOf(window.end);
      const stored = this.windows.get(window.end);
      // A new row, never the stored one: a running snapshot may still be writing the old one out.
      const acc = stored ? stored[1].slice() : this.newAccumulator(accs);
      accumulateRow(acc, accs, row);
      this.windows.put(window.end, [window.start, acc]);
      if (!stored) this.registerTimer(window);
      added = true;
    }
    return added;
  }

  private sessionRows(id: number): ListState<readonly unknown[]> {
    return this.backend.getListState(`window-aggregate.session.${id}`);
  }

  /**
   * Opens [t, t + gap) and merges into it every open session it touches (Flink's
   * TimeWindow.intersects counts touching windows too); false when the row is late: its window has
   * fired already and it touches no open session.
   */
  private addToSession(row: readonly unknown[], timestamp: number): boolean {
    if (this.spec.window.kind !== 'session') throw new Error('not a session window');
    const gap = this.spec.window.gap;
    const state = this.sessions.value() ?? { next: 0, windows: [] };
    let start = timestamp;
    let end = timestamp + gap;
    const touching = state.windows.filter((w) => w.start <= end && w.end >= start);
    if (touching.length === 0 && this.eventTime && end - 1 <= this.now) return false;
    for (const w of touching) {
      start = Math.min(start, w.start);
      end = Math.max(end, w.end);
    }
    let next = state.next;
    let session: SessionWindow;
    if (touching.length === 0) {
      session = {
        id: next++,
        start,
        end,
        timer: end - 1,
        acc: this.sessionAccumulators ? this.accumulateInto(undefined, row) : undefined,
      };
      this.registerTimer({ start, end });
      if (!this.sessionAccumulators) this.sessionRows(session.id).add(row);
    } else {
      // The first touching session absorbs the others; the earliest of their timers stays (the
      // others fire into nothing).
      const first = touching[0];
      const timer = Math.min(...touching.map((w) => w.timer));
      if (this.sessionAccumulators) {
        // A new row, never the stored one: a running snapshot may still be writing the old one out.
        let acc = first.acc!.slice();
        for (let i = 1; i < touching.length; i++) acc = this.mergeInto(acc, touching[i].acc!);
        session = { id: first.id, start, end, timer, acc: this.accumulateInto(acc, row) };
      } else {
        const rows = this.sessionRows(first.id);
        for (let i = 1; i < touching.length; i++) {
          const other = this.sessionRows(touching[i].id);
          for (const r of other.get()) rows.add(r);
          other.clear();
        }
        rows.add(row);
        session = { id: first.id, start, end, timer };
      }
    }
    const windows =
      touching.length === 1 && state.windows.length === 1
        ? [session]
        : [...state.windows.filter((w) => !touching.includes(w)), session];
    this.sessions.update({ next, windows });
    return true;
  }

  /** `acc` (a fresh row when undefined) with `row` accumulated; `acc` must be the caller's own. */
  private accumulateInto(acc: unknown[] | undefined, row: readonly unknown[]): unknown[] {
    const accs = this.shared!;
    const target = acc ?? this.newAccumulator(accs);
    accumulateRow(target, accs, row);
    return target;
  }

  private mergeInto(acc: unknown[], other: readonly unknown[]): unknown[] {
    acc[0] = (acc[0] as number) + (other[0] as number);
    for (const a of this.shared!) a.merge!(acc, other);
    return acc;
  }

  /** The window's output row: the key, each call's value, then the window properties. */
  private emitWindow(window: TimeWindow, acc: unknown[], accs: readonly Accumulator[]): void {
    const row: unknown[] = [...this.backend.getCurrentKey()];
    for (const a of accs) row.push(a.value(acc));
    for (const p of this.spec.properties) row.push(windowProperty(p, window, this.ctx.processingTimeService));
    this.fired.push(row);
  }

  /** A timer at `timestamp` for the current key: the windows ending at timestamp + 1 fire. */
  private onTimer(domain: TimeDomain, timestamp: number): void | Promise<void> {
    if (this.spec.window.kind === 'session') this.fireSessions(timestamp);
    else {
      const end = timestamp + 1;
      const stored = this.windows.get(end);
      if (stored) {
        const accs = this.accumulatorsOf(end);
        this.emitWindow({ start: stored[0], end }, stored[1], accs);
        this.windows.remove(end);
        for (const a of accs) a.clear();
      }
      // Every key's timers for this end fire together; the window's accumulators can be rebuilt.
      this.byWindow.delete(end);
    }
    if (domain === 'processing-time') return this.fired.emitTo(this.output);
  }

  /**
   * The timer at `timestamp` of the current key: sessions that are due by now (the watermark, or
   * the clock) fire; a session whose timer this was but that grew since gets its timer again at
   * its end.
   */
  private fireSessions(timestamp: number): void {
    const state = this.sessions.value();
    if (!state) return;
    const now = Math.max(this.now, timestamp);
    const remaining: SessionWindow[] = [];
    let changed = false;
    const accs = this.accumulatorsOf(-1);
    for (const w of state.windows) {
      if (w.end - 1 <= now) {
        changed = true;
        const window = { start: w.start, end: w.end };
        if (w.acc) {
          this.emitWindow(window, w.acc, accs);
        } else {
          const acc = this.newAccumulator(accs);
          const rows = this.sessionRows(w.id);
          for (const r of rows.get()) accumulateRow(acc, accs, r);
          this.emitWindow(window, acc, accs);
          for (const a of accs) a.clear();
          rows.clear();
        }
      } else if (w.timer === timestamp) {
        changed = true;
        this.registerTimer({ start: w.start, end: w.end });
        remaining.push({ ...w, timer: w.end - 1 });
      } else {
        remaining.push(w);
      }
    }
    if (!changed) return;
    if (remaining.length > 0) this.sessions.update({ next: state.next, windows: remaining });
    else this.sessions.clear();
  }

  async processWatermark(watermark: number): Promise<void> {
    await this.timers.advanceWatermark(watermark);
    await this.fired.emitTo(this.output);
    await this.output.emitWatermark(watermark);
  }

  close(): void {
    this.timers?.close();
  }
}
