#!/usr/bin/env node
// The disk-backed keyed state backend ('state.backend.type' = 'rocksdb') against the heap:
//  1. keyed aggregation throughput (datagen -> hash -> GroupAggregate -> blackhole), heap vs disk,
//     checkpoints every second (disk: incremental, into a temporary checkpoint directory);
//  2. for a large state (STATE_KEYS keys, default 1,000,000) with a small change (1% of the keys):
//     what an incremental checkpoint uploads against the full size;
//  3. the synchronous part of a snapshot;
//  4. restore time from run files (incremental checkpoint) and from a canonical snapshot.
// Run `npm run build` first. ROWS (default 2,000,000) and KEYS (default 200,000) size part 1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringifyState } from '../dist/common/serde.js';
import { builtinConnectors } from '../dist/connectors/registry.js';
import { executeJob } from '../dist/runtime/index.js';
import { DiskKeyedStateBackend } from '../dist/runtime/state/disk/disk-keyed-state.js';
import { HeapKeyedStateBackend } from '../dist/runtime/state/heap-keyed-state.js';
import { keyedAggregationJob } from './keyed-aggregation-job.mjs';

const rows = Number(process.env.ROWS ?? 2_000_000);
const keys = Number(process.env.KEYS ?? 200_000);
const stateKeys = Number(process.env.STATE_KEYS ?? 1_000_000);
const work = mkdtempSync(join(tmpdir(), 'weir-bench-disk-'));
const quiet = { write: () => true, once: () => undefined };
const connectors = new Map(
  builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
);
const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

// ---- 1. throughput ----
async function throughput(label, config) {
  const started = performance.now();
  const client = executeJob(keyedAggregationJob({ jobName: 'disk-state-backend', rows, keys, config }), {
    connectors,
    log: { info() {}, warn: (m) => console.error(m) },
  });
  const result = await client.result;
  const seconds = (performance.now() - started) / 1000;
  const done = client.coordinator.statistics.filter((s) => s.status === 'COMPLETED');
  const maxSync = Math.max(0, ...done.map((s) => s.syncDurationMs ?? 0));
  console.log(
    `  ${label.padEnd(44)} ${result.status.padEnd(8)} ${Math.round(rows / seconds)
      .toLocaleString('en')
      .padStart(10)} rows/s  ${done.length} checkpoints, longest synchronous part ${maxSync.toFixed(1)} ms`,
  );
}

const checkpointing = (name) => ({
  'execution.checkpointing.interval': '1s',
  'state.checkpoints.dir': join(work, `ck-${name}`),
});
await throughput('warm-up (heap)', {});
console.log(
  `1. GroupAggregate(COUNT, SUM) over ${keys.toLocaleString('en')} keys, ${rows.toLocaleString('en')} rows, checkpoints every 1 s`,
);
await throughput('hashmap', { ...checkpointing('heap'), 'state.backend.type': 'hashmap' });
await throughput('rocksdb, incremental (64 MB write buffer)', {
  ...checkpointing('disk'),
  'state.backend.type': 'rocksdb',
  'execution.checkpointing.incremental': 'true',
  'state.backend.rocksdb.localdir': join(work, 'local'),
});
await throughput('rocksdb, incremental (1 MB write buffer: runs)', {
  ...checkpointing('disk-small'),
  'state.backend.type': 'rocksdb',
  'execution.checkpointing.incremental': 'true',
  'state.backend.rocksdb.writebuffer.size': '1mb',
  'state.backend.rocksdb.localdir': join(work, 'local'),
});

// ---- 2-4. a large state ----
const shared = join(work, 'shared');
let checkpointId = 0;
const disk = new DiskKeyedStateBackend({
  maxParallelism: 128,
  parallelism: 1,
  subtaskIndex: 0,
  directory: join(work, 'big'),
  namePrefix: 'bench',
  resolveTarget: () => ({ kind: 'checkpoint', sharedDirectory: shared }),
});
const value = disk.getValueState('v');
const payload = 'x'.repeat(64);
let t = performance.now();
for (let k = 0; k < stateKeys; k++) {
  disk.setCurrentKey([k]);
  value.update({ count: k, sum: k * 2, last: `${payload}${k}` });
}
await disk.settle();
const loadMs = performance.now() - t;

const snapshot = async () => {
  const s = performance.now();
  const handle = disk.snapshotAsync({ checkpointId: ++checkpointId });
  const syncMs = performance.now() - s;
  const result = await handle.materialize();
  return { syncMs, asyncMs: performance.now() - s, result };
};
const first = await snapshot();
const fullBytes = first.result.files.reduce((n, f) => n + f.sizeBytes, 0);
const changed = Math.ceil(stateKeys / 100);
for (let i = 0; i < changed; i++) {
  disk.setCurrentKey([Math.floor(Math.random() * stateKeys)]);
  value.update({ count: -1, sum: -1, last: payload });
}
const uploadedBefore = new Set(first.result.files.map((f) => f.path));
const second = await snapshot();
const newBytes = second.result.files
  .filter((f) => !uploadedBefore.has(f.path))
  .reduce((n, f) => n + f.sizeBytes, 0);
const secondFull = second.result.files.reduce((n, f) => n + f.sizeBytes, 0);
const canonical = disk.snapshot();
const canonicalBytes = Buffer.byteLength(stringifyState(canonical));

console.log(
  `2. ${stateKeys.toLocaleString('en')} keys (${mb(fullBytes)} of run files, loaded in ${(loadMs / 1000).toFixed(1)} s), then ${changed.toLocaleString('en')} keys changed (1%)`,
);
console.log(
  `  first checkpoint uploads                 ${mb(fullBytes)} (asynchronous part ${second.asyncMs.toFixed(0)} ms for the second)`,
);
console.log(
  `  second checkpoint: full size ${mb(secondFull)}, uploaded ${mb(newBytes)} (${((100 * newBytes) / secondFull).toFixed(2)}% of full)`,
);
console.log(`  canonical (full) snapshot of the same state: ${mb(canonicalBytes)}`);
console.log(
  `3. synchronous part of a snapshot: ${first.syncMs.toFixed(2)} ms (first), ${second.syncMs.toFixed(2)} ms (second)`,
);

t = performance.now();
const fromFiles = new DiskKeyedStateBackend({
  maxParallelism: 128,
  parallelism: 1,
  subtaskIndex: 0,
  directory: join(work, 'restored'),
  namePrefix: 'bench',
});
fromFiles.restore([second.result]);
const restoreFilesMs = performance.now() - t;
fromFiles.setCurrentKey([42]);
if (fromFiles.getValueState('v').value()?.count === undefined) throw new Error('restore lost key 42');
t = performance.now();
const fromCanonical = new DiskKeyedStateBackend({
  maxParallelism: 128,
  parallelism: 1,
  subtaskIndex: 0,
  directory: join(work, 'restored-canonical'),
  namePrefix: 'bench',
});
fromCanonical.restore([canonical]);
const restoreCanonicalDiskMs = performance.now() - t;
t = performance.now();
const heap = new HeapKeyedStateBackend(128, 1, 0);
heap.restore([canonical]);
const restoreCanonicalHeapMs = performance.now() - t;
console.log('4. restore');
console.log(`  disk backend from run files (incremental checkpoint): ${restoreFilesMs.toFixed(1)} ms`);
console.log(
  `  disk backend from the canonical snapshot:             ${restoreCanonicalDiskMs.toFixed(0)} ms`,
);
console.log(
  `  heap backend from the canonical snapshot:             ${restoreCanonicalHeapMs.toFixed(0)} ms`,
);

for (const b of [disk, fromFiles, fromCanonical]) b.dispose();
rmSync(work, { recursive: true, force: true });
