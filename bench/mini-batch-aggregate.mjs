#!/usr/bin/env node
// Group aggregation over skewed keys with and without mini-batch, planned from SQL:
//   datagen (ROWS rows) -> 80 % of rows on one hot key, the rest over KEYS keys
//   -> GROUP BY key: COUNT(*), SUM(id) -> a sink that counts the changes it receives.
// Runs the plain GroupAggregate, the mini-batch one ('table.exec.mini-batch.*', ONE_PHASE) and
// the two-phase one (LocalGroupAggregate -> hash -> GlobalGroupAggregate), checkpoints off.
// Prints input rows per second of wall time and of CPU time, and the rows the aggregate emitted
// (its changelog volume). Mini-batch reads and writes a group's state once per key and batch
// instead of once per row, and emits at most one -U/+U pair per key and batch, so the hot key's
// 80 % of the rows cost a few hundred state accesses and changes instead of one each.
// Run `npm run build` first. Options: ROWS, KEYS, PARALLELISM, LATENCY, SIZE.
import { createSession } from '../dist/api/session.js';
import { executeJob } from '../dist/runtime/index.js';

const rows = Number(process.env.ROWS ?? 2_000_000);
const keys = Number(process.env.KEYS ?? 10_000);
const parallelism = Number(process.env.PARALLELISM ?? 1);
const latency = process.env.LATENCY ?? '1 s';
const size = process.env.SIZE ?? '5000';
const quiet = { write: () => true, once: () => undefined };

const SQL = `
CREATE TABLE events (id BIGINT, k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000000000',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}',
  'fields.k.min' = '1', 'fields.k.max' = '${keys}');
CREATE TABLE out (k INT, cnt BIGINT, total BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT key, COUNT(*), SUM(id)
FROM (SELECT CASE WHEN MOD(id, 10) < 8 THEN 0 ELSE k END AS key, id FROM events) GROUP BY key;`;

/** Counts what reaches the sink: the aggregate's changelog. */
class CountingSink {
  constructor(counter) {
    this.counter = counter;
  }
  open() {}
  processBatch(batch) {
    this.counter.rows += batch.rows.length;
  }
}

async function measure(label, options) {
  const { session, runtimeConnectors } = createSession(
    [['parallelism.default', String(parallelism)], ...options],
    { stdout: quiet, stderr: quiet },
  );
  let job;
  for (const s of session.parseScript(SQL)) {
    const r = session.execute(s);
    if (r.kind === 'job') job = r.jobGraph;
  }
  const counter = { rows: 0 };
  const connectors = new Map(runtimeConnectors);
  connectors.set('blackhole', {
    identifier: 'blackhole',
    sink: { createWriter: () => new CountingSink(counter) },
  });
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const result = await executeJob(job, { connectors, log: { info() {}, warn: (m) => console.error(m) } })
    .result;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return {
    label,
    status: result.status,
    seconds,
    perSecond: rows / seconds,
    perCpuSecond: rows / ((cpu.user + cpu.system) / 1e6),
    emitted: counter.rows,
    plan: job.vertices.map((v) => v.name.replace(/\(.*$/, '')).join(' -> '),
  };
}

const MINI_BATCH = [
  ['table.exec.mini-batch.enabled', 'true'],
  ['table.exec.mini-batch.allow-latency', latency],
  ['table.exec.mini-batch.size', size],
];
await measure('warm-up', []);
const runs = [
  await measure('mini-batch off', []),
  await measure('mini-batch, one phase', [
    ...MINI_BATCH,
    ['table.optimizer.agg-phase-strategy', 'ONE_PHASE'],
  ]),
  await measure('mini-batch, two phase', [
    ...MINI_BATCH,
    ['table.optimizer.agg-phase-strategy', 'TWO_PHASE'],
  ]),
];
console.log(
  `datagen -> 80 % hot key -> GROUP BY key COUNT(*), SUM(id) -> counting sink: ${rows} rows, ${keys} cold keys, parallelism ${parallelism}, mini-batch ${latency} / ${size} rows`,
);
for (const r of runs) {
  console.log(
    `  ${r.label.padEnd(22)} ${r.status.padEnd(9)} ${Math.round(r.perSecond).toLocaleString('en').padStart(10)} rows/s  ${Math.round(r.perCpuSecond).toLocaleString('en').padStart(10)} rows/CPU-s  ${r.emitted.toLocaleString('en').padStart(10)} changes out  ${r.seconds.toFixed(2)} s`,
  );
  console.log(`    ${r.plan}`);
}
