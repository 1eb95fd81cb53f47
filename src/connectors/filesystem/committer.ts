import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { Configuration } from '../../common/config.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { CHECKPOINTING_INTERVAL } from '../../common/options.js';
import type {
  OperatorContext,
  OperatorStateSnapshot,
  RecordBatch,
  StreamOperator,
} from '../../runtime/index.js';
import { commitFile, type PartitionCommitInfo, type PendingFile } from './committables.js';
import {
  localPath,
  PARTITION_COMMIT_DELAY,
  PARTITION_COMMIT_SUCCESS_FILE,
  PARTITION_COMMIT_TRIGGER,
  PARTITION_TIMESTAMP_FORMATTER,
  PARTITION_TIMESTAMP_PATTERN,
} from './descriptor.js';
import { partitionTimeExtractor, partitionValuesOf } from './partitions.js';

const PENDING_FILES = 'pending-files';
const PARTITIONS = 'partitions';
const WATERMARKS = 'watermarks';

/** A partition the committer knows of but has not committed: its directory and when it first heard of it. */
interface KnownPartition {
  readonly partition: string;
  readonly firstSeen: number;
}

/**
 * Flink's PartitionCommitter for the filesystem sink, a single task after all writers. Each
 * writer tells it, before every checkpoint barrier, which part files it closed and its watermark.
 * When the checkpoint completes, the committer makes those files visible (the writers do too —
 * renames are idempotent — but the committer must not depend on their timing) and then commits
 * every partition whose trigger says it is complete, by writing its success file:
 * 'process-time' once the partition was first seen at least 'sink.partition-commit.delay' ago,
 * 'partition-time' once the writers' lowest watermark at that checkpoint passed the time extracted
 * from the partition values plus the delay. When the input ends, every partition is committed.
 */
export class PartitionCommitter implements StreamOperator {
  private readonly root: string;
  private readonly trigger: 'process-time' | 'partition-time';
  private readonly delay: number;
  private readonly successFile: string;
  private readonly partitionTime: (values: ReadonlyMap<string, string>) => number | undefined;
  private ctx!: OperatorContext;
  private pendingFiles: PendingFile[] = [];
  private readonly partitions = new Map<string, KnownPartition>();
  /** The latest watermark each writer reported, by the checkpoint it came with. */
  private watermarks: { checkpointId: number; subtask: number; watermark: number }[] = [];
  private inputEnded = false;

  constructor(spec: ConnectorSpec) {
    const options = new Configuration(Object.entries(spec.options));
    this.root = localPath(spec.options.path);
    this.trigger = options.require(PARTITION_COMMIT_TRIGGER);
    this.delay = options.require(PARTITION_COMMIT_DELAY);
    this.successFile = options.require(PARTITION_COMMIT_SUCCESS_FILE);
    this.partitionTime = partitionTimeExtractor(
      spec.partitionKeys ?? [],
      options.get(PARTITION_TIMESTAMP_PATTERN),
      options.require(PARTITION_TIMESTAMP_FORMATTER),
    );
  }

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    if (!restored) return;
    // What reached the committer before the restored checkpoint's barrier belongs to it: commit it.
    for (const f of (restored[PENDING_FILES] ?? []) as PendingFile[]) {
      commitFile(f);
      this.know(f.partition ?? '', Date.now());
    }
    for (const p of (restored[PARTITIONS] ?? []) as KnownPartition[]) this.partitions.set(p.partition, p);
    this.watermarks = [...((restored[WATERMARKS] ?? []) as typeof this.watermarks)];
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
  }

  processBatch(batch: RecordBatch): void {
    for (const [info] of batch.rows as [PartitionCommitInfo][]) {
      this.pendingFiles.push(...info.files);
      this.watermarks = this.watermarks.filter((w) => w.subtask !== info.subtask);
      this.watermarks.push({
        checkpointId: info.checkpointId,
        subtask: info.subtask,
        watermark: info.watermark,
      });
      if (info.checkpointId === -1) {
        // Without checkpointing the writer committed its files itself when its input ended.
        for (const f of info.files) this.know(f.partition ?? '', Date.now());
      }
    }
  }

  snapshotState(): OperatorStateSnapshot {
    return {
      [PENDING_FILES]: this.pendingFiles.map((f) => ({ ...f })),
      [PARTITIONS]: [...this.partitions.values()],
      [WATERMARKS]: this.watermarks.map((w) => ({ ...w })),
    };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    const now = Date.now();
    for (const f of this.pendingFiles) {
      if (f.checkpointId > checkpointId) continue;
      commitFile(f);
      this.know(f.partition ?? '', now);
    }
    this.pendingFiles = this.pendingFiles.filter((f) => f.checkpointId > checkpointId);
    const reported = this.watermarks.filter((w) => w.checkpointId <= checkpointId);
    const watermark = this.inputEnded
      ? Number.POSITIVE_INFINITY
      : reported.length > 0
        ? Math.min(...reported.map((w) => w.watermark))
        : Number.NEGATIVE_INFINITY;
    this.commitPartitions(now, watermark);
  }

  endInput(): void {
    this.inputEnded = true;
    // Without checkpointing no notification comes: every writer's files are visible now.
    if (this.ctx.config.get(CHECKPOINTING_INTERVAL) === undefined) {
      for (const f of this.pendingFiles) {
        commitFile(f);
        this.know(f.partition ?? '', Date.now());
      }
      this.pendingFiles = [];
      this.commitPartitions(Date.now(), Number.POSITIVE_INFINITY);
    }
  }

  private know(partition: string, now: number): void {
    if (!this.partitions.has(partition)) this.partitions.set(partition, { partition, firstSeen: now });
  }

  private commitPartitions(now: number, watermark: number): void {
    for (const p of [...this.partitions.values()]) {
      if (!this.isComplete(p, now, watermark)) continue;
      // The success file is empty: its existence is the signal (an existing one is kept).
      closeSync(openSync(join(this.root, p.partition, this.successFile), 'a'));
      this.partitions.delete(p.partition);
      this.ctx.log.info(`Committed partition ${p.partition} of ${this.root}`);
    }
  }

  private isComplete(p: KnownPartition, now: number, watermark: number): boolean {
    if (watermark === Number.POSITIVE_INFINITY) return true;
    if (this.trigger === 'process-time') return now >= p.firstSeen + this.delay;
    const time = this.partitionTime(partitionValuesOf(`${p.partition}/x`));
    // A partition whose time cannot be extracted waits for the end of input.
    return time !== undefined && watermark >= time + this.delay;
  }
}
