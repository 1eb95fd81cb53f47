#!/usr/bin/env node
// Savepoint and restore times for about 1 GB of keyed state (issue #9), on the heap ('hashmap') and
// on the disk backend ('rocksdb'): a running job builds KEYS groups (default 1,000,000) whose state
// holds a PAYLOAD-character string each (default 1,000), so ~1 GB; then a canonical savepoint, a
// native one, and a restore from each into a new job of the same backend, until the restored
// aggregate processes its first record. Prints sizes, times and the peak RSS of each phase. The
// job keeps reading RATE rows per second (default 100,000) on the same thread meanwhile.
//
//   npm run build && node bench/savepoint-restore.mjs            (both backends, one process each)
//   KEYS=100000 node bench/savepoint-restore.mjs hashmap          (one backend, smaller)
//
// Each backend runs in a process of its own (node --max-old-space-size=16384) so its RSS is its own.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const backends = ['hashmap', 'rocksdb'];
const which = process.argv[2];

if (which === undefined) {
  for (const backend of backends) {
    const run = spawnSync(
      process.execPath,
      ['--max-old-space-size=16384', fileURLToPath(import.meta.url), backend],
      { stdio: 'inherit', env: process.env },
    );
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
  process.exit(0);
}
if (!backends.includes(which)) {
  console.error(`usage: node bench/savepoint-restore.mjs [${backends.join('|')}]`);
  process.exit(2);
}

const { builtinConnectors } = await import('../dist/connectors/registry.js');
const { SqlSession } = await import('../dist/planner/session.js');
const { executeJob, loadCheckpointMetadata } = await import('../dist/runtime/index.js');

const keys = Number(process.env.KEYS ?? 1_000_000);
const payload = Number(process.env.PAYLOAD ?? 1_000);
const parallelism = Number(process.env.PARALLELISM ?? 2);
// The job keeps running while its savepoints are taken, at this many rows per second.
const rate = Number(process.env.RATE ?? 100_000);
const work = mkdtempSync(join(tmpdir(), 'weir-bench-savepoint-'));
const quiet = { write: () => true, once: () => quiet };
const builtins = builtinConnectors({ stdout: quiet, stderr: quiet });
const connectors = new Map(builtins.map((c) => [c.runtime.identifier, c.runtime]));
const log = { info() {}, warn: (m) => console.error(`  warn: ${m}`) };

const mb = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** Peak RSS while `fn` runs, sampled every 20 ms. */
async function measured(fn) {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - started, peak: Math.max(peak, process.memoryUsage.rss()) };
  } finally {
    clearInterval(timer);
  }
}

function sizeOf(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

// k = id % KEYS: after KEYS rows every group exists, and the state stays that size while the
// job keeps updating it; MAX(payload) keeps one PAYLOAD-character string per group.
function plan() {
  const session = new SqlSession({ connectors: builtins.map((c) => c.descriptor) });
  const results = session.executeScript(`
    SET 'parallelism.default' = '${parallelism}';
    SET 'state.backend.type' = '${which}';
    SET 'taskmanager.worker-threads' = '0';
    SET 'execution.checkpointing.dir' = 'file://${join(work, 'ck')}';
    SET 'state.backend.rocksdb.localdir' = '${join(work, 'local')}';
    CREATE TABLE events (id BIGINT, payload VARCHAR(${payload})) WITH ('connector' = 'datagen',
      'rows-per-second' = '${rate}', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
      'fields.id.end' = '1000000000000', 'fields.payload.length' = '${payload}');
    CREATE TABLE out (k BIGINT, p STRING) WITH ('connector' = 'blackhole');
    INSERT INTO out SELECT id % ${keys}, MAX(payload) FROM events GROUP BY id % ${keys};`);
  return results.at(-1).jobGraph;
}

const graph = plan();
const aggregate = graph.vertices.find((v) => v.operator.kind === 'group-aggregate').id;
const recordsIn = (client) =>
  client.metrics.subtasks().reduce((n, v) => n + (v.metrics.operators[aggregate]?.numRecordsIn ?? 0), 0);
const waitUntil = async (condition) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

console.log(
  `${which}: ${keys.toLocaleString('en')} groups × ${payload}-character strings, parallelism ${parallelism}`,
);
const build = await measured(async () => {
  const client = executeJob(graph, { connectors, log });
  // Twice over, so every group exists whatever the order the subtasks read in.
  await waitUntil(() => recordsIn(client) >= 2 * keys);
  return client;
});
const client = build.value;
console.log(`  build state   ${seconds(build.ms).padStart(8)}   peak RSS ${mb(build.peak)}`);

const savepoints = {};
for (const format of ['canonical', 'native']) {
  const taken = await measured(() => client.triggerSavepoint(join(work, 'sp'), format));
  savepoints[format] = taken.value;
  console.log(
    `  savepoint ${format.padEnd(9)} ${seconds(taken.ms).padStart(8)}   ${mb(sizeOf(taken.value)).padStart(8)} on disk   peak RSS ${mb(taken.peak)}`,
  );
}
await client.cancel();
global.gc?.();

for (const format of ['canonical', 'native']) {
  let loadMs = 0;
  const restored = await measured(async () => {
    const started = performance.now();
    const restoreFrom = await loadCheckpointMetadata(savepoints[format]);
    loadMs = performance.now() - started;
    const resumed = executeJob(graph, { connectors, log, restoreFrom });
    await waitUntil(() => recordsIn(resumed) > 0);
    return resumed;
  });
  console.log(
    `  restore ${format.padEnd(11)} ${seconds(restored.ms).padStart(8)}   (reading _metadata ${seconds(loadMs)})   peak RSS ${mb(restored.peak)}`,
  );
  await restored.value.cancel();
  global.gc?.();
}
if (process.env.KEEP) console.log(savepoints);
else rmSync(work, { recursive: true, force: true });
