#!/usr/bin/env node
import { builtinConnectors } from '../dist/connectors/registry.js';
// GroupAggregate throughput: datagen -> hash exchange by key -> GroupAggregate (COUNT(*), SUM(id))
// -> blackhole, bounded to ROWS rows over KEYS keys, checkpoints off and aligned every second.
// Every input row updates its group and emits -U/+U, so the blackhole receives ~2 rows per input row.
// Run `npm run build` first. Prints input records per second of wall time and per second of CPU
// time (user + system, GC threads included), which a busy machine distorts less.
import { executeJob } from '../dist/runtime/index.js';
import { keyedAggregationJob } from './keyed-aggregation-job.mjs';

const rows = Number(process.env.ROWS ?? 5_000_000);
const keys = Number(process.env.KEYS ?? 10_000);
const parallelism = Number(process.env.PARALLELISM ?? 1);
const quiet = { write: () => true, once: () => undefined };
const connectors = new Map(
  builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
);
async function measure(label, config) {
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const client = executeJob(
    keyedAggregationJob({
      jobName: 'group-aggregate-throughput',
      rows,
      keys,
      config: { 'parallelism.default': String(parallelism), ...config },
    }),
    { connectors, log: { info() {}, warn: (m) => console.error(m) } },
  );
  const result = await client.result;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const completed = client.coordinator.statistics.filter((s) => s.status === 'COMPLETED').length;
  return {
    label,
    status: result.status,
    seconds,
    perSecond: rows / seconds,
    perCpuSecond: rows / cpuSeconds,
    checkpoints: completed,
  };
}

// The first run warms the JIT up; it is not reported.
await measure('warm-up', {});
const runs = [
  await measure('no checkpoints', {}),
  await measure('aligned, every 1 s', {
    'execution.checkpointing.interval': '1s',
    'execution.checkpointing.storage': 'jobmanager',
  }),
];
console.log(
  `datagen -> hash(k) -> GroupAggregate(COUNT(*), SUM(id)) -> blackhole, ${rows} rows, ${keys} keys, parallelism ${parallelism}`,
);
for (const r of runs) {
  console.log(
    `  ${r.label.padEnd(22)} ${r.status.padEnd(9)} ${Math.round(r.perSecond).toLocaleString('en').padStart(12)} rows/s  ${Math.round(r.perCpuSecond).toLocaleString('en').padStart(12)} rows/CPU-s  ${r.seconds.toFixed(2)} s  ${r.checkpoints} checkpoints`,
  );
}
