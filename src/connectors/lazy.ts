import type { ConnectorSpec } from '../common/jobgraph.js';
import type { RecordBatch } from '../runtime/api/batch.js';
import type {
  OperatorContext,
  OperatorStateSnapshot,
  Output,
  StreamOperator,
} from '../runtime/api/operator.js';
import type { SinkFactory } from '../runtime/api/sink.js';
import type { PollResult, SourceFactory, SourceReader } from '../runtime/api/source.js';

/**
 * Connectors whose client libraries are heavy (Kafka, PostgreSQL) are loaded when a job first
 * uses them, not at every start of `weir`: loading both cost half a second of every start-up.
 * The proxies create the real reader or writer at initializeState, the first (async) call.
 */
export function lazySourceFactory(load: () => Promise<SourceFactory>): SourceFactory {
  return { createReader: (spec) => new LazySourceReader(load, spec) };
}

export function lazySinkFactory(load: () => Promise<SinkFactory>): SinkFactory {
  return { createWriter: (spec) => new LazySinkWriter(load, spec) };
}

class LazySourceReader implements SourceReader {
  private inner!: SourceReader;
  constructor(
    private readonly load: () => Promise<SourceFactory>,
    private readonly spec: ConnectorSpec,
  ) {}
  async initializeState(restored: OperatorStateSnapshot | undefined): Promise<void> {
    this.inner = (await this.load()).createReader(this.spec);
    await this.inner.initializeState(restored);
  }
  open(ctx: OperatorContext) {
    return this.inner.open(ctx);
  }
  poll(output: Output): PollResult | Promise<PollResult> {
    return this.inner.poll(output);
  }
  snapshotState(checkpointId: number) {
    return this.inner.snapshotState(checkpointId);
  }
  notifyCheckpointComplete(checkpointId: number) {
    return this.inner.notifyCheckpointComplete?.(checkpointId);
  }
  close() {
    return this.inner?.close();
  }
  metrics(): Record<string, number> {
    return this.inner?.metrics?.() ?? {};
  }
  bytesRead(): number {
    return this.inner?.bytesRead?.() ?? 0;
  }
}

class LazySinkWriter implements StreamOperator {
  private inner!: StreamOperator;
  constructor(
    private readonly load: () => Promise<SinkFactory>,
    private readonly spec: ConnectorSpec,
  ) {}
  async initializeState(restored: OperatorStateSnapshot | undefined): Promise<void> {
    this.inner = (await this.load()).createWriter(this.spec);
    await this.inner.initializeState?.(restored);
  }
  open(ctx: OperatorContext, output: Output) {
    return this.inner.open(ctx, output);
  }
  processBatch(batch: RecordBatch) {
    return this.inner.processBatch(batch);
  }
  processWatermark(watermark: number) {
    return this.inner.processWatermark?.(watermark);
  }
  prepareSnapshotPreBarrier(checkpointId: number) {
    return this.inner.prepareSnapshotPreBarrier?.(checkpointId);
  }
  snapshotState(checkpointId: number) {
    return this.inner.snapshotState?.(checkpointId) ?? {};
  }
  notifyCheckpointComplete(checkpointId: number) {
    return this.inner.notifyCheckpointComplete?.(checkpointId);
  }
  notifyCheckpointAborted(checkpointId: number) {
    return this.inner.notifyCheckpointAborted?.(checkpointId);
  }
  endInput() {
    return this.inner.endInput?.();
  }
  close() {
    return this.inner?.close?.();
  }
}
