import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type {
  OperatorContext,
  OperatorStateSnapshot,
  Output,
  PollResult,
  SourceFactory,
  SourceReader,
} from '../../runtime/index.js';
import { createFormat, type RowDeserializer } from '../formats/index.js';
import { localPath, PARTITION_DEFAULT_NAME } from './descriptor.js';
import { type PartitionLayout, partitionLayout, partitionValuesOf } from './partitions.js';

/** Where reading a file has got to: the byte offset of the next line to read. */
export interface FileSplit {
  /** The file's path relative to the table's 'path' ('' when 'path' is the file itself). */
  readonly file: string;
  offset: number;
  finished: boolean;
}

/** The list state every subtask writes its splits to; on restore each subtask gets all of them. */
const SPLITS_STATE = 'union:splits';
const CHUNK_BYTES = 1 << 16;
const NEWLINE = 0x0a;

export interface FileSystemSourceOptions {
  /** At most this many rows a batch (a poll), so checkpoints can fall between batches. */
  readonly maxBatchRows?: number;
}

/** Every file under `root` (itself if it is a file), sorted, without hidden files (. or _). */
export function listSplitFiles(root: string): string[] {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(root);
  } catch {
    throw new WeirError('CONNECTOR_IO', `The path '${root}' of the filesystem table does not exist`, {
      kind: 'user',
      hint: "point 'path' at a file or a directory",
    });
  }
  if (!stat.isDirectory()) return [''];
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith('.') || name.startsWith('_')) continue;
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else files.push(relative(root, full));
    }
  };
  walk(root);
  return files;
}

/**
 * The bounded filesystem source (Flink's FileSystemTableSource reading with a line-based format):
 * each file is a split; split i of the sorted list is read by subtask i mod parallelism. A split's
 * position — file and byte offset of the next line — is operator state, written as union state
 * so that a restore at any parallelism hands every split to exactly one subtask and reading
 * resumes mid-file at the line after the last one emitted before the checkpoint.
 */
export class FileSystemSourceReader implements SourceReader {
  private readonly root: string;
  private readonly deserializer: RowDeserializer;
  /** A partitioned table's files hold the other columns; partition values come from `k=v/` directories. */
  private readonly layout?: PartitionLayout;
  private restored?: FileSplit[];
  private splits: FileSplit[] = [];
  private fd?: { split: FileSplit; fd: number; size: number; partition: Map<string, string> };
  /** File bytes read, newlines included (the source's numBytesIn). */
  private bytes = 0;

  constructor(
    spec: ConnectorSpec,
    private readonly options: FileSystemSourceOptions = {},
  ) {
    this.root = localPath(spec.options.path);
    const tableOptions = new Configuration(Object.entries(spec.options));
    this.layout = partitionLayout(spec, tableOptions.require(PARTITION_DEFAULT_NAME));
    const format = spec.options.format;
    this.deserializer = createFormat(format, 'format', spec.options, [`${format}.`], spec.table).deserializer(
      this.layout?.dataSchema ?? spec.schema,
    );
  }

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    const entries = restored?.[SPLITS_STATE] as FileSplit[] | undefined;
    if (entries) this.restored = entries.map((s) => ({ ...s }));
  }

  open(ctx: OperatorContext): void {
    // The restored splits keep their positions; files that appeared since start at 0.
    const known = new Map((this.restored ?? []).map((s) => [s.file, s]));
    const files = [...new Set([...known.keys(), ...listSplitFiles(this.root)])].sort();
    this.splits = files
      .filter((_, i) => i % ctx.parallelism === ctx.subtaskIndex)
      .map((file) => known.get(file) ?? { file, offset: 0, finished: false });
  }

  poll(output: Output): PollResult | Promise<PollResult> {
    const maxRows = this.options.maxBatchRows ?? 1000;
    const rows: unknown[][] = [];
    while (rows.length < maxRows) {
      const split = this.splits.find((s) => !s.finished);
      if (!split) break;
      this.readLines(split, maxRows - rows.length, rows);
    }
    if (rows.length === 0) {
      if (this.splits.every((s) => s.finished)) return { status: 'end' };
      return { status: 'emitted' };
    }
    const emitted = output.emit({ rows });
    return emitted ? emitted.then(() => ({ status: 'emitted' })) : { status: 'emitted' };
  }

  /** Reads whole lines of `split` from its offset into `rows`, advancing the offset past them. */
  private readLines(split: FileSplit, maxRows: number, rows: unknown[][]): void {
    if (this.fd?.split !== split) {
      this.closeFile();
      const path = split.file === '' ? this.root : join(this.root, split.file);
      const fd = openSync(path, 'r');
      this.fd = { split, fd, size: statSync(path).size, partition: partitionValuesOf(split.file) };
    }
    const { fd, size, partition } = this.fd;
    let buffer = Buffer.alloc(0);
    let start = 0;
    let emitted = 0;
    while (emitted < maxRows && split.offset < size) {
      // Find the next newline, reading more when the buffered bytes hold none.
      let end = buffer.indexOf(NEWLINE, start);
      if (end < 0) {
        const position = split.offset + (buffer.length - start);
        if (position < size) {
          const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, size - position));
          const n = readSync(fd, chunk, 0, chunk.length, position);
          buffer = Buffer.concat([buffer.subarray(start), chunk.subarray(0, n)]);
          start = 0;
          continue;
        }
        end = buffer.length; // the last line has no newline
      }
      let line = buffer.subarray(start, end);
      if (line.length > 0 && line[line.length - 1] === 0x0d) line = line.subarray(0, line.length - 1);
      const consumed = end - start + (end < buffer.length ? 1 : 0);
      split.offset += consumed;
      start += consumed;
      this.bytes += consumed;
      if (line.length === 0) continue;
      const row = this.deserializer.deserialize(line);
      if (row) {
        rows.push(this.layout ? this.layout.rowOf(row, partition) : row);
        emitted++;
      }
    }
    if (split.offset >= size) {
      split.finished = true;
      this.closeFile();
    }
  }

  bytesRead(): number {
    return this.bytes;
  }

  snapshotState(): OperatorStateSnapshot {
    return { [SPLITS_STATE]: this.splits.map((s) => ({ ...s })) };
  }

  private closeFile(): void {
    if (this.fd) closeSync(this.fd.fd);
    this.fd = undefined;
  }

  close(): void {
    this.closeFile();
  }
}

export const filesystemSourceFactory: SourceFactory = {
  createReader: (spec) => new FileSystemSourceReader(spec),
};
