import type { Output } from '../../api/operator.js';

/**
 * The output rows of windows that fired, gathered while timers fire and emitted as one batch
 * after them (at the watermark that fired them, or after a processing-time wake-up).
 */
export class FiredRows {
  private rows: unknown[][] = [];

  push(row: unknown[]): void {
    this.rows.push(row);
  }

  /** Emits the rows gathered so far as one batch; nothing when there are none. */
  emitTo(output: Output): void | Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    return output.emit({ rows });
  }
}
