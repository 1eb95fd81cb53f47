import { renameSync } from 'node:fs';

/** A closed part file waiting for its checkpoint to complete: hidden until renamed to `final`. */
export interface PendingFile {
  readonly checkpointId: number;
  readonly inProgress: string;
  readonly final: string;
  /** The file's partition directory relative to the table's path ('' for an unpartitioned table). */
  readonly partition?: string;
}

/**
 * What a writer tells the partition committer, just before each checkpoint barrier (and when its
 * input ends without checkpointing): the files it closed for that checkpoint and its watermark.
 * It travels as the single field of a row.
 */
export interface PartitionCommitInfo {
  /** The checkpoint the files belong to; -1 when the input ended and there is no checkpointing. */
  readonly checkpointId: number;
  readonly subtask: number;
  readonly files: readonly PendingFile[];
  readonly watermark: number;
}

/** Renames a pending file to its final name; already renamed (or gone with it) counts as committed. */
export function commitFile(p: Pick<PendingFile, 'inProgress' | 'final'>): void {
  try {
    renameSync(p.inProgress, p.final);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
