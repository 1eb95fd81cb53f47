#!/usr/bin/env node
// Worker threads: the keyed aggregation datagen -> hash(k) -> GroupAggregate(COUNT(*), SUM(id)) ->
// blackhole, bounded to ROWS rows over KEYS keys, no checkpoints, run
//   - at parallelism 1 (on the main thread),
//   - at parallelism 2 with every subtask on the main thread ('taskmanager.worker-threads' = 0),
//   - at parallelism 2 on two worker threads,
// and the start-up cost of worker threads: a 10-row job at parallelism 2 in-thread and on workers.
// Run `npm run build` first. Prints input rows per second of wall time and per CPU-second (every
// thread of the process) and the speed-up over parallelism 1. Never fails on speed.
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { builtinConnectors } from '../dist/connectors/registry.js';
import { BUILTIN_WORKER_CONNECTORS } from '../dist/connectors/worker-registry.js';
import { executeJob, workerThreadUtilization } from '../dist/runtime/index.js';
import { keyedAggregationJob } from './keyed-aggregation-job.mjs';

const rows = Number(process.env.ROWS ?? 4_000_000);
const keys = Number(process.env.KEYS ?? 10_000);
const quiet = { write: () => true, once: () => undefined };
const connectors = new Map(
  builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
);
async function measure(label, count, config) {
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const mainLoopStart = performance.eventLoopUtilization();
  const client = executeJob(keyedAggregationJob({ jobName: 'worker-threads', rows: count, keys, config }), {
    connectors,
    workerConnectors: BUILTIN_WORKER_CONNECTORS,
    log: { info() {}, warn: (m) => console.error(m) },
  });
  const result = await client.result;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const inThread = config['taskmanager.worker-threads'] === '0' || config['parallelism.default'] === '1';
  return {
    // How busy each event loop was: a worker waiting on its peer for data or credit shows idle time.
    busy: [
      performance.eventLoopUtilization(mainLoopStart).utilization,
      ...(inThread ? [] : workerThreadUtilization().map((w) => w.utilization)),
    ],
    cpuSecondsPerM: cpuSeconds / (count / 1e6),
    label,
    status: result.status,
    seconds,
    perSecond: count / seconds,
    perCpuSecond: count / cpuSeconds,
  };
}

const p1 = { 'parallelism.default': '1' };
const p2InThread = { 'parallelism.default': '2', 'taskmanager.worker-threads': '0' };
const p2Workers = { 'parallelism.default': '2', 'taskmanager.worker-threads': '2' };

// The first runs warm the JIT (and the worker module cache) up; they are not reported.
await measure('warm-up', rows / 4, p1);
await measure('warm-up', rows / 4, p2Workers);
const runs = [
  await measure('p1, main thread', rows, p1),
  await measure('p2, main thread', rows, p2InThread),
  await measure('p2, 2 worker threads', rows, p2Workers),
];
const startup = [];
for (const [label, config] of [
  ['p2, main thread', p2InThread],
  ['p2, 2 worker threads', p2Workers],
]) {
  const times = [];
  for (let i = 0; i < 5; i++) times.push((await measure(label, 10, config)).seconds * 1000);
  startup.push({ label, ms: times.sort((a, b) => a - b)[2] });
}
console.log(
  `datagen -> hash(k) -> GroupAggregate(COUNT(*), SUM(id)) -> blackhole, ${rows.toLocaleString('en')} rows, ${keys} keys, ${availableParallelism()} cores`,
);
for (const r of runs) {
  console.log(
    `  ${r.label.padEnd(22)} ${r.status.padEnd(9)} ${Math.round(r.perSecond).toLocaleString('en').padStart(12)} rows/s  ${Math.round(r.perCpuSecond).toLocaleString('en').padStart(12)} rows/CPU-s  ${r.cpuSecondsPerM.toFixed(2)} CPU-s/M  ${r.seconds.toFixed(2)} s  speed-up ${(r.perSecond / runs[0].perSecond).toFixed(2)}  bound 2·C1/C2 ${((2 * runs[0].cpuSecondsPerM) / r.cpuSecondsPerM).toFixed(2)}  busy main/workers ${r.busy.map((u) => `${Math.round(u * 100)}%`).join(' ')}`,
  );
}
console.log('A 10-row job from submit to FINISHED (median of 5):');
for (const s of startup) console.log(`  ${s.label.padEnd(22)} ${s.ms.toFixed(0).padStart(6)} ms`);
