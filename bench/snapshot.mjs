#!/usr/bin/env node
// Snapshot cost of the heap keyed state backend at a given state size (STATE_MB, default 1024):
// the synchronous part of a copy-on-write snapshot (what holds up record processing) against a
// full synchronous copy, and the time to write the snapshot out. Run `npm run build` first, with
// a large heap: node --max-old-space-size=8192 bench/snapshot.mjs
import { HeapKeyedStateBackend } from '../dist/runtime/state/heap-keyed-state.js';

const targetMb = Number(process.env.STATE_MB ?? 1024);
const backend = new HeapKeyedStateBackend(128, 1, 0);
const value = backend.getValueState('v');
const payload = 'x'.repeat(64);
const heapBefore = process.memoryUsage().heapUsed;
let keys = 0;
while ((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20 < targetMb) {
  for (let i = 0; i < 100_000; i++, keys++) {
    backend.setCurrentKey([keys]);
    value.update({ count: keys, sum: keys * 2, last: `${payload}${keys}` });
  }
}
const stateMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
global.gc?.();

let t = performance.now();
const handle = backend.snapshotAsync();
const syncMs = performance.now() - t;
// Keep writing while the snapshot is written out, as a running job would.
let writes = 0;
let done = false;
t = performance.now();
const materialized = handle.materialize().then((s) => {
  done = true;
  return s;
});
while (!done) {
  for (let i = 0; i < 1000; i++, writes++) {
    backend.setCurrentKey([Math.floor(Math.random() * keys)]);
    value.update({ count: -1, sum: -1, last: payload });
  }
  await new Promise((resolve) => setImmediate(resolve));
}
await materialized;
const asyncMs = performance.now() - t;

t = performance.now();
backend.snapshot();
const fullSyncMs = performance.now() - t;

console.log(`heap keyed state: ${keys.toLocaleString('en')} keys, ~${stateMb.toFixed(0)} MB of heap`);
console.log(`  copy-on-write snapshot, synchronous part: ${syncMs.toFixed(3)} ms`);
console.log(
  `  written out asynchronously in ${asyncMs.toFixed(0)} ms while ${writes.toLocaleString('en')} updates ran`,
);
console.log(`  a full synchronous copy instead: ${fullSyncMs.toFixed(0)} ms`);
