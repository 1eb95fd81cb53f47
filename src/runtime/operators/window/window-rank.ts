import type { WindowRankSpec } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import type { KeyedStateBackend, MapState } from '../../api/state.js';
import { KeyedTimerService, type TimeDomain } from '../../time/timer-service.js';
import { keyedStateOf } from '../keyed-state-of.js';
import { type RowComparator, rowComparator } from '../rank/sort.js';
import { FiredRows } from './fired-rows.js';

/** Per partition key: window end → the window's best rows so far, sorted, at most rankEnd of them. */
const WINDOWS = 'window-rank.windows';

/**
 * Flink's WindowRank and WindowDeduplicate (WindowRankOperator's TopN buffer per window): rows
 * are buffered per partition key and window in keyed state — only the first rankEnd by the ORDER
 * BY, as the input is insert-only and a row sorting after them can never be emitted — and a timer
 * at the window's last millisecond emits ranks rankStart..rankEnd once, insert-only, then clears
 * the window. A row whose window has fired is late: dropped and counted (numLateRecordsDropped).
 *
 * The window is read from the row (window_start, window_end of the TVF or window aggregation
 * below), so every window kind — TUMBLE, HOP, CUMULATE, attached SESSION results — works alike.
 * Lists are replaced, never changed in place, as copy-on-write snapshots require.
 */
export class WindowRankOperator implements StreamOperator {
  private output!: Output;
  private ctx!: OperatorContext;
  private backend!: KeyedStateBackend;
  private timers!: KeyedTimerService;
  private windows!: MapState<number, readonly unknown[][]>;
  private readonly compare: RowComparator;
  private readonly eventTime: boolean;
  private readonly fired = new FiredRows();
  numLateRecordsDropped = 0;

  constructor(private readonly spec: WindowRankSpec) {
    this.compare = rowComparator(spec.orderKeys);
    this.eventTime = spec.timeDomain === 'event-time';
  }

  open(ctx: OperatorContext, output: Output): void {
    this.ctx = ctx;
    this.output = output;
    this.backend = keyedStateOf(ctx, 'WindowRank');
    this.windows = this.backend.getMapState(WINDOWS);
    // Built after the keyed state is restored: it re-reads the timers from it.
    this.timers = new KeyedTimerService(this.backend, ctx.processingTimeService, (domain, ts) =>
      this.onTimer(domain, ts),
    );
  }

  /**
   * Where `row` goes among the sorted `rows`: behind the rows it ties with (arrival order), or
   * before them when the last row is kept (WindowDeduplicate keep=[LastRow]: the later row wins).
   */
  private position(rows: readonly unknown[][], row: readonly unknown[]): number {
    let lo = 0;
    let hi = rows.length;
    const before = this.spec.keepLastRow;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.compare(rows[mid], row);
      if (c < 0 || (c === 0 && !before)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private get now(): number {
    return this.eventTime ? this.timers.watermark : this.ctx.processingTimeService.now();
  }

  processBatch(batch: RecordBatch): void {
    const { partitionKeys, rankEnd, windowEndIndex } = this.spec;
    for (const row of batch.rows) {
      const end = row[windowEndIndex] as number;
      if (this.eventTime && end - 1 <= this.now) {
        this.numLateRecordsDropped++;
        continue;
      }
      const key: unknown[] = [];
      for (const k of partitionKeys) key.push(row[k]);
      this.backend.setCurrentKey(key);
      const stored = this.windows.get(end);
      const rows = stored ?? [];
      const at = this.position(rows, row);
      if (at >= rankEnd) continue;
      const next = rows.slice();
      next.splice(at, 0, row.slice());
      if (next.length > rankEnd) next.length = rankEnd;
      this.windows.put(end, next);
      if (!stored) {
        const fireAt = end - 1;
        if (this.eventTime) this.timers.registerEventTimeTimer(fireAt);
        else this.timers.registerProcessingTimeTimer(fireAt);
      }
    }
  }

  /** The current key's window ending at timestamp + 1 fires: its ranks out, its state cleared. */
  private onTimer(domain: TimeDomain, timestamp: number): void | Promise<void> {
    const end = timestamp + 1;
    const rows = this.windows.get(end);
    if (rows) {
      const { rankStart, rankEnd, outputRankNumber } = this.spec;
      for (let i = rankStart - 1; i < Math.min(rankEnd, rows.length); i++)
        this.fired.push(outputRankNumber ? [...rows[i], i + 1] : rows[i].slice());
      this.windows.remove(end);
    }
    if (domain === 'processing-time') return this.fired.emitTo(this.output);
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
