#!/usr/bin/env node
// Throughput of the 'nexmark' source alone, on this machine. Run `npm run build` first.
//
//   reader: the source reader polled in a loop into an output that drops each batch (the
//           generator's own cost: random draws, strings, row arrays)
//   job:    the same source in a job, source -> blackhole sink, through the runtime (task loop,
//           chaining, checkpoints off), as the Nexmark q0 pipeline minus its projection
//
// EVENTS (default 5,000,000) events per measurement, the benchmark's options otherwise
// ('first-event.rate' = 10M, default proportions and sizes). Prints events/s; never fails on speed.
import { Types } from '../../dist/common/types.js';
import { NEXMARK_ROW_TYPE, nexmarkSourceFactory } from '../../dist/connectors/nexmark/index.js';
import { builtinConnectors } from '../../dist/connectors/registry.js';
import { executeJob } from '../../dist/runtime/index.js';

const events = Number(process.env.EVENTS ?? 5_000_000);
const options = {
  connector: 'nexmark',
  'first-event.rate': '10000000',
  'next-event.rate': '10000000',
  'events.num': String(events),
  'person.proportion': '1',
  'auction.proportion': '3',
  'bid.proportion': '46',
};
const spec = { table: 'datagen', connector: 'nexmark', options, schema: NEXMARK_ROW_TYPE };
const log = { info: () => {}, warn: () => {} };

async function readerOnly() {
  const reader = nexmarkSourceFactory.createReader(spec);
  reader.initializeState(undefined);
  reader.open({
    jobId: 'bench',
    jobName: 'bench',
    operatorId: 'source',
    operatorName: 'source',
    subtaskIndex: 0,
    parallelism: 1,
    maxParallelism: 128,
    attemptNumber: 0,
    config: undefined,
    log,
    processingTimeService: { now: () => Date.now(), registerTimer: () => () => {} },
  });
  let rows = 0;
  let checksum = 0;
  const blackhole = {
    emit(batch) {
      rows += batch.rows.length;
      // Touch the batch so the generator's work cannot be optimised away.
      checksum = (checksum + batch.rows[batch.rows.length - 1][0]) | 0;
    },
    emitWatermark() {},
  };
  const clock = start();
  while ((await reader.poll(blackhole)).status !== 'end') {}
  const times = clock();
  if (rows !== events) throw new Error(`expected ${events} rows, got ${rows} (${checksum})`);
  return times;
}

async function inJob() {
  const quiet = { write: () => true, once: () => undefined };
  const connectors = new Map(
    builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => [c.runtime.identifier, c.runtime]),
  );
  const sinkSchema = {
    fields: [{ name: 'event_type', type: Types.INT() }, ...NEXMARK_ROW_TYPE.fields.slice(1)],
  };
  const graph = {
    version: 1,
    jobName: 'nexmark-generate',
    config: { 'parallelism.default': '1' },
    vertices: [
      { id: 'a'.repeat(32), name: 'source', operator: { kind: 'source', connector: spec } },
      {
        id: 'b'.repeat(32),
        name: 'sink',
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: 'blackhole', options: {}, schema: sinkSchema },
        },
      },
    ],
    edges: [{ source: 'a'.repeat(32), target: 'b'.repeat(32), partitioner: 'forward' }],
  };
  const clock = start();
  const result = await executeJob(graph, { connectors, log }).result;
  const times = clock();
  if (result.status !== 'FINISHED') throw new Error(`job ended ${result.status}`);
  return times;
}

/** Wall-clock and CPU seconds (the machine may be shared: CPU time is the steadier figure). */
function start() {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wall: Number(process.hrtime.bigint() - wall) / 1e9, cpu: (used.user + used.system) / 1e6 };
  };
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(`nexmark source, ${fmt(events)} events, 1 subtask, node ${process.version}`);
for (const [name, run] of [
  ['reader', readerOnly],
  ['job', inJob],
]) {
  const { wall, cpu } = await run();
  console.log(
    `${name.padEnd(7)} ${fmt(events / wall).padStart(11)} events/s wall (${wall.toFixed(2)} s)` +
      ` ${fmt(events / cpu).padStart(11)} events/CPU-s (${cpu.toFixed(2)} s)`,
  );
}
