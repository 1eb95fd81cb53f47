import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Configuration } from '../../common/config.js';
import { failpoint } from '../../common/failpoints.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { CHECKPOINTING_INTERVAL } from '../../common/options.js';
import type {
  OperatorContext,
  OperatorStateSnapshot,
  Output,
  RecordBatch,
  SinkFactory,
  StreamOperator,
} from '../../runtime/index.js';
import { createFormat, type RowSerializer } from '../formats/index.js';
import { commitFile, type PartitionCommitInfo, type PendingFile } from './committables.js';
import { PartitionCommitter } from './committer.js';
import {
  localPath,
  PARTITION_DEFAULT_NAME,
  ROLLING_FILE_SIZE,
  ROLLING_ROLLOVER_INTERVAL,
} from './descriptor.js';
import { type PartitionLayout, partitionLayout } from './partitions.js';

const NEWLINE = Buffer.from('\n');

/** Pending files of every subtask; union state, so whoever restores commits them all (idempotently). */
const PENDING_STATE = 'union:pending';

interface OpenFile {
  readonly fd: number;
  readonly path: string;
  readonly final: string;
  readonly partition: string;
  size: number;
  readonly openedAt: number;
}

/**
 * The filesystem sink (Flink's FileSink with a row format): rows go to a hidden in-progress part
 * file `.part-<tag>-<subtask>-<n>.inprogress` under 'path' (under `k=v/` partition directories for
 * a partitioned table, one open file per partition). At each checkpoint barrier the open files
 * are closed and become pending (their names kept in checkpointed state); when the checkpoint
 * completes, pending files are renamed to `part-<tag>-<subtask>-<n>`, where readers see them.
 * After a failure, the restored checkpoint's pending files are committed again (a rename that
 * already happened is skipped), and in-progress files of earlier attempts, which no completed
 * checkpoint covers, are deleted: every row is in exactly one visible file.
 */
export class FileSystemSinkWriter implements StreamOperator {
  private readonly root: string;
  private readonly serializer: RowSerializer;
  private readonly layout?: PartitionLayout;
  private readonly maxFileSize: number;
  private readonly rolloverInterval: number;
  private ctx!: OperatorContext;
  private output?: Output;
  private tag = '';
  private counter = 0;
  private watermark = Number.NEGATIVE_INFINITY;
  private readonly openFiles = new Map<string, OpenFile>();
  /** Closed since the last barrier; they join the next checkpoint's pending files. */
  private closed: Omit<PendingFile, 'checkpointId'>[] = [];
  private pending: PendingFile[] = [];

  constructor(spec: ConnectorSpec) {
    this.root = localPath(spec.options.path);
    const options = new Configuration(Object.entries(spec.options));
    this.layout = partitionLayout(spec, options.require(PARTITION_DEFAULT_NAME));
    const format = spec.options.format;
    this.serializer = createFormat(format, 'format', spec.options, [`${format}.`], spec.table).serializer(
      this.layout?.dataSchema ?? spec.schema,
    );
    this.maxFileSize = options.require(ROLLING_FILE_SIZE);
    this.rolloverInterval = options.require(ROLLING_ROLLOVER_INTERVAL);
  }

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    // Recovery: commit what completed checkpoints hold (a crash may have come before the rename).
    for (const p of (restored?.[PENDING_STATE] ?? []) as PendingFile[]) {
      commitFile(p);
      failpoint('restore.commit');
    }
  }

  open(ctx: OperatorContext, output: Output): void {
    this.ctx = ctx;
    this.output = output;
    // Part names carry the job and attempt, so files of an earlier attempt are told apart.
    this.tag = `${ctx.jobId.slice(0, 8)}-${ctx.attemptNumber}`;
    mkdirSync(this.root, { recursive: true });
    if (ctx.subtaskIndex === 0) this.deleteAbandonedFiles(this.root);
  }

  /** In-progress files of earlier attempts hold rows no completed checkpoint covers. */
  private deleteAbandonedFiles(dir: string): void {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (this.layout && entry.name.includes('=')) this.deleteAbandonedFiles(path);
      } else if (
        entry.name.startsWith('.part-') &&
        entry.name.endsWith('.inprogress') &&
        !entry.name.startsWith(`.part-${this.tag}-`)
      )
        rmSync(path, { force: true });
    }
  }

  processBatch(batch: RecordBatch): void {
    const now = Date.now();
    const layout = this.layout;
    // Lines are gathered per file and written once per batch: one write call per file, not per row.
    const buffered = new Map<OpenFile, Buffer[]>();
    for (const row of batch.rows) {
      const bytes = this.serializer.serialize(layout ? layout.dataOf(row) : row);
      if (bytes === null) continue;
      const partition = layout ? layout.partitionOf(row) : '';
      let file = this.openFiles.get(partition);
      if (file && (file.size >= this.maxFileSize || now - file.openedAt >= this.rolloverInterval)) {
        this.flush(file, buffered);
        this.roll(file);
        file = undefined;
      }
      file ??= this.openFile(partition, now);
      let lines = buffered.get(file);
      if (!lines) buffered.set(file, (lines = []));
      lines.push(bytes, NEWLINE);
      file.size += bytes.length + 1;
    }
    for (const file of buffered.keys()) this.flush(file, buffered);
  }

  private flush(file: OpenFile, buffered: Map<OpenFile, Buffer[]>): void {
    const lines = buffered.get(file);
    if (!lines) return;
    writeSync(file.fd, Buffer.concat(lines));
    buffered.delete(file);
  }

  processWatermark(watermark: number): void {
    this.watermark = watermark;
  }

  private openFile(partition: string, now: number): OpenFile {
    const name = `part-${this.tag}-${this.ctx.subtaskIndex}-${this.counter++}`;
    const dir = partition === '' ? this.root : join(this.root, partition);
    if (partition !== '') mkdirSync(dir, { recursive: true });
    const path = join(dir, `.${name}.inprogress`);
    const file = { fd: openSync(path, 'w'), path, final: join(dir, name), partition, size: 0, openedAt: now };
    this.openFiles.set(partition, file);
    return file;
  }

  /** Closes an open part file; it is committed with the next checkpoint. */
  private roll(file: OpenFile): void {
    closeSync(file.fd);
    this.openFiles.delete(file.partition);
    this.closed.push({ inProgress: file.path, final: file.final, partition: file.partition });
  }

  private rollAll(): void {
    for (const file of [...this.openFiles.values()]) this.roll(file);
  }

  /** The files of checkpoint `checkpointId` are closed before its barrier, so the committer hears of them first. */
  prepareSnapshotPreBarrier(checkpointId: number): void | Promise<void> {
    this.rollAll();
    const files = this.closed.map((c) => ({ checkpointId, ...c }));
    this.pending.push(...files);
    this.closed = [];
    if (this.layout) return this.tellCommitter(checkpointId, files, this.watermark);
  }

  snapshotState(checkpointId: number): OperatorStateSnapshot {
    // Files a checkpoint without a preceding prepareSnapshotPreBarrier would miss.
    if (this.openFiles.size > 0 || this.closed.length > 0) {
      this.rollAll();
      this.pending.push(...this.closed.map((c) => ({ checkpointId, ...c })));
      this.closed = [];
    }
    return { [PENDING_STATE]: this.pending.map((p) => ({ ...p })) };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    const due = this.pending.filter((p) => p.checkpointId <= checkpointId);
    if (due.length > 0) failpoint('sink.before-commit');
    for (const [i, p] of due.entries()) {
      commitFile(p);
      if (i < due.length - 1) failpoint('sink.commit');
    }
    this.pending = this.pending.filter((p) => p.checkpointId > checkpointId);
  }

  endInput(): void | Promise<void> {
    // Without checkpointing nothing would ever commit: a bounded job's last files commit at its end.
    if (this.ctx.config.get(CHECKPOINTING_INTERVAL) === undefined) {
      this.rollAll();
      const files = this.closed.map((c) => ({ checkpointId: -1, ...c }));
      for (const f of files) commitFile(f);
      this.closed = [];
      if (this.layout) return this.tellCommitter(-1, files, Number.POSITIVE_INFINITY);
    }
  }

  private tellCommitter(checkpointId: number, files: readonly PendingFile[], watermark: number) {
    const info: PartitionCommitInfo = { checkpointId, subtask: this.ctx.subtaskIndex, files, watermark };
    return this.output?.emit({ rows: [[info]] });
  }

  close(): void {
    // Files still open are abandoned: no checkpoint covers their rows; a restart deletes them.
    for (const file of this.openFiles.values()) closeSync(file.fd);
    this.openFiles.clear();
  }
}

export const filesystemSinkFactory: SinkFactory = {
  createWriter: (spec) => new FileSystemSinkWriter(spec),
  createCommitter: (spec) => new PartitionCommitter(spec),
};
