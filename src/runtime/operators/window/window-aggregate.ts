import { WeirError } from '../../../common/errors.js';
import type { WindowAggregateSpec, WindowProperty } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, ProcessingTimeService, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, ListState, MapState, ValueState } from '../../api/state.js';
import { KeyedTimerService, type TimeDomain } from '../../time/timer-service.js';
import { type Accumulator, createAccumulator } from '../group-aggregate/accumulators.js';
import { assignWindows, maxTimestamp, type TimeWindow } from './assigners.js';

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

/** A key's open session windows; each session's rows are in the list state named by its id. */
interface Sessions {
  readonly next: number;
  readonly windows: readonly (readonly [id: number, start: number, end: number])[];
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
 * absorbs every open session of its key that it touches. The accumulators cannot merge, so a
 * session keeps its rows (in a list state per session) and aggregates them when it fires.
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
  private pending: unknown[][] = [];
  private readonly eventTime: boolean;
  /** Rows dropped because every window they belong to had fired (Flink's numLateRecordsDropped). */
  numLateRecordsDropped = 0;

  constructor(private readonly spec: WindowAggregateSpec) {
    this.eventTime = spec.timeDomain === 'event-time';
  }

  open(ctx: OperatorContext, output: Output): void {
    if (!ctx.keyedStateBackend)
      throw new Error(`WindowAggregate '${ctx.operatorName}' runs without a keyed state backend`);
    this.ctx = ctx;
    this.output = output;
    this.backend = ctx.keyedStateBackend;
    this.windows = this.backend.getMapState(WINDOWS);
    this.sessions = this.backend.getValueState(SESSIONS);
    // DISTINCT keeps a map state per call; it must be per window too, so those accumulators are
    // made per window (their state names carry the window end). Others only use the acc row.
    const namespaced = this.spec.aggCalls.some((c) => c.distinct);
    const probe = this.accumulators('probe');
    this.width = 1 + probe.reduce((w, a) => w + a.width, 0);
    if (!namespaced) this.shared = probe;
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
      acc[0] = (acc[0] as number) + 1;
      for (const a of accs) a.accumulate(acc, row);
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
    const touching = state.windows.filter(([, s, e]) => s <= end && e >= start);
    if (touching.length === 0 && this.eventTime && end - 1 <= this.now) return false;
    for (const [, s, e] of touching) {
      start = Math.min(start, s);
      end = Math.max(end, e);
    }
    let id: number;
    let next = state.next;
    if (touching.length === 0) {
      id = next++;
    } else {
      // The first touching session absorbs the others' rows.
      id = touching[0][0];
      const rows = this.sessionRows(id);
      for (const [otherId, , otherEnd] of touching) {
        this.deleteTimer(otherEnd - 1);
        if (otherId === id) continue;
        const other = this.sessionRows(otherId);
        for (const r of other.get()) rows.add(r);
        other.clear();
      }
    }
    this.sessionRows(id).add(row);
    const merged = new Set(touching.map(([i]) => i));
    this.sessions.update({
      next,
      windows: [...state.windows.filter(([i]) => !merged.has(i)), [id, start, end]],
    });
    this.registerTimer({ start, end });
    return true;
  }

  private deleteTimer(timestamp: number): void {
    if (this.eventTime) this.timers.deleteEventTimeTimer(timestamp);
    else this.timers.deleteProcessingTimeTimer(timestamp);
  }

  /** The window's output row: the key, each call's value, then the window properties. */
  private emitWindow(window: TimeWindow, acc: unknown[], accs: readonly Accumulator[]): void {
    const row: unknown[] = [...this.backend.getCurrentKey()];
    for (const a of accs) row.push(a.value(acc));
    for (const p of this.spec.properties) row.push(windowProperty(p, window, this.ctx.processingTimeService));
    this.pending.push(row);
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
    if (domain === 'processing-time') return this.flush();
  }

  private fireSessions(timestamp: number): void {
    const state = this.sessions.value();
    if (!state) return;
    const due = state.windows.filter(([, , end]) => end - 1 <= timestamp);
    if (due.length === 0) return;
    const accs = this.accumulatorsOf(-1);
    for (const [id, start, end] of due) {
      const acc = this.newAccumulator(accs);
      const rows = this.sessionRows(id);
      for (const r of rows.get()) {
        acc[0] = (acc[0] as number) + 1;
        for (const a of accs) a.accumulate(acc, r);
      }
      this.emitWindow({ start, end }, acc, accs);
      for (const a of accs) a.clear();
      rows.clear();
    }
    const remaining = state.windows.filter(([, , end]) => end - 1 > timestamp);
    if (remaining.length > 0) this.sessions.update({ next: state.next, windows: remaining });
    else this.sessions.clear();
  }

  private flush(): void | Promise<void> {
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    return this.output.emit({ rows });
  }

  async processWatermark(watermark: number): Promise<void> {
    await this.timers.advanceWatermark(watermark);
    await this.flush();
    await this.output.emitWatermark(watermark);
  }

  close(): void {
    this.timers?.close();
  }
}
