#!/usr/bin/env node
// Runtime throughput with checkpoints: the keyed aggregation of keyed-aggregation-job.mjs
// (datagen -> hash(k) -> GroupAggregate COUNT/SUM over KEYS keys in keyed state -> blackhole) at
// full speed, bounded to ROWS rows, with checkpoints off, and every second aligned (EXACTLY_ONCE),
// unaligned, and AT_LEAST_ONCE, with the hashmap backend and filesystem checkpoint storage.
// ROUNDS rounds (default 3) run the modes interleaved, so load that changes over time hits every
// mode alike; prints per mode the median rows/s and the spread (min–max), and the ratio of the
// medians to the run without checkpoints (the issue's goal: >= 0.9).
// Run `npm run build` first; `nice -n 10 node bench/runtime-throughput.mjs`.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinConnectors } from '../dist/connectors/registry.js';
import { executeJob } from '../dist/runtime/index.js';
import { keyedAggregationJob } from './keyed-aggregation-job.mjs';

const rows = Number(process.env.ROWS ?? 3_000_000);
const keys = Number(process.env.KEYS ?? 100_000);
const rounds = Number(process.env.ROUNDS ?? 3);
const parallelism = Number(process.env.PARALLELISM ?? 1);
const quiet = { write: () => true, once: () => undefined };
const connectors = new Map(
  builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
);
const checkpointDir = mkdtempSync(join(tmpdir(), 'weir-bench-throughput-'));

const every = (extra) => ({
  'execution.checkpointing.interval': '1s',
  'execution.checkpointing.storage': 'filesystem',
  'execution.checkpointing.dir': `file://${checkpointDir}`,
  ...extra,
});
const modes = [
  { label: 'no checkpoints', config: {} },
  { label: 'aligned, every 1 s', config: every({}) },
  { label: 'unaligned, every 1 s', config: every({ 'execution.checkpointing.unaligned.enabled': 'true' }) },
  { label: 'at-least-once, every 1 s', config: every({ 'execution.checkpointing.mode': 'AT_LEAST_ONCE' }) },
];

async function measure(config) {
  const job = keyedAggregationJob({
    jobName: 'throughput',
    rows,
    keys,
    config: { 'parallelism.default': String(parallelism), 'state.backend.type': 'hashmap', ...config },
  });
  const started = process.hrtime.bigint();
  const client = executeJob(job, { connectors, log: { info() {}, warn: (m) => console.error(m) } });
  const result = await client.result;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 'FINISHED') throw new Error(`job ended ${result.status}`);
  const stats = client.coordinator.statistics.filter((s) => s.status === 'COMPLETED' && !s.isSavepoint);
  const maxSize = Math.max(0, ...stats.map((s) => s.sizeBytes ?? 0));
  return { perSecond: rows / seconds, checkpoints: stats.length, maxSize };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

try {
  await measure({}); // warms the JIT up; not reported
  const results = modes.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let m = 0; m < modes.length; m++) results[m].push(await measure(modes[m].config));
  }
  const base = median(results[0].map((r) => r.perSecond));
  console.log(
    `keyed aggregation (COUNT, SUM by k; ${keys.toLocaleString('en')} keys, hashmap state), ${rows.toLocaleString('en')} rows, parallelism ${parallelism}, ${rounds} rounds`,
  );
  for (let m = 0; m < modes.length; m++) {
    const rates = results[m].map((r) => r.perSecond);
    const cps = results[m].map((r) => r.checkpoints);
    const size = Math.max(...results[m].map((r) => r.maxSize));
    const fmt = (x) => Math.round(x).toLocaleString('en');
    console.log(
      `  ${modes[m].label.padEnd(26)} median ${fmt(median(rates)).padStart(10)} rows/s  spread ${fmt(Math.min(...rates))}–${fmt(Math.max(...rates))}  checkpoints/run ${cps.join(',')}${size ? `  largest ${(size / 2 ** 20).toFixed(1)} MB` : ''}  ratio ${(median(rates) / base).toFixed(2)}`,
    );
  }
  console.log(
    `  load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  rmSync(checkpointDir, { recursive: true, force: true });
}
