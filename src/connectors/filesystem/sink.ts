import { closeSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Configuration } from '../../common/config.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { CHECKPOINTING_INTERVAL } from '../../common/options.js';
import type {
  OperatorContext,
  OperatorStateSnapshot,
  RecordBatch,
  SinkFactory,
  StreamOperator,
} from '../../runtime/index.js';
import { createFormat, type RowSerializer } from '../formats/index.js';
import { localPath, ROLLING_FILE_SIZE, ROLLING_ROLLOVER_INTERVAL } from './descriptor.js';

/** A closed part file waiting for its checkpoint to complete: hidden until renamed to `final`. */
interface PendingFile {
  readonly checkpointId: number;
  readonly inProgress: string;
  readonly final: string;
}

/** Pending files of every subtask; union state, so whoever restores commits them all (idempotently). */
const PENDING_STATE = 'union:pending';

/**
 * The filesystem sink (Flink's FileSink with a row format): rows go to a hidden in-progress part
 * file `.part-<tag>-<subtask>-<n>.inprogress` under 'path'. At each checkpoint barrier the open
 * file is closed and becomes pending (its name kept in checkpointed state); when the checkpoint
 * completes, pending files are renamed to `part-<tag>-<subtask>-<n>`, where readers see them.
 * After a failure, the restored checkpoint's pending files are committed again (a rename that
 * already happened is skipped), and in-progress files of earlier attempts, which no completed
 * checkpoint covers, are deleted: every row is in exactly one visible file.
 */
export class FileSystemSinkWriter implements StreamOperator {
  private readonly root: string;
  private readonly serializer: RowSerializer;
  private readonly maxFileSize: number;
  private readonly rolloverInterval: number;
  private ctx!: OperatorContext;
  private tag = '';
  private counter = 0;
  private current?: { fd: number; path: string; final: string; size: number; openedAt: number };
  /** Closed since the last barrier; they join the next checkpoint's pending files. */
  private closed: { inProgress: string; final: string }[] = [];
  private pending: PendingFile[] = [];

  constructor(spec: ConnectorSpec) {
    this.root = localPath(spec.options.path);
    const format = spec.options.format;
    this.serializer = createFormat(format, 'format', spec.options, [`${format}.`], spec.table).serializer(
      spec.schema,
    );
    const options = new Configuration(Object.entries(spec.options));
    this.maxFileSize = options.require(ROLLING_FILE_SIZE);
    this.rolloverInterval = options.require(ROLLING_ROLLOVER_INTERVAL);
  }

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    // Recovery: commit what completed checkpoints hold (a crash may have come before the rename).
    for (const p of (restored?.[PENDING_STATE] ?? []) as PendingFile[]) commitFile(p);
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
    // Part names carry the job and attempt, so files of an earlier attempt are told apart.
    this.tag = `${ctx.jobId.slice(0, 8)}-${ctx.attemptNumber}`;
    mkdirSync(this.root, { recursive: true });
    if (ctx.subtaskIndex === 0) {
      for (const name of readdirSync(this.root)) {
        if (
          name.startsWith('.part-') &&
          name.endsWith('.inprogress') &&
          !name.startsWith(`.part-${this.tag}-`)
        )
          rmSync(join(this.root, name), { force: true });
      }
    }
  }

  processBatch(batch: RecordBatch): void {
    const now = Date.now();
    for (const row of batch.rows) {
      const bytes = this.serializer.serialize(row);
      if (bytes === null) continue;
      if (
        this.current &&
        (this.current.size >= this.maxFileSize || now - this.current.openedAt >= this.rolloverInterval)
      )
        this.roll();
      const file = this.current ?? this.openFile(now);
      const line = Buffer.concat([bytes, Buffer.from('\n')]);
      writeSync(file.fd, line);
      file.size += line.length;
    }
  }

  private openFile(now: number) {
    const name = `part-${this.tag}-${this.ctx.subtaskIndex}-${this.counter++}`;
    const path = join(this.root, `.${name}.inprogress`);
    this.current = { fd: openSync(path, 'w'), path, final: join(this.root, name), size: 0, openedAt: now };
    return this.current;
  }

  /** Closes the open part file; it is committed with the next checkpoint. */
  private roll(): void {
    if (!this.current) return;
    closeSync(this.current.fd);
    this.closed.push({ inProgress: this.current.path, final: this.current.final });
    this.current = undefined;
  }

  snapshotState(checkpointId: number): OperatorStateSnapshot {
    this.roll();
    this.pending.push(...this.closed.map((c) => ({ checkpointId, ...c })));
    this.closed = [];
    return { [PENDING_STATE]: this.pending.map((p) => ({ ...p })) };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    for (const p of this.pending) if (p.checkpointId <= checkpointId) commitFile(p);
    this.pending = this.pending.filter((p) => p.checkpointId > checkpointId);
  }

  endInput(): void {
    // Without checkpointing nothing would ever commit: a bounded job's last files commit at its end.
    if (this.ctx.config.get(CHECKPOINTING_INTERVAL) === undefined) {
      this.roll();
      for (const c of this.closed) commitFile({ checkpointId: 0, ...c });
      this.closed = [];
    }
  }

  close(): void {
    // A file still open is abandoned: no checkpoint covers its rows; a restart deletes it.
    if (this.current) closeSync(this.current.fd);
    this.current = undefined;
  }
}

/** Renames a pending file to its final name; already renamed (or gone with it) counts as committed. */
function commitFile(p: PendingFile): void {
  try {
    renameSync(p.inProgress, p.final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

export const filesystemSinkFactory: SinkFactory = {
  createWriter: (spec) => new FileSystemSinkWriter(spec),
};
