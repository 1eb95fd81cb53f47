#!/usr/bin/env node
// Scaling from parallelism 1 to 2: each Nexmark query (upstream text, as the harness runs it) at
// parallelism 1 and at parallelism 2 on two worker threads, one process per run. Prints, per query:
// events/s at each parallelism and their ratio (the wall-clock speed-up, meaningful only on an
// otherwise idle machine), CPU-seconds per million events of the whole process (every thread), the
// speed-up bound 2·C1/C2 that the CPU cost allows on two idle cores, and how busy each event loop
// was (a worker that waits on its peers for data or credit shows idle time).
//
// With --events A,B (two sizes) it also separates the fixed cost of a run (start-up: worker
// threads loading weir's modules, JIT warm-up in each isolate) from the cost per event, the slope
// between the two sizes: the steady-state figures are what a long-running job sees.
//
// With --warmup N each run first runs its query on N events in the same process, unmeasured, as
// Nexmark's own runner warms its cluster up and times a job from the moment it is RUNNING on
// TaskManagers already started: the measured run then finds its worker threads started and warm.
//
//   npm run bench:scaling -- [--queries q0,q1,q2,q5,q8,q12] [--events 2000000] [--repeat 1] [--warmup 0]
//   npm run bench:scaling -- --queries q0,q12 --events 1000000,4000000
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ALL_QUERIES } from './upstream.mjs';

const { values: flags } = parseArgs({
  options: {
    queries: { type: 'string', default: 'q0,q1,q2,q5,q8,q12' },
    events: { type: 'string', default: '2000000' },
    repeat: { type: 'string', default: '1' },
    warmup: { type: 'string', default: '0' },
  },
});
const queries = flags.queries.split(',').map((q) => q.trim());
const unknown = queries.filter((q) => !ALL_QUERIES.includes(q));
if (unknown.length > 0) {
  console.error(`unknown queries: ${unknown.join(', ')} (q0 … q23)`);
  process.exit(2);
}
const sizes = flags.events.split(',').map(Number);
if (sizes.length > 2 || sizes.some((n) => !Number.isInteger(n) || n <= 0)) {
  console.error(
    '--events takes one or two positive event counts: --events 2000000 or --events 1000000,4000000',
  );
  process.exit(2);
}
const repeat = Number(flags.repeat);
const warmupEvents = Number(flags.warmup);
if (!Number.isInteger(warmupEvents) || warmupEvents < 0) {
  console.error('--warmup takes a number of events (0 for none)');
  process.exit(2);
}
const runQuery = fileURLToPath(new URL('./run-query.mjs', import.meta.url));

/** One run in its own process; the best of `repeat` runs by wall time (the least disturbed). */
function run(query, events, parallelism) {
  let best;
  for (let i = 0; i < repeat; i++) {
    const output = execFileSync(
      process.execPath,
      [runQuery, JSON.stringify({ query, events, parallelism, warmupEvents })],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 1 << 24,
      },
    );
    const row = JSON.parse(output.trim().split('\n').pop());
    if (row.error) return row;
    if (!best || row.seconds < best.seconds) best = row;
  }
  return best;
}

const fmt = (n, digits = 0) =>
  n === undefined || Number.isNaN(n)
    ? '-'
    : n.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (u) => `${Math.round(u * 100)}%`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const loadBefore = load();
const rows = [];
for (const query of queries) {
  const at = sizes.map((events) => ({ events, p1: run(query, events, 1), p2: run(query, events, 2) }));
  rows.push({ query, at });
}

const largest = sizes.length - 1;
const header = [
  'query',
  'p1 events/s',
  'p2 events/s',
  'p2/p1',
  'p1 CPU-s/M',
  'p2 CPU-s/M',
  'bound 2·C1/C2',
  'busy main/workers at p2',
];
if (sizes.length === 2) {
  header.push(
    'steady p1 events/s',
    'steady p2 events/s',
    'steady p2/p1',
    'steady CPU-s/M p1/p2',
    'steady bound',
    'fixed CPU-s p1/p2',
  );
}
const table = rows.map(({ query, at }) => {
  const last = at[largest];
  const failed = [last.p1, last.p2].find((r) => r.error || r.status !== 'FINISHED');
  if (failed) return [query, `not run: ${failed.error ?? failed.status}`];
  const perM = (r) => r.cpuSeconds / (r.events / 1e6);
  const cells = [
    query,
    fmt(last.p1.events / last.p1.seconds),
    fmt(last.p2.events / last.p2.seconds),
    fmt(last.p1.seconds / last.p2.seconds, 2),
    fmt(perM(last.p1), 2),
    fmt(perM(last.p2), 2),
    fmt((2 * perM(last.p1)) / perM(last.p2), 2),
    `${pct(last.p2.utilization.main)} / ${last.p2.utilization.workers.map(pct).join(' ')}`,
  ];
  if (sizes.length === 2) {
    // The slope between the two sizes is the cost per event (wall or CPU); what is left is each
    // run's fixed cost: start-up, warm-up and the end of the job.
    const millions = (at[1].events - at[0].events) / 1e6;
    const slope = (p, field) => (at[1][p][field] - at[0][p][field]) / millions;
    const fixed = (p) => at[1][p].cpuSeconds - (slope(p, 'cpuSeconds') * at[1].events) / 1e6;
    const steadyRate = (p) => 1e6 / slope(p, 'seconds');
    cells.push(
      fmt(steadyRate('p1')),
      fmt(steadyRate('p2')),
      fmt(steadyRate('p2') / steadyRate('p1'), 2),
      `${fmt(slope('p1', 'cpuSeconds'), 2)} / ${fmt(slope('p2', 'cpuSeconds'), 2)}`,
      fmt((2 * slope('p1', 'cpuSeconds')) / slope('p2', 'cpuSeconds'), 2),
      `${fmt(fixed('p1'), 2)} / ${fmt(fixed('p2'), 2)}`,
    );
  }
  return cells;
});
console.log(
  `Nexmark p1 vs p2 (2 worker threads), ${sizes.map((n) => n.toLocaleString('en')).join(' and ')} events, no checkpoints, best of ${repeat}${warmupEvents > 0 ? `, each after a warm-up run of ${warmupEvents.toLocaleString('en')} events` : ', cold (no warm-up run)'}; load average before ${loadBefore}, after ${load()}`,
);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => (t[i] ?? '').length)));
console.log(header.map((h, i) => h.padStart(widths[i])).join('  '));
for (const t of table) console.log(t.map((c, i) => (c ?? '').padStart(widths[i])).join('  '));
console.log(
  "p2/p1 is the wall-clock speed-up (idle machine only); 'bound' is 2·C1/C2, the speed-up the CPU cost allows when both cores are busy; busy = event-loop utilisation.",
);
if (sizes.length === 2) {
  console.log(
    `steady = the slope between ${sizes.map((n) => n.toLocaleString('en')).join(' and ')} events: the rate and cost once started, without start-up (worker threads loading modules, JIT warm-up) and the job's end.`,
  );
}
