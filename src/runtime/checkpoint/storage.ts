import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { WeirError } from '../../common/errors.js';
import {
  type CheckpointMetadata,
  METADATA_FORMAT,
  METADATA_VERSION,
  mapStateFilePaths,
  stateFiles,
} from './metadata.js';
import { metadataPieces, readMetadataFile, writeMetadataFile } from './metadata-file.js';
import { SharedStateRegistry } from './shared-state-registry.js';

export interface CompletedCheckpointHandle {
  readonly checkpointId: number;
  /** A path (filesystem) or a description (jobmanager) of where the checkpoint lives. */
  readonly location: string;
  /** The full size: the metadata and every state file it refers to. */
  readonly sizeBytes: number;
  /** What this checkpoint added to storage (metadata and new shared files); the full size for a full one. */
  readonly checkpointedSizeBytes?: number;
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
  /**
   * Deletes files in shared/ that no retained checkpoint uses (uploaded for a checkpoint that was
   * aborted). Called at shutdown, when nothing is in progress.
   */
  collectGarbage?(): Promise<void>;
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
  readonly sharedDirectory: string;
  readonly sharedState: SharedStateRegistry;
  private initialized = false;

  constructor(baseDirectory: string, jobId: string) {
    this.jobDirectory = join(localPath(baseDirectory), jobId);
    this.sharedDirectory = join(this.jobDirectory, 'shared');
    this.sharedState = new SharedStateRegistry(this.sharedDirectory);
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
    let metadataBytes: number;
    try {
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `${METADATA_FILE}.inprogress`);
      metadataBytes = await writeMetadataFile(
        temp,
        mapStateFilePaths(metadata, (p) => relativeStatePath(dir, p)),
      );
      await rename(temp, join(dir, METADATA_FILE));
      await syncDirectory(dir);
    } catch (err) {
      // The checkpoint failed: nothing of it may stay behind looking complete (see the coordinator).
      await rm(dir, { recursive: true, force: true }).catch(() => {});
      throw err;
    }
    const files = stateFiles(metadata);
    const added = this.sharedState.register(metadata.checkpointId, files);
    return {
      checkpointId: metadata.checkpointId,
      location: dir,
      sizeBytes: metadataBytes + files.reduce((n, f) => n + f.sizeBytes, 0),
      checkpointedSizeBytes: metadataBytes + added,
    };
  }

  async discardCheckpoint(handle: CompletedCheckpointHandle): Promise<void> {
    await rm(handle.location, { recursive: true, force: true });
    // Shared files go only when no retained checkpoint uses them any more.
    for (const path of this.sharedState.release(handle.checkpointId)) await rm(path, { force: true });
  }

  async collectGarbage(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.sharedDirectory);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(this.sharedDirectory, name);
      if (!this.sharedState.isReferenced(path)) await rm(path, { force: true });
    }
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
    // The size `_metadata` would have on a filesystem.
    let size = 0;
    for (const piece of metadataPieces(metadata)) size += Buffer.byteLength(piece);
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

/** Where a savepoint goes: `<directory>/savepoint-<first 6 of job id>-<12 random hex>`, as Flink names them. */
export function newSavepointPath(directory: string, jobId: string): string {
  return join(localPath(directory), `savepoint-${jobId.slice(0, 6)}-${randomBytes(6).toString('hex')}`);
}

/**
 * A state file path as written into `_metadata`: relative to the metadata's directory, so a
 * savepoint folder (whose files sit beside its metadata) can be moved or copied anywhere.
 */
function relativeStatePath(metadataDirectory: string, path: string): string {
  return relative(metadataDirectory, path).split('\\').join('/');
}

/**
 * Writes a savepoint's `_metadata` into `dir` (from newSavepointPath). Canonical state is inlined
 * in the metadata (written a key group at a time, see metadata-file.ts); native state files were written beside it by the backends. Either way the
 * folder is self-contained and can be moved or copied anywhere before restoring from it.
 */
export async function writeSavepoint(
  dir: string,
  metadata: CheckpointMetadata,
): Promise<CompletedCheckpointHandle> {
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
  const temp = join(dir, `${METADATA_FILE}.inprogress`);
  const metadataBytes = await writeMetadataFile(
    temp,
    mapStateFilePaths(metadata, (p) => relativeStatePath(dir, p)),
  );
  await rename(temp, join(dir, METADATA_FILE));
  await syncDirectory(dir);
  const size = metadataBytes + stateFiles(metadata).reduce((n, f) => n + f.sizeBytes, 0);
  return { checkpointId: metadata.checkpointId, location: dir, sizeBytes: size, checkpointedSizeBytes: size };
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
    parsed = await readMetadataFile(path);
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
  // State files are written relative to the metadata's directory; the backends get absolute paths.
  const base = dirname(path);
  return mapStateFilePaths(meta as CheckpointMetadata, (p) => (isAbsolute(p) ? p : resolve(base, p)));
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
      op.subtasks.some((s) => typeof s !== 'object' || s === null) ||
      (op.keyedStateHandles !== undefined &&
        (!Array.isArray(op.keyedStateHandles) ||
          op.keyedStateHandles.some((h) => !Array.isArray(h?.files) || typeof h.keyGroupRange !== 'object')))
    ) {
      return `the state of operator ${id} is incomplete`;
    }
  }
  return undefined;
}
