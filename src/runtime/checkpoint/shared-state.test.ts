import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyedStateHandle } from '../api/state.js';
import { type CheckpointMetadata, METADATA_FORMAT, METADATA_VERSION } from './metadata.js';
import { FileSystemCheckpointStorage, loadCheckpointMetadata, writeSavepoint } from './storage.js';

let base: string;
afterEach(() => rmSync(base, { recursive: true, force: true }));

function metadata(id: number, files: string[]): CheckpointMetadata {
  const handle: KeyedStateHandle = {
    format: 'weir-sorted-runs-v1',
    keyGroupRange: { start: 0, end: 127 },
    files: files.map((path) => ({ path, sizeBytes: 100 })),
  };
  return {
    format: METADATA_FORMAT,
    version: METADATA_VERSION,
    kind: 'checkpoint',
    jobId: 'job',
    jobName: 'test',
    checkpointId: id,
    triggeredAt: 0,
    completedAt: 0,
    operators: {
      op: { name: 'agg', parallelism: 1, maxParallelism: 128, subtasks: [{}], keyedStateHandles: [handle] },
    },
  };
}

describe('shared state files of incremental checkpoints', () => {
  it('deletes a shared file only when no retained checkpoint uses it any more', async () => {
    base = mkdtempSync(join(tmpdir(), 'weir-shared-'));
    const storage = new FileSystemCheckpointStorage(base, 'job');
    const shared = storage.sharedDirectory;
    mkdirSync(shared, { recursive: true });
    const [a, b, c] = ['a.sst', 'b.sst', 'c.sst'].map((n) => join(shared, n));
    for (const f of [a, b, c]) writeFileSync(f, 'x'.repeat(100));
    const first = await storage.writeCheckpoint(metadata(1, [a, b]));
    const second = await storage.writeCheckpoint(metadata(2, [c, b]));
    // The second checkpoint added only c: its checkpointed size counts c, its full size a, b and c's share.
    expect(second.sizeBytes - second.checkpointedSizeBytes!).toBe(100);
    expect(first.sizeBytes - first.checkpointedSizeBytes!).toBe(0);
    expect(storage.sharedState.referenceCount(b)).toBe(2);

    await storage.discardCheckpoint(first); // subsumed
    expect([existsSync(a), existsSync(b), existsSync(c)]).toEqual([false, true, true]);
    // What remains restores: paths were written relative to chk-2 and read back absolute.
    const restored = await loadCheckpointMetadata(second.location);
    expect(restored.operators.op.keyedStateHandles![0].files.map((f) => f.path)).toEqual([c, b]);
    expect(readFileSync(join(second.location, '_metadata'), 'utf8')).toContain('../shared/c.sst');

    await storage.discardCheckpoint(second);
    expect([existsSync(b), existsSync(c)]).toEqual([false, false]);
  });

  it('never deletes files outside its own shared/ (a checkpoint of the job it was restored from)', async () => {
    base = mkdtempSync(join(tmpdir(), 'weir-shared-'));
    const foreign = join(base, 'other-job', 'shared', 'old.sst');
    mkdirSync(join(base, 'other-job', 'shared'), { recursive: true });
    writeFileSync(foreign, 'x');
    const storage = new FileSystemCheckpointStorage(base, 'job');
    const handle = await storage.writeCheckpoint(metadata(1, [foreign]));
    await storage.discardCheckpoint(handle);
    expect(existsSync(foreign)).toBe(true);
  });

  it('collects files uploaded for checkpoints that never completed', async () => {
    base = mkdtempSync(join(tmpdir(), 'weir-shared-'));
    const storage = new FileSystemCheckpointStorage(base, 'job');
    mkdirSync(storage.sharedDirectory, { recursive: true });
    const kept = join(storage.sharedDirectory, 'kept.sst');
    const orphan = join(storage.sharedDirectory, 'orphan.sst');
    writeFileSync(kept, 'x');
    writeFileSync(orphan, 'x');
    await storage.writeCheckpoint(metadata(1, [kept]));
    await storage.collectGarbage();
    expect([existsSync(kept), existsSync(orphan)]).toEqual([true, false]);
  });

  it('writes a native savepoint relative to itself, so a moved savepoint folder still restores', async () => {
    base = mkdtempSync(join(tmpdir(), 'weir-shared-'));
    const dir = join(base, 'savepoint-1');
    mkdirSync(dir);
    writeFileSync(join(dir, 'op-0-000001.sst'), 'x');
    await writeSavepoint(dir, { ...metadata(3, [join(dir, 'op-0-000001.sst')]), kind: 'savepoint' });
    const moved = join(base, 'elsewhere');
    renameSync(dir, moved);
    const restored = await loadCheckpointMetadata(moved);
    expect(restored.operators.op.keyedStateHandles![0].files[0].path).toBe(join(moved, 'op-0-000001.sst'));
  });
});
