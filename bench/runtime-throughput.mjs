#!/usr/bin/env node
// Runtime throughput with checkpoints: the keyed aggregation of keyed-aggregation-job.mjs
// (datagen -> hash(k) -> GroupAggregate COUNT/SUM over KEYS keys in keyed state -> blackhole) at
// full speed, bounded to ROWS rows, with checkpoints off, and every second aligned (EXACTLY_ONCE),
// unaligned, and AT_LEAST_ONCE, with the hashmap backend and filesystem checkpoint storage.
//
// Every run is a fresh process (runtime-throughput-run.mjs): runs sharing one process inherited
// each other's JIT and garbage-collector state, which made rates bimodal in every mode. ROUNDS
// rounds (default 5) run the modes interleaved, so load that changes over time hits every mode
// alike. Prints per mode the median wall rows/s with its spread (min–max), the median rows per
// CPU-second of the process (worker threads included; less disturbed by other processes), the
// ratio of each median to the one without checkpoints (the goal: >= 0.9), and the
// checkpoints per run with their mean synchronous and asynchronous parts.
//
// Knobs (environment): ROWS (default 3,000,000), KEYS (100,000), ROUNDS (5), PARALLELISM (1).
// Run `npm run build` first; `nice -n 5 node bench/runtime-throughput.mjs`.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const rows = Number(process.env.ROWS ?? 3_000_000);
const keys = Number(process.env.KEYS ?? 100_000);
const rounds = Number(process.env.ROUNDS ?? 5);
const parallelism = Number(process.env.PARALLELISM ?? 1);
const runner = fileURLToPath(new URL('./runtime-throughput-run.mjs', import.meta.url));

const every = (extra) => ({ 'execution.checkpointing.interval': '1s', ...extra });
const modes = [
  { label: 'no checkpoints', config: {} },
  { label: 'aligned, every 1 s', config: every({}) },
  { label: 'unaligned, every 1 s', config: every({ 'execution.checkpointing.unaligned.enabled': 'true' }) },
  { label: 'at-least-once, every 1 s', config: every({ 'execution.checkpointing.mode': 'AT_LEAST_ONCE' }) },
];

function measure(config) {
  const output = execFileSync(
    process.execPath,
    [runner, JSON.stringify({ rows, keys, parallelism, config })],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(output.trim().split('\n').pop());
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x) => Math.round(x).toLocaleString('en');

const loadBefore = loadavg();
const results = modes.map(() => []);
for (let round = 0; round < rounds; round++) {
  for (let m = 0; m < modes.length; m++) results[m].push(measure(modes[m].config));
}
const wall = (r) => r.rows / r.seconds;
const perCpu = (r) => r.rows / r.cpuSeconds;
const baseWall = median(results[0].map(wall));
const baseCpu = median(results[0].map(perCpu));
console.log(
  `keyed aggregation (COUNT, SUM by k; ${keys.toLocaleString('en')} keys, hashmap state), ${rows.toLocaleString('en')} rows, parallelism ${parallelism}, ${rounds} rounds, one process per run`,
);
for (let m = 0; m < modes.length; m++) {
  const runs = results[m];
  const rates = runs.map(wall);
  const cpuRates = runs.map(perCpu);
  const withCheckpoints = runs.filter((r) => r.checkpoints > 0);
  const size = Math.max(...runs.map((r) => r.maxSizeBytes));
  const checkpoints =
    withCheckpoints.length === 0
      ? ''
      : `  checkpoints/run ${runs.map((r) => r.checkpoints).join(',')}  mean sync ${mean(withCheckpoints.map((r) => r.meanSyncMs)).toFixed(1)} ms  async ${mean(withCheckpoints.map((r) => r.meanAsyncMs)).toFixed(0)} ms  largest ${(size / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `  ${modes[m].label.padEnd(26)} wall ${fmt(median(rates)).padStart(10)} rows/s (${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}) ratio ${(median(rates) / baseWall).toFixed(2)}` +
      `  CPU ${fmt(median(cpuRates)).padStart(10)} rows/CPU-s (${fmt(Math.min(...cpuRates))}–${fmt(Math.max(...cpuRates))}) ratio ${(median(cpuRates) / baseCpu).toFixed(2)}${checkpoints}`,
  );
}
const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(' ');
console.log(`  load average ${fmtLoad(loadBefore)} before, ${fmtLoad(loadavg())} after`);
