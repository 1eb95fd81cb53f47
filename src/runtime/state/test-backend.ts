import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskKeyedStateBackend } from './disk/disk-keyed-state.js';
import { HeapKeyedStateBackend } from './heap-keyed-state.js';

/** Either backend, as operator tests drive them: snapshot, restore, and asynchronous snapshots. */
export type TestKeyedStateBackend = HeapKeyedStateBackend | DiskKeyedStateBackend;

/**
 * The keyed state backend operator tests run on: the heap by default, the disk-backed backend
 * when WEIR_TEST_STATE_BACKEND=rocksdb (test/runtime/operators-on-disk.test.ts sets it and runs
 * the operator tests again). Its memtable is tiny, so state really goes through run files,
 * flushes and compactions; disposeTestBackends removes their working directories.
 */
export function createTestBackend(
  maxParallelism: number,
  parallelism: number,
  subtaskIndex: number,
  clock: () => number = Date.now,
): TestKeyedStateBackend {
  if (process.env.WEIR_TEST_STATE_BACKEND !== 'rocksdb') {
    return new HeapKeyedStateBackend(maxParallelism, parallelism, subtaskIndex, clock);
  }
  const backend = new DiskKeyedStateBackend({
    maxParallelism,
    parallelism,
    subtaskIndex,
    directory: mkdtempSync(join(tmpdir(), 'weir-test-state-')),
    namePrefix: 'test',
    writeBufferBytes: 1024,
    blockSize: 1024,
    blockCacheBytes: 16 * 1024,
    maxRuns: 3,
    clock,
  });
  diskBackends.add(backend);
  return backend;
}

const diskBackends = new Set<DiskKeyedStateBackend>();

/** Removes the working directories of every disk backend created so far (an afterAll hook). */
export function disposeTestBackends(): void {
  for (const b of diskBackends) b.dispose();
  diskBackends.clear();
}
