#!/usr/bin/env node
// One run of the keyed aggregation (keyed-aggregation-job.mjs) in this process, for
// runtime-throughput.mjs, which starts a fresh process per run so that no run inherits another's
// JIT and heap state. Prints one JSON line: wall and CPU seconds of the job (the whole process,
// worker threads included) and the completed checkpoints with their sync/async durations.
//
//   node bench/runtime-throughput-run.mjs '{"rows":3000000,"keys":100000,"parallelism":1,"config":{…}}'
//
// Run it by hand under `node --cpu-prof` to profile one mode.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinConnectors } from '../dist/connectors/registry.js';
import { executeJob } from '../dist/runtime/index.js';
import { keyedAggregationJob } from './keyed-aggregation-job.mjs';

const { rows, keys, parallelism = 1, config = {} } = JSON.parse(process.argv[2]);
const quiet = { write: () => true, once: () => undefined };
const connectors = new Map(
  builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
);
const checkpointDir = mkdtempSync(join(tmpdir(), 'weir-bench-throughput-'));
const checkpointing =
  config['execution.checkpointing.interval'] === undefined
    ? {}
    : {
        'execution.checkpointing.storage': 'filesystem',
        'execution.checkpointing.dir': `file://${checkpointDir}`,
      };
try {
  const job = keyedAggregationJob({
    jobName: 'throughput',
    rows,
    keys,
    config: {
      'parallelism.default': String(parallelism),
      'state.backend.type': 'hashmap',
      ...checkpointing,
      ...config,
    },
  });
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const client = executeJob(job, { connectors, log: { info() {}, warn: (m) => console.error(m) } });
  const result = await client.result;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  if (result.status !== 'FINISHED') throw new Error(`job ended ${result.status}`);
  const completed = client.coordinator.statistics.filter((s) => s.status === 'COMPLETED' && !s.isSavepoint);
  const mean = (xs) => (xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  console.log(
    JSON.stringify({
      rows,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      checkpoints: completed.length,
      meanSyncMs: mean(completed.map((s) => s.syncDurationMs ?? 0)),
      meanAsyncMs: mean(completed.map((s) => s.asyncDurationMs ?? 0)),
      meanDurationMs: mean(completed.map((s) => s.durationMs ?? 0)),
      maxSizeBytes: Math.max(0, ...completed.map((s) => s.sizeBytes ?? 0)),
    }),
  );
} finally {
  rmSync(checkpointDir, { recursive: true, force: true });
}
