import { resolve, sep } from 'node:path';

/**
 * Flink's SharedStateRegistry for one job: counts how many retained checkpoints use each file in
 * the job's `shared/` directory. A file is deleted when the last checkpoint using it is discarded
 * (subsumed or at shutdown), never while a retained checkpoint still refers to it. Files outside
 * this job's `shared/` (a checkpoint of another job this one was restored from) are never counted
 * and never deleted.
 */
export class SharedStateRegistry {
  private readonly counts = new Map<string, number>();
  private readonly byCheckpoint = new Map<number, string[]>();
  private readonly root: string;

  constructor(sharedDirectory: string) {
    this.root = resolve(sharedDirectory) + sep;
  }

  owns(path: string): boolean {
    return resolve(path).startsWith(this.root);
  }

  /**
   * Records that a completed checkpoint uses `files`. Returns the bytes of the files it is the
   * first to use: what this checkpoint added to storage (its incremental size).
   */
  register(checkpointId: number, files: readonly { path: string; sizeBytes: number }[]): number {
    const owned = [
      ...new Map(files.filter((f) => this.owns(f.path)).map((f) => [resolve(f.path), f])).values(),
    ];
    let added = 0;
    for (const f of owned) {
      const path = resolve(f.path);
      const n = this.counts.get(path) ?? 0;
      if (n === 0) added += f.sizeBytes;
      this.counts.set(path, n + 1);
    }
    this.byCheckpoint.set(
      checkpointId,
      owned.map((f) => resolve(f.path)),
    );
    return added;
  }

  /** A checkpoint is discarded: returns the files no retained checkpoint uses any more. */
  release(checkpointId: number): string[] {
    const unused: string[] = [];
    for (const path of this.byCheckpoint.get(checkpointId) ?? []) {
      const n = (this.counts.get(path) ?? 1) - 1;
      if (n > 0) this.counts.set(path, n);
      else {
        this.counts.delete(path);
        unused.push(path);
      }
    }
    this.byCheckpoint.delete(checkpointId);
    return unused;
  }

  isReferenced(path: string): boolean {
    return this.counts.has(resolve(path));
  }

  referenceCount(path: string): number {
    return this.counts.get(resolve(path)) ?? 0;
  }
}
