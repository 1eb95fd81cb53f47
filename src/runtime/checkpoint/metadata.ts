import type { OperatorStateSnapshot } from '../api/operator.js';
import type { KeyedStateHandle, KeyedStateSnapshot } from '../api/state.js';

/**
 * The content of `chk-<n>/_metadata`: everything needed to restore a job, keyed by stable
 * operator id. State is inlined while it is small; larger state will live in files under
 * `shared/` and `taskowned/` referenced from here.
 */
export const METADATA_FORMAT = 'weir-checkpoint-metadata';
export const METADATA_VERSION = 1;

export interface OperatorCheckpointState {
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** One snapshot per subtask, by subtask index. */
  readonly subtasks: readonly OperatorStateSnapshot[];
  /** Keyed state of all subtasks, by key group (key groups are disjoint, so they merge). */
  readonly keyedState?: KeyedStateSnapshot;
  /** Keyed state as the disk backend's run files (incremental checkpoints, native savepoints), one per subtask. */
  readonly keyedStateHandles?: readonly KeyedStateHandle[];
}

export interface CheckpointMetadata {
  readonly format: typeof METADATA_FORMAT;
  readonly version: typeof METADATA_VERSION;
  readonly kind: 'checkpoint' | 'savepoint';
  readonly jobId: string;
  readonly jobName: string;
  readonly checkpointId: number;
  /** When the checkpoint was triggered (epoch ms). */
  readonly triggeredAt: number;
  readonly completedAt: number;
  readonly operators: Readonly<Record<string, OperatorCheckpointState>>;
}

/** The same metadata with every state file path passed through `fn` (made relative or absolute). */
export function mapStateFilePaths(
  metadata: CheckpointMetadata,
  fn: (path: string) => string,
): CheckpointMetadata {
  const operators: Record<string, OperatorCheckpointState> = {};
  for (const [id, op] of Object.entries(metadata.operators)) {
    operators[id] = op.keyedStateHandles
      ? {
          ...op,
          keyedStateHandles: op.keyedStateHandles.map((h) => ({
            ...h,
            files: h.files.map((f) => ({ ...f, path: fn(f.path) })),
          })),
        }
      : op;
  }
  return { ...metadata, operators };
}

/** Every state file a checkpoint refers to. */
export function stateFiles(metadata: CheckpointMetadata): { path: string; sizeBytes: number }[] {
  return Object.values(metadata.operators).flatMap((op) =>
    (op.keyedStateHandles ?? []).flatMap((h) => h.files),
  );
}
