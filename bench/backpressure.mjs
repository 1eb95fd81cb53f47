#!/usr/bin/env node
import { Types } from '../dist/common/types.js';
import { builtinConnectors } from '../dist/connectors/registry.js';
// Backpressure: a source that could produce ~10x faster than its sink consumes. With credit-based
// flow control the source is slowed to the sink's pace and memory stays flat. Prints the rates and
// peak RSS over the run. Run `npm run build` first. SECONDS=20 by default.
import { executeJob } from '../dist/runtime/index.js';

const seconds = Number(process.env.SECONDS ?? 20);
const quiet = { write: () => true, once: () => undefined };
const schema = {
  fields: [
    { name: 'id', type: Types.BIGINT() },
    { name: 'payload', type: Types.STRING() },
  ],
};
let sunk = 0;
let sinkDelayMs = 0;

/** Holds every batch for a while: a sink slower than its source. */
const slowSink = {
  identifier: 'slow',
  sink: {
    createWriter: () => ({
      open() {},
      processBatch(batch) {
        sunk += batch.rows.length;
        if (sinkDelayMs > 0) return new Promise((resolve) => setTimeout(resolve, sinkDelayMs));
      },
    }),
  },
};
const connectors = new Map([
  ...builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
  ['slow', slowSink],
]);

function job(sink) {
  return {
    version: 1,
    jobName: 'backpressure',
    config: { 'execution.checkpointing.interval': '1s', 'execution.checkpointing.storage': 'jobmanager' },
    vertices: [
      {
        id: 'a'.repeat(32),
        name: 'source',
        operator: {
          kind: 'source',
          connector: {
            table: 'events',
            connector: 'datagen',
            options: { 'rows-per-second': '1000000000', 'fields.payload.length': '100' },
            schema,
          },
        },
      },
      {
        id: 'b'.repeat(32),
        name: 'sink',
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: sink, options: {}, schema },
        },
      },
    ],
    edges: [{ source: 'a'.repeat(32), target: 'b'.repeat(32), partitioner: 'rebalance' }],
  };
}

async function run(sink, durationMs) {
  sunk = 0;
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const client = executeJob(job(sink), { connectors, log: { info() {}, warn: console.error } });
  const started = Date.now();
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  await client.cancel();
  clearInterval(sampler);
  return { rate: sunk / ((Date.now() - started) / 1000), peakMb: peak / 2 ** 20 };
}

// 1. How fast is the source into a sink that keeps up (no delay)?
const free = await run('slow', 3000);
// 2. A sink at a tenth of that pace: one 1024-row batch per (1024 / (rate / 10)) seconds.
sinkDelayMs = Math.max(1, Math.round((1024 / (free.rate / 10)) * 1000));
const slow = await run('slow', seconds * 1000);
console.log(
  `source into a sink that keeps up: ${Math.round(free.rate).toLocaleString('en')} rows/s, peak RSS ${free.peakMb.toFixed(0)} MB`,
);
console.log(
  `source into a sink 10x slower (${sinkDelayMs} ms per 1024-row batch) for ${seconds} s: ${Math.round(slow.rate).toLocaleString('en')} rows/s (${(free.rate / slow.rate).toFixed(1)}x slower), peak RSS ${slow.peakMb.toFixed(0)} MB`,
);
