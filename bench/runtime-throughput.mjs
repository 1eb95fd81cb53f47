#!/usr/bin/env node
import { Types } from '../dist/common/types.js';
import { builtinConnectors } from '../dist/connectors/registry.js';
// Runtime throughput on this machine: datagen -> hash exchange by key -> blackhole, bounded to
// N rows, with checkpoints off, aligned (EXACTLY_ONCE), and AT_LEAST_ONCE every second.
// Run `npm run build` first. Prints records/s and the ratio to the run without checkpoints.
import { executeJob } from '../dist/runtime/index.js';

const rows = Number(process.env.ROWS ?? 3_000_000);
const parallelism = Number(process.env.PARALLELISM ?? 1);
const quiet = { write: () => true, once: () => undefined };
const connectors = new Map(
  builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
);
const schema = {
  fields: [
    { name: 'id', type: Types.BIGINT() },
    { name: 'k', type: Types.INT() },
  ],
};

function job(config) {
  return {
    version: 1,
    jobName: 'throughput',
    config: { 'parallelism.default': String(parallelism), ...config },
    vertices: [
      {
        id: 'a'.repeat(32),
        name: 'source',
        operator: {
          kind: 'source',
          connector: {
            table: 'events',
            connector: 'datagen',
            options: {
              'rows-per-second': '1000000000',
              'fields.id.kind': 'sequence',
              'fields.id.start': '1',
              'fields.id.end': String(rows),
              'fields.k.min': '1',
              'fields.k.max': '10000',
            },
            schema,
          },
        },
      },
      {
        id: 'b'.repeat(32),
        name: 'sink',
        keyed: { fields: [1] },
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: 'blackhole', options: {}, schema },
        },
      },
    ],
    edges: [{ source: 'a'.repeat(32), target: 'b'.repeat(32), partitioner: 'hash', keys: [1] }],
  };
}

async function measure(label, config) {
  const started = process.hrtime.bigint();
  const client = executeJob(job(config), { connectors, log: { info() {}, warn: (m) => console.error(m) } });
  const result = await client.result;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const completed = client.coordinator.statistics.filter((s) => s.status === 'COMPLETED').length;
  return { label, status: result.status, seconds, perSecond: rows / seconds, checkpoints: completed };
}

// The first run warms the JIT up; it is not reported.
await measure('warm-up', {});
const runs = [
  await measure('no checkpoints', {}),
  await measure('aligned, every 1 s', {
    'execution.checkpointing.interval': '1s',
    'execution.checkpointing.storage': 'jobmanager',
  }),
  await measure('unaligned, every 1 s', {
    'execution.checkpointing.interval': '1s',
    'execution.checkpointing.unaligned.enabled': 'true',
    'execution.checkpointing.storage': 'jobmanager',
  }),
  await measure('at-least-once, every 1 s', {
    'execution.checkpointing.interval': '1s',
    'execution.checkpointing.mode': 'AT_LEAST_ONCE',
    'execution.checkpointing.storage': 'jobmanager',
  }),
];
console.log(`datagen -> hash(k) -> blackhole, ${rows} rows, parallelism ${parallelism}, one Node.js thread`);
for (const r of runs) {
  console.log(
    `  ${r.label.padEnd(26)} ${Math.round(r.perSecond).toLocaleString('en').padStart(12)} rows/s  ${r.seconds.toFixed(2)} s  ${r.checkpoints} checkpoints  ratio ${(r.perSecond / runs[0].perSecond).toFixed(2)}`,
  );
}
