#!/usr/bin/env node
// The Nexmark harness: each upstream query, unchanged but for its filled placeholders, through weir
// into its blackhole sink, one process per query. Prints a table — events, seconds, events/s,
// events per CPU-second (whole process, worker threads included), peak RSS, checkpoints and their
// mean duration, and for q0, q1, q2 and q5 the ratio to a hand-written loop (limit.mjs) — and
// writes the rows as JSON under bench/results/ (bench/results/baseline.json is the checked-in
// reference, updated on purpose). Never fails on speed.
//
//   npm run bench:nexmark -- [--queries q0,q1,…] [--events N] [--parallelism P] [--checkpoint-interval 10s]
//                            [--no-limit] [--engine flink]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LIMIT_QUERIES, measureLimit } from './limit.mjs';
import { ALL_QUERIES } from './upstream.mjs';

const { values: flags } = parseArgs({
  options: {
    queries: { type: 'string' },
    events: { type: 'string', default: '10000000' },
    parallelism: { type: 'string', default: '1' },
    'checkpoint-interval': { type: 'string' },
    'no-limit': { type: 'boolean', default: false },
    engine: { type: 'string' },
  },
});
const queries = flags.queries ? flags.queries.split(',').map((q) => q.trim()) : ALL_QUERIES;
const unknown = queries.filter((q) => !ALL_QUERIES.includes(q));
if (unknown.length > 0) {
  console.error(`unknown queries: ${unknown.join(', ')} (q0 … q23)`);
  process.exit(2);
}
if (flags.engine !== undefined) {
  if (flags.engine !== 'flink') {
    console.error(`--engine takes 'flink', not '${flags.engine}'`);
    process.exit(2);
  }
  // The same queries on weir and on a local Flink cluster, side by side.
  const { sideBySide } = await import('./side-by-side.mjs');
  await sideBySide(flags.queries ? queries : ['q0', 'q1', 'q2', 'q5', 'q8']);
  process.exit(0);
}
const events = Number(flags.events);
const parallelism = Number(flags.parallelism);
const checkpointInterval = flags['checkpoint-interval'];
const runQuery = fileURLToPath(new URL('./run-query.mjs', import.meta.url));

const rows = [];
for (const query of queries) {
  const output = execFileSync(
    process.execPath,
    [runQuery, JSON.stringify({ query, events, parallelism, checkpointInterval })],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 24 },
  );
  const row = JSON.parse(output.trim().split('\n').pop());
  if (!flags['no-limit'] && LIMIT_QUERIES.includes(query) && !row.error) {
    row.limitPerCpuSecond = measureLimit(query, Math.min(events, 2_000_000));
  }
  rows.push(row);
}

const fmt = (n, digits = 0) =>
  n === null || n === undefined
    ? '-'
    : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(
  `Nexmark on weir: ${events.toLocaleString('en')} events per query, parallelism ${parallelism}, ${checkpointInterval ? `exactly-once checkpoints every ${checkpointInterval}` : 'no checkpoints'}`,
);
const header = [
  'query',
  'status',
  'seconds',
  'events/s',
  'events/CPU-s',
  'peak RSS MB',
  'checkpoints',
  'mean chk ms',
  'weir/limit',
];
const table = rows.map((r) =>
  r.error
    ? [r.query, `not run: ${r.error}`]
    : [
        r.query,
        r.status,
        fmt(r.seconds, 2),
        fmt(r.events / r.seconds),
        fmt(r.events / r.cpuSeconds),
        fmt(r.peakRssMb),
        String(r.checkpoints),
        fmt(r.meanCheckpointMs, 1),
        r.limitPerCpuSecond ? fmt(r.events / r.cpuSeconds / r.limitPerCpuSecond, 2) : '-',
      ],
);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
console.log(header.map((h, i) => h.padStart(widths[i])).join('  '));
for (const t of table) console.log(t.map((c, i) => (c ?? '').padStart(widths[i])).join('  '));

const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const file = `${resultsDir}nexmark-${stamp}.json`;
const run = {
  date: new Date().toISOString(),
  events,
  parallelism,
  checkpointInterval: checkpointInterval ?? null,
  rows,
};
writeFileSync(file, `${JSON.stringify(run, null, 2)}\n`);
console.log(`\nwritten to ${file}`);
const baselineFile = `${resultsDir}baseline.json`;
if (existsSync(baselineFile)) {
  const baseline = JSON.parse(readFileSync(baselineFile, 'utf8'));
  const compared = rows.flatMap((r) => {
    const b = baseline.rows.find((x) => x.query === r.query && !x.error);
    return b && !r.error
      ? [`${r.query} ${fmt(r.events / r.cpuSeconds / (b.events / b.cpuSeconds), 2)}×`]
      : [];
  });
  if (compared.length > 0)
    console.log(
      `events/CPU-s against bench/results/baseline.json (${baseline.date}): ${compared.join(', ')}`,
    );
}
