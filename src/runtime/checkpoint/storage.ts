import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { WeirError } from '../../common/errors.js';
import { parseState, stringifyState } from '../../common/serde.js';
import { type CheckpointMetadata, METADATA_FORMAT, METADATA_VERSION } from './metadata.js';

export interface CompletedCheckpointHandle {
  readonly checkpointId: number;
  /** A path (filesystem) or a description (jobmanager) of where the checkpoint lives. */
  readonly location: string;
  readonly sizeBytes: number;
}

/** Where completed checkpoints are written (Flink's CheckpointStorage). */
export interface CheckpointStorage {
  readonly kind: 'jobmanager' | 'filesystem';
  /** Writes the metadata atomically: a crash never leaves a half-written checkpoint that looks complete. */
  writeCheckpoint(metadata: CheckpointMetadata): Promise<CompletedCheckpointHandle>;
  discardCheckpoint(handle: CompletedCheckpointHandle): Promise<void>;
  /** Reads a completed checkpoint back, to restore from it after a failure. */
  readCheckpoint(handle: CompletedCheckpointHandle): Promise<CheckpointMetadata>;
  /** The job's directory, for messages; undefined for in-memory storage. */
  readonly jobDirectory?: string;
}

const METADATA_FILE = '_metadata';

/** Accepts `file:///abs`, `file:/abs` and plain paths, as Flink does for local filesystems. */
export function localPath(uriOrPath: string): string {
  const trimmed = uriOrPath.trim();
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(trimmed) || trimmed.startsWith('file:')) {
    if (!trimmed.startsWith('file:')) {
      throw new WeirError(
        'CHECKPOINT_STORAGE_SCHEME',
        `Unsupported checkpoint location '${trimmed}': only local paths and file:// URIs are supported`,
      );
    }
    return resolve(trimmed.replace(/^file:(\/\/)?/, '').replace(/^\/\/+/, '/'));
  }
  return resolve(trimmed);
}

async function writeFileDurably(path: string, data: string): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flink's layout: `<dir>/<job-id>/{chk-<n>/_metadata, shared/, taskowned/}`. */
export class FileSystemCheckpointStorage implements CheckpointStorage {
  readonly kind = 'filesystem' as const;
  readonly jobDirectory: string;
  private initialized = false;

  constructor(baseDirectory: string, jobId: string) {
    this.jobDirectory = join(localPath(baseDirectory), jobId);
  }

  private async initialize(): Promise<void> {
    if (this.initialized) return;
    try {
      await mkdir(join(this.jobDirectory, 'shared'), { recursive: true });
      await mkdir(join(this.jobDirectory, 'taskowned'), { recursive: true });
    } catch (err) {
      throw new WeirError(
        'CHECKPOINT_STORAGE_UNWRITABLE',
        `Cannot create the checkpoint directory ${this.jobDirectory}: ${(err as Error).message}`,
        { kind: 'external', hint: "Set 'execution.checkpointing.dir' to a writable directory.", cause: err },
      );
    }
    this.initialized = true;
  }

  async writeCheckpoint(metadata: CheckpointMetadata): Promise<CompletedCheckpointHandle> {
    await this.initialize();
    const dir = join(this.jobDirectory, `chk-${metadata.checkpointId}`);
    const data = stringifyState(metadata);
    try {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `${METADATA_FILE}.inprogress`);
      await writeFileDurably(temp, data);
      await rename(temp, join(dir, METADATA_FILE));
      await syncDirectory(dir);
    } catch (err) {
      // The checkpoint failed: nothing of it may stay behind looking complete (see the coordinator).
      await rm(dir, { recursive: true, force: true }).catch(() => {});
      throw err;
    }
    return { checkpointId: metadata.checkpointId, location: dir, sizeBytes: Buffer.byteLength(data) };
  }

  async discardCheckpoint(handle: CompletedCheckpointHandle): Promise<void> {
    await rm(handle.location, { recursive: true, force: true });
  }

  readCheckpoint(handle: CompletedCheckpointHandle): Promise<CheckpointMetadata> {
    return loadCheckpointMetadata(handle.location);
  }
}

/** Keeps checkpoints in memory, for small state (Flink's JobManagerCheckpointStorage). */
export class JobManagerCheckpointStorage implements CheckpointStorage {
  readonly kind = 'jobmanager' as const;
  private readonly checkpoints = new Map<number, CheckpointMetadata>();

  constructor(private readonly maxStateSize: number) {}

  async writeCheckpoint(metadata: CheckpointMetadata): Promise<CompletedCheckpointHandle> {
    const size = Buffer.byteLength(stringifyState(metadata));
    if (size > this.maxStateSize) {
      throw new WeirError(
        'CHECKPOINT_STATE_TOO_LARGE',
        `Checkpoint ${metadata.checkpointId} is ${size} bytes, more than the jobmanager storage allows (${this.maxStateSize} bytes)`,
        {
          hint: "Use 'execution.checkpointing.storage' = 'filesystem', or raise 'state.storage.jobmanager.max-state-size'.",
        },
      );
    }
    this.checkpoints.set(metadata.checkpointId, metadata);
    return {
      checkpointId: metadata.checkpointId,
      location: `jobmanager://chk-${metadata.checkpointId}`,
      sizeBytes: size,
    };
  }

  async discardCheckpoint(handle: CompletedCheckpointHandle): Promise<void> {
    this.checkpoints.delete(handle.checkpointId);
  }

  async readCheckpoint(handle: CompletedCheckpointHandle): Promise<CheckpointMetadata> {
    const metadata = this.checkpoints.get(handle.checkpointId);
    if (!metadata) {
      throw new WeirError(
        'RESTORE_NOT_FOUND',
        `Checkpoint ${handle.checkpointId} is no longer held in memory`,
        {
          kind: 'internal',
        },
      );
    }
    return metadata;
  }
}

/**
 * Writes a savepoint: `<directory>/savepoint-<first 6 of job id>-<12 random hex>/_metadata`, as
 * Flink names them. State is inlined in the metadata, so the folder is self-contained and can be
 * moved or copied anywhere before restoring from it.
 */
export async function writeSavepoint(
  directory: string,
  metadata: CheckpointMetadata,
): Promise<CompletedCheckpointHandle> {
  const dir = join(
    localPath(directory),
    `savepoint-${metadata.jobId.slice(0, 6)}-${randomBytes(6).toString('hex')}`,
  );
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new WeirError(
      'SAVEPOINT_UNWRITABLE',
      `Cannot create the savepoint directory ${dir}: ${(err as Error).message}`,
      {
        kind: 'external',
        hint: "Pass a writable target directory, or set 'state.savepoints.dir'.",
      },
    );
  }
  const data = stringifyState(metadata);
  const temp = join(dir, `${METADATA_FILE}.inprogress`);
  await writeFileDurably(temp, data);
  await rename(temp, join(dir, METADATA_FILE));
  await syncDirectory(dir);
  return { checkpointId: metadata.checkpointId, location: dir, sizeBytes: Buffer.byteLength(data) };
}

/** Reads `_metadata` from a checkpoint or savepoint directory, or from the file itself. */
export async function loadCheckpointMetadata(pathOrUri: string): Promise<CheckpointMetadata> {
  let path = localPath(pathOrUri);
  try {
    if ((await stat(path)).isDirectory()) path = join(path, METADATA_FILE);
  } catch {
    throw new WeirError('RESTORE_NOT_FOUND', `No checkpoint or savepoint at ${path}`, {
      hint: 'Pass the path of a chk-<n> directory, a savepoint directory or a _metadata file.',
    });
  }
  let parsed: unknown;
  try {
    parsed = parseState(await readFile(path, 'utf8'));
  } catch (err) {
    throw new WeirError(
      'RESTORE_INVALID',
      `Cannot read checkpoint metadata ${path}: ${(err as Error).message}`,
      {
        hint: 'The file is damaged or is not a weir checkpoint; an incomplete checkpoint has no _metadata file.',
      },
    );
  }
  const meta = parsed as Partial<CheckpointMetadata>;
  if (meta.format !== METADATA_FORMAT) {
    throw new WeirError('RESTORE_INVALID', `${path} is not weir checkpoint metadata`);
  }
  // All or nothing: a restore never starts from metadata it would read only part of.
  const problem = metadataProblem(meta);
  if (problem) {
    throw new WeirError('RESTORE_INVALID', `Checkpoint metadata ${path} is damaged: ${problem}`, {
      hint: 'Restore from another retained checkpoint or savepoint.',
    });
  }
  return meta as CheckpointMetadata;
}

function metadataProblem(meta: Partial<CheckpointMetadata>): string | undefined {
  if (meta.version !== METADATA_VERSION) return `unknown version ${String(meta.version)}`;
  if (typeof meta.jobId !== 'string' || !Number.isInteger(meta.checkpointId))
    return 'no job or checkpoint id';
  if (typeof meta.operators !== 'object' || meta.operators === null) return 'no operator states';
  for (const [id, op] of Object.entries(meta.operators)) {
    if (
      typeof op !== 'object' ||
      op === null ||
      !Array.isArray(op.subtasks) ||
      !Number.isInteger(op.parallelism) ||
      op.subtasks.length !== op.parallelism ||
      op.subtasks.some((s) => typeof s !== 'object' || s === null)
    ) {
      return `the state of operator ${id} is incomplete`;
    }
  }
  return undefined;
}
