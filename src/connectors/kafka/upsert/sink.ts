import { Configuration } from '../../../common/config.js';
import type { ConnectorSpec } from '../../../common/jobgraph.js';
import { RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../../runtime/api/batch.js';
import type { OperatorContext, OperatorStateSnapshot } from '../../../runtime/api/operator.js';
import type { SinkFactory } from '../../../runtime/api/sink.js';
import { KafkaSinkWriter } from '../sink.js';
import { primaryKeyIndexes, upsertKafkaSpec } from './codec.js';
import { SINK_BUFFER_FLUSH_INTERVAL, SINK_BUFFER_FLUSH_MAX_ROWS } from './options.js';

/** A primary key as a Map key: values are JSON-like (bigints and bytes spelled out). */
function keyString(row: readonly unknown[], key: readonly number[]): string {
  let s = '';
  for (const k of key) {
    const v = row[k];
    s += `${typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : JSON.stringify(v)}\u0000`;
  }
  return s;
}

/**
 * The upsert-kafka sink: the Kafka sink (same producer, same transactions committed on
 * checkpoints) writing an upsert changelog keyed by the PRIMARY KEY — +I/+U as key and value, -D
 * as a tombstone, -U dropped — so all changes of a key land in the key's partition, in order.
 *
 * With 'sink.buffer-flush.max-rows' and 'sink.buffer-flush.interval' both > 0 it buffers like
 * Flink's ReducingUpsertWriter: only the last change of each key is kept, and the buffer is
 * written when it holds max-rows changes, every interval, at each checkpoint and at the end.
 */
export class UpsertKafkaSinkWriter extends KafkaSinkWriter {
  private readonly key: number[];
  private maxRows = 0;
  private intervalMs = 0;
  /** The last change per key since the last flush (Map order: first-seen order of keys). */
  private readonly reduced = new Map<string, { row: unknown[]; kind: number }>();
  private changes = 0;
  private cancelTimer: (() => void) | undefined;
  private context!: OperatorContext;

  constructor(spec: ConnectorSpec) {
    super(upsertKafkaSpec(spec));
    this.key = primaryKeyIndexes(this.spec);
  }

  override async open(ctx: OperatorContext): Promise<void> {
    this.context = ctx;
    const options = new Configuration(Object.entries(this.spec.options));
    this.maxRows = options.require(SINK_BUFFER_FLUSH_MAX_ROWS);
    this.intervalMs = options.require(SINK_BUFFER_FLUSH_INTERVAL);
    await super.open(ctx);
    if (this.buffering) this.scheduleFlush();
  }

  private get buffering(): boolean {
    return this.maxRows > 0 && this.intervalMs > 0;
  }

  private scheduleFlush(): void {
    const time = this.context.processingTimeService;
    this.cancelTimer = time.registerTimer(time.now() + this.intervalMs, async () => {
      await this.flushReduced();
      this.scheduleFlush();
    });
  }

  override processBatch(batch: RecordBatch): void | Promise<void> {
    if (!this.buffering) return super.processBatch(batch);
    const { rows, kinds } = batch;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds ? kinds[i] : RowKind.INSERT;
      if (kind === RowKind.UPDATE_BEFORE) continue;
      this.reduced.set(keyString(rows[i], this.key), { row: rows[i], kind });
      this.changes++;
    }
    if (this.changes >= this.maxRows) return this.flushReduced();
  }

  /** Writes the buffered last change of every key. */
  private flushReduced(): void | Promise<void> {
    this.changes = 0;
    if (this.reduced.size === 0) return;
    const rows: unknown[][] = [];
    const kinds: number[] = [];
    for (const { row, kind } of this.reduced.values()) {
      rows.push(row);
      kinds.push(kind);
    }
    this.reduced.clear();
    return super.processBatch({ rows, kinds: Uint8Array.from(kinds) });
  }

  override async prepareSnapshotPreBarrier(checkpointId: number): Promise<void> {
    await this.flushReduced();
    await super.prepareSnapshotPreBarrier(checkpointId);
  }

  override async snapshotState(checkpointId: number): Promise<OperatorStateSnapshot> {
    // Buffered changes belong to this checkpoint: they are written (and pre-committed) now.
    await this.flushReduced();
    return super.snapshotState(checkpointId);
  }

  override async endInput(): Promise<void> {
    await this.flushReduced();
    await super.endInput();
  }

  override async close(): Promise<void> {
    this.cancelTimer?.();
    await super.close();
  }
}

export const upsertKafkaSinkFactory: SinkFactory = {
  createWriter: (spec) => new UpsertKafkaSinkWriter(spec),
};
