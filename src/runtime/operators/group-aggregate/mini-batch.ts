import type { MiniBatchSpec } from '../../../common/jobgraph.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, Output, ProcessingTimeService, StreamOperator } from '../../api/operator.js';
import { keyString } from '../../state/key-string.js';

/** A bundle: per key (by its canonical string), the key and what the batch holds for it. */
export type Bundle<T> = Map<string, { readonly key: readonly unknown[]; value: T }>;

/** What `bundle` holds for `key`, made by `init` when the batch has nothing for the key yet. */
export function bundleEntry<T>(bundle: Bundle<T>, key: readonly unknown[], init: () => T): T {
  const id = keyString(key);
  let entry = bundle.get(id);
  if (!entry) {
    entry = { key, value: init() };
    bundle.set(id, entry);
  }
  return entry.value;
}

/**
 * What Flink's bundle operators (KeyedMapBundleOperator, MapBundleOperator) and their trigger do
 * for every mini-batch operator: input rows are folded into an in-memory bundle, and the bundle is
 * finished — its result computed and emitted — when `size` rows are in it, `allowLatency` ms after
 * its first row, before a checkpoint barrier goes downstream, and at the end of input. The bundle
 * is never part of a checkpoint: it is always empty when one is taken.
 *
 * Watermarks pass straight through: nothing downstream of a group aggregation is in event time
 * (its output has no time attribute), so they need not wait for the bundle.
 */
export abstract class MiniBatchOperator implements StreamOperator {
  protected output!: Output;
  private time!: ProcessingTimeService;
  private buffered = 0;
  private cancelTimer?: () => void;

  constructor(private readonly miniBatch: MiniBatchSpec) {}

  /** Folds a batch of input rows into the bundle. */
  protected abstract addToBundle(batch: RecordBatch): void;

  /** Computes the bundle's result, empties it, and returns what to emit. */
  protected abstract finishBundle(): RecordBatch | undefined;

  protected abstract openOperator(ctx: OperatorContext): void;

  open(ctx: OperatorContext, output: Output): void {
    this.output = output;
    this.time = ctx.processingTimeService;
    this.openOperator(ctx);
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    if (batch.rows.length === 0) return;
    this.addToBundle(batch);
    this.buffered += batch.rows.length;
    if (this.buffered >= this.miniBatch.size) return this.finish();
    if (!this.cancelTimer) {
      this.cancelTimer = this.time.registerTimer(this.time.now() + this.miniBatch.allowLatency, () => {
        this.cancelTimer = undefined;
        return this.finish();
      });
    }
  }

  /** Ends the current batch: its result goes downstream now. */
  protected finish(): void | Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.buffered === 0) return;
    this.buffered = 0;
    const out = this.finishBundle();
    return out && out.rows.length > 0 ? this.output.emit(out) : undefined;
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }

  prepareSnapshotPreBarrier(): void | Promise<void> {
    return this.finish();
  }

  endInput(): void | Promise<void> {
    return this.finish();
  }

  close(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
  }
}
