import type { WatermarkAssignerSpec } from '../../common/jobgraph.js';
import { AUTO_WATERMARK_INTERVAL, SOURCE_IDLE_TIMEOUT } from '../../common/options.js';
import type { RecordBatch } from '../api/batch.js';
import type { OperatorContext, Output, StreamOperator } from '../api/operator.js';
import { compileProjection } from './calc/index.js';

/** Flink's Watermark.MAX_WATERMARK: the end of event time, sent when the input ends. */
export const MAX_WATERMARK = Number.MAX_SAFE_INTEGER;

/**
 * Flink's WatermarkAssignerOperator: tracks the largest watermark expression value over the rows
 * seen, and emits it every auto-watermark interval when it advanced; rows pass through unchanged.
 * With 'table.exec.source.idle-timeout', a source subtask that has sent no row for that long is
 * declared idle, so it holds back no downstream watermark, and active again with its next row.
 */
export class WatermarkAssignerOperator implements StreamOperator {
  private output!: Output;
  private ctx!: OperatorContext;
  private watermarkOf!: (row: readonly unknown[]) => unknown[];
  private current = Number.NEGATIVE_INFINITY;
  private lastEmitted = Number.NEGATIVE_INFINITY;
  private interval = 0;
  private cancelTimer?: () => void;
  private idleTimeout = 0;
  private lastRowAt = 0;
  private idle = false;
  private cancelIdleCheck?: () => void;

  constructor(private readonly spec: WatermarkAssignerSpec) {}

  open(ctx: OperatorContext, output: Output): void {
    this.ctx = ctx;
    this.output = output;
    this.watermarkOf = compileProjection([this.spec.watermarkExpr]);
    this.interval = ctx.config.require(AUTO_WATERMARK_INTERVAL);
    if (this.interval > 0) this.schedule();
    this.idleTimeout = ctx.config.require(SOURCE_IDLE_TIMEOUT);
    this.lastRowAt = ctx.processingTimeService.now();
    if (this.idleTimeout > 0) this.scheduleIdleCheck(this.lastRowAt + this.idleTimeout);
  }

  private scheduleIdleCheck(at: number): void {
    this.cancelIdleCheck = this.ctx.processingTimeService.registerTimer(at, async (now) => {
      const due = this.lastRowAt + this.idleTimeout;
      if (!this.idle && now >= due) {
        this.idle = true;
        await this.output.emitWatermarkStatus?.(true);
      }
      this.scheduleIdleCheck(Math.max(due, now) + (this.idle ? this.idleTimeout : 0));
    });
  }

  private schedule(): void {
    this.cancelTimer = this.ctx.processingTimeService.registerTimer(Date.now() + this.interval, async () => {
      await this.emitIfAdvanced();
      this.schedule();
    });
  }

  private emitIfAdvanced(): void | Promise<void> {
    if (this.current > this.lastEmitted) {
      this.lastEmitted = this.current;
      return this.output.emitWatermark(this.current);
    }
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    if (this.idleTimeout > 0) {
      this.lastRowAt = this.ctx.processingTimeService.now();
      if (this.idle) {
        this.idle = false;
        const active = this.output.emitWatermarkStatus?.(false);
        if (active) return active.then(() => this.processBatch(batch));
      }
    }
    for (const row of batch.rows) {
      const wm = this.watermarkOf(row)[0];
      // A NULL watermark expression does not move the watermark, as in Flink.
      if (typeof wm === 'number' && wm > this.current) this.current = wm;
    }
    const emitted = this.output.emit(batch);
    if (this.interval === 0) {
      return emitted ? emitted.then(() => this.emitIfAdvanced()) : this.emitIfAdvanced();
    }
    return emitted;
  }

  processWatermark(): void {
    // Upstream watermarks are replaced by the ones this operator generates, as in Flink.
  }

  endInput(): void | Promise<void> {
    this.current = MAX_WATERMARK;
    return this.emitIfAdvanced();
  }

  close(): void {
    this.cancelTimer?.();
    this.cancelIdleCheck?.();
  }
}
