import type { LogicalType, RowKind } from '../common/types.js';
import { ROW_KIND_SHORT } from '../common/types.js';
import type { ResultCollector } from '../connectors/collect/index.js';

/** One change of a query's result, as Flink's `Row` with its `RowKind`. */
export interface ChangelogRow {
  readonly kind: '+I' | '-U' | '+U' | '-D';
  /** Column values in weir's runtime representation (docs/types.md). */
  readonly values: readonly unknown[];
}

/** Changes buffered before the collect sink waits for the reader: a slow reader slows the job. */
const HIGH_WATER_MARK = 8192;

/**
 * The collect sink's changes as an async iterator (Flink's `TableResult.collect()`): the job
 * pushes, the program pulls. The iterator ends when the job does (throwing its error if it
 * failed); a reader that stops early (break) cancels the job.
 */
export class CollectQueue implements ResultCollector, AsyncIterableIterator<ChangelogRow> {
  private readonly buffer: ChangelogRow[] = [];
  private head = 0;
  private ended = false;
  private failure?: Error;
  private wakeReader?: () => void;
  private readonly roomWaiters: (() => void)[] = [];
  columns: readonly string[] = [];
  types: readonly LogicalType[] = [];

  constructor(private readonly onReaderDone: () => void) {}

  open(columns: readonly string[], types: readonly LogicalType[]): void {
    this.columns = columns;
    this.types = types;
  }

  changes(kinds: readonly RowKind[], rows: readonly (readonly unknown[])[]): void | Promise<void> {
    for (let i = 0; i < rows.length; i++)
      this.buffer.push({ kind: ROW_KIND_SHORT[kinds[i]], values: rows[i] });
    this.wake();
    if (this.buffer.length - this.head >= HIGH_WATER_MARK)
      return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** The job ended: the reader gets what is buffered, then the end (or the job's error). */
  end(error?: Error): void {
    this.ended = true;
    this.failure = error;
    this.wake();
  }

  private wake(): void {
    const reader = this.wakeReader;
    this.wakeReader = undefined;
    reader?.();
  }

  async next(): Promise<IteratorResult<ChangelogRow>> {
    for (;;) {
      if (this.head < this.buffer.length) {
        const row = this.buffer[this.head++];
        if (this.head > 4096 && this.head * 2 > this.buffer.length) {
          this.buffer.splice(0, this.head);
          this.head = 0;
        }
        if (this.buffer.length - this.head < HIGH_WATER_MARK / 2)
          for (const resume of this.roomWaiters.splice(0)) resume();
        return { value: row, done: false };
      }
      if (this.ended) {
        if (this.failure) throw this.failure;
        return { value: undefined, done: true };
      }
      await new Promise<void>((resolve) => (this.wakeReader = resolve));
    }
  }

  async return(): Promise<IteratorResult<ChangelogRow>> {
    if (!this.ended) this.onReaderDone();
    for (const resume of this.roomWaiters.splice(0)) resume();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ChangelogRow> {
    return this;
  }
}
