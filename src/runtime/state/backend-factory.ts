import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Configuration } from '../../common/config.js';
import {
  STATE_BACKEND_BLOCK_CACHE,
  STATE_BACKEND_BLOCK_SIZE,
  STATE_BACKEND_LOCAL_DIRECTORY,
  STATE_BACKEND_WRITE_BUFFER,
} from '../../common/options.js';
import type { KeyedStateHandle, KeyedStateSnapshot } from '../api/state.js';
import type { StateBackendChoice } from './backend-config.js';
import { runFilesToCanonical } from './disk/canonical.js';
import { DiskKeyedStateBackend } from './disk/disk-keyed-state.js';
import { HeapKeyedStateBackend } from './heap-keyed-state.js';
import { keyGroupRange } from './key-groups.js';
import type { SnapshotTarget, SnapshottingKeyedStateBackend } from './snapshot.js';

export interface KeyedBackendContext {
  readonly jobId: string;
  readonly operatorId: string;
  readonly maxParallelism: number;
  readonly parallelism: number;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  /** State to start from: canonical (by key group), or run files of the disk backend. */
  readonly restored?: { readonly keyed?: KeyedStateSnapshot; readonly handles?: readonly KeyedStateHandle[] };
  /** What the snapshot for a checkpoint id is for (see SnapshotTarget). */
  readonly resolveTarget: (checkpointId: number) => SnapshotTarget;
}

/**
 * Creates the keyed state backend of one operator subtask, as 'state.backend.type' chooses, and
 * restores it. Either backend restores from either format: canonical snapshots load into both,
 * and the heap reads the disk backend's run files into canonical form first.
 */
export function createKeyedStateBackend(
  choice: StateBackendChoice,
  config: Configuration,
  ctx: KeyedBackendContext,
): SnapshottingKeyedStateBackend {
  const keyed = ctx.restored?.keyed;
  const handles = ctx.restored?.handles ?? [];
  if (choice.backend === 'hashmap') {
    const heap = new HeapKeyedStateBackend(ctx.maxParallelism, ctx.parallelism, ctx.subtaskIndex);
    const snapshots: KeyedStateSnapshot[] = keyed ? [keyed] : [];
    if (handles.length > 0) {
      snapshots.push(
        runFilesToCanonical(handles, keyGroupRange(ctx.maxParallelism, ctx.parallelism, ctx.subtaskIndex)),
      );
    }
    if (snapshots.length > 0) heap.restore(snapshots);
    return heap;
  }
  const configured = config.get(STATE_BACKEND_LOCAL_DIRECTORY);
  const base = configured ? resolve(configured) : join(tmpdir(), 'weir-state');
  removeLeftovers(base);
  const directory = join(
    base,
    `job_${ctx.jobId}_op_${ctx.operatorId}_${ctx.subtaskIndex}_${ctx.attemptNumber}_pid${process.pid}_${randomBytes(4).toString('hex')}`,
  );
  const disk = new DiskKeyedStateBackend({
    maxParallelism: ctx.maxParallelism,
    parallelism: ctx.parallelism,
    subtaskIndex: ctx.subtaskIndex,
    directory,
    namePrefix: `${ctx.operatorId}-${ctx.subtaskIndex}`,
    writeBufferBytes: config.require(STATE_BACKEND_WRITE_BUFFER),
    blockCacheBytes: config.require(STATE_BACKEND_BLOCK_CACHE),
    blockSize: config.require(STATE_BACKEND_BLOCK_SIZE),
    resolveTarget: ctx.resolveTarget,
  });
  try {
    disk.restore([...(keyed ? [keyed] : []), ...handles]);
  } catch (err) {
    disk.dispose();
    throw err;
  }
  return disk;
}

const swept = new Set<string>();

/**
 * Working folders of processes that died without cleaning up (kill -9) are never read again: the
 * first backend of this process in a local directory removes those whose process is gone.
 */
function removeLeftovers(base: string): void {
  if (swept.has(base)) return;
  swept.add(base);
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(/_pid(\d+)_/.exec(name)?.[1]);
    if (!pid || pid === process.pid || isAlive(pid)) continue;
    rmSync(join(base, name), { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, as another user's process.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
