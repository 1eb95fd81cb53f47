import type { KeyedStateBackend, KeyedStateHandle, KeyedStateSnapshot } from '../api/state.js';

/** Flink's SavepointFormatType: canonical is readable by every backend, native is the backend's own files. */
export type SavepointFormat = 'canonical' | 'native';

/** What a snapshot is for, which decides its format. */
export type SnapshotTarget =
  /** A checkpoint; with `sharedDirectory` (incremental, filesystem storage) runs are uploaded there once and shared. */
  | { readonly kind: 'checkpoint'; readonly sharedDirectory?: string }
  | { readonly kind: 'savepoint'; readonly format: SavepointFormat; readonly directory: string };

/** A keyed state backend as a task drives it: snapshots for checkpoints, and disposal when the task ends. */
export interface SnapshottingKeyedStateBackend extends KeyedStateBackend {
  snapshotAsync(options?: { checkpointId?: number }): {
    materialize(): Promise<KeyedStateSnapshot | KeyedStateHandle>;
  };
  /** Releases what the backend holds outside the heap (its local files). */
  dispose(): void;
}
