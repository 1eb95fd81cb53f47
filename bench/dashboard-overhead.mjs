#!/usr/bin/env node
// What watching a job costs it: one bounded-state job (datagen -> Calc -> hash exchange ->
// GroupAggregate -> blackhole, parallelism 2, checkpoints every second) runs for the whole bench,
// and short measurement windows alternate between three modes:
//   none     nobody watching;
//   poller   a separate process doing what the dashboard's job page does every second (job details,
//            checkpoints, exceptions, per-subtask metrics of every vertex) plus a Prometheus scrape;
//   browser  the dashboard open in headless Chromium (its own processes), one operator's subtasks shown.
// The figure is CPU time of the job's process (process.cpuUsage: every thread) per record the sources
// emitted, which machine load changes far less than rows per second do. The watchers run in other
// processes, as a browser or Prometheus would, so only what serving them costs the job is counted.
// Each round runs every mode once, in a rotated order; a watcher is attached SETTLE_MS before its
// window starts so page loads are not timed. Per mode: the median CPU per record and the 25th–75th
// percentiles; against `none`: the median of the per-round ratios and a bootstrap 95% interval.
// WINDOW=5 (s) ROUNDS=12 by default; CHROMIUM=/usr/bin/chromium (the browser mode is skipped if absent);
// WORKER_THREADS=0 for the job on the main thread with the REST server (default: two worker threads).
// Run `npm run build` first.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';

const SELF = fileURLToPath(import.meta.url);

/** `node dashboard-overhead.mjs --poll <base> <jobId>`: the poller, run as its own process. */
async function poll(base, jobId) {
  for (;;) {
    const details = await (await fetch(`${base}/jobs/${jobId}`)).json();
    await Promise.all([
      fetch(`${base}/jobs/${jobId}/checkpoints`).then((r) => r.json()),
      fetch(`${base}/jobs/${jobId}/exceptions`).then((r) => r.json()),
      fetch(`${base}/metrics`).then((r) => r.text()),
      ...details.vertices.map((v) =>
        fetch(
          `${base}/jobs/${jobId}/vertices/${v.id}/metrics?get=0.numRecordsIn,1.numRecordsIn,0.numBytesIn,1.numBytesIn,0.busyTimeMsPerSecond`,
        ).then((r) => r.json()),
      ),
    ]);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

if (process.argv[2] === '--poll') {
  await poll(process.argv[3], process.argv[4]);
  process.exit(0);
}

const { createSession } = await import('../dist/api/session.js');
const { RestServer, submitJob } = await import('../dist/runtime/index.js');

const windowSeconds = Number(process.env.WINDOW ?? 5);
const rounds = Number(process.env.ROUNDS ?? 12);
const SETTLE_MS = 1500;
const WARM_UP_MS = 5000;
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const quiet = { write: () => true, once: () => undefined };

// WORKER_THREADS=0 runs the job on the main thread, beside the REST server; unset, on weir's default two workers.
const threads = process.env.WORKER_THREADS;
const SCRIPT = `
SET 'parallelism.default' = '2';
${threads === undefined ? '' : `SET 'taskmanager.worker-threads' = '${threads}';`}
SET 'execution.checkpointing.interval' = '1s';
SET 'execution.checkpointing.storage' = 'jobmanager';
CREATE TABLE events (id BIGINT, k INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '1000000000',
  'fields.k.min' = '1', 'fields.k.max' = '1000', 'fields.v.min' = '1', 'fields.v.max' = '100');
CREATE TABLE out (k INT, n BIGINT, s BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT k, COUNT(*), SUM(v) FROM events WHERE v > 10 GROUP BY k;
`;

async function startJob() {
  const { session, runtimeConnectors } = createSession([], { stdout: quiet, stderr: quiet });
  const server = new RestServer();
  let job;
  for (const statement of session.parseScript(SCRIPT, 'bench.sql')) {
    const result = session.execute(statement);
    if (result.kind !== 'job') continue;
    job = await submitJob(result.jobGraph, { connectors: runtimeConnectors, log: { info() {}, warn() {} } });
    server.register(job, result.jobGraph);
  }
  const base = await server.listen(0, '127.0.0.1');
  return { job, base, server };
}

function startPoller(base, jobId) {
  const child = spawn(process.execPath, [SELF, '--poll', base, jobId], { stdio: 'ignore' });
  return async () => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill();
    await exited;
  };
}

let browser;
async function startBrowser(base, jobId) {
  if (!browser) {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  }
  const page = await browser.newPage();
  await page.goto(`${base}/#/jobs/${jobId}`);
  // With one operator's subtasks open, as a user watching a vertex would have it.
  await page
    .locator('[data-testid=operator]')
    .filter({ hasText: 'GroupAggregate' })
    .click({ timeout: 10_000 })
    .catch(() => {});
  return () => page.close();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMicros = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** Records the job's sources have emitted so far, from the job's own counters. */
function sourceRecords(job, sourceId) {
  return job.metrics.subtasks().reduce((n, v) => n + (v.metrics.operators[sourceId]?.numRecordsOut ?? 0), 0);
}

/**
 * The records emitted so far, read just as a fresher count arrives: tasks on worker threads report
 * their counters every 500 ms, so a window must start and end on a report, not between two.
 */
async function freshRecords(job, sourceId) {
  const stale = sourceRecords(job, sourceId);
  for (;;) {
    const n = sourceRecords(job, sourceId);
    if (n !== stale) return n;
    await sleep(5);
  }
}

/** One window: CPU microseconds of this process per record, and rows per second for reference. */
async function measure(job, base, sourceId, mode) {
  let stop = async () => {};
  if (mode === 'poller') stop = startPoller(base, job.jobId);
  if (mode === 'browser') stop = await startBrowser(base, job.jobId);
  await sleep(SETTLE_MS);
  const records0 = await freshRecords(job, sourceId);
  const cpu0 = cpuMicros();
  const t0 = process.hrtime.bigint();
  await sleep(windowSeconds * 1000);
  const records = (await freshRecords(job, sourceId)) - records0;
  const cpu = cpuMicros() - cpu0;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await stop();
  return { nsPerRecord: (cpu * 1000) / records, rowsPerSecond: records / seconds };
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};
const median = (xs) => quantile(xs, 0.5);

/** A 95% interval of the median of `xs` by resampling (a fixed seed, so reruns print the same for the same data). */
function bootstrapMedian(xs, samples = 4000) {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const medians = [];
  for (let i = 0; i < samples; i++) {
    medians.push(median(Array.from(xs, () => xs[Math.floor(random() * xs.length)])));
  }
  return [quantile(medians, 0.025), quantile(medians, 0.975)];
}

const modes = ['none', 'poller', ...(existsSync(chromiumPath) ? ['browser'] : [])];
const results = Object.fromEntries(modes.map((m) => [m, []]));
const load = [loadavg()[0]];
const { job, base, server } = await startJob();
const sourceId = job.metrics.subtasks()[0].operatorIds[0];
await sleep(WARM_UP_MS);
for (let r = 0; r < rounds; r++) {
  // Rotate the order so no mode always follows another (a closing browser, say).
  for (let i = 0; i < modes.length; i++) {
    const mode = modes[(r + i) % modes.length];
    results[mode].push(await measure(job, base, sourceId, mode));
  }
  load.push(loadavg()[0]);
  process.stderr.write(`round ${r + 1}/${rounds} done\n`);
}
await browser?.close();
await job.cancel();
await server.close(0);

const f = (x, digits = 1) => x.toFixed(digits);
console.log(
  `datagen -> Calc -> hash(k) -> GroupAggregate -> blackhole, parallelism 2 on ${threads === '0' ? 'the main thread' : 'worker threads'}, checkpoints every 1 s; ${rounds} rounds of ${windowSeconds} s windows per mode`,
);
console.log(`load average (1 min) during the run: ${f(Math.min(...load))}–${f(Math.max(...load))}`);
console.log(
  'mode      CPU ns/record: median [25%–75%]   rows/s median   ratio to none: median [95% interval]',
);
for (const m of modes) {
  const ns = results[m].map((x) => x.nsPerRecord);
  const rows = Math.round(median(results[m].map((x) => x.rowsPerSecond))).toLocaleString('en');
  const ratios = results[m].map((x, i) => x.nsPerRecord / results.none[i].nsPerRecord);
  const [lo, hi] = bootstrapMedian(ratios);
  const cpu = `${f(median(ns))} [${f(quantile(ns, 0.25))}–${f(quantile(ns, 0.75))}]`;
  const ratio = m === 'none' ? '' : `${f(median(ratios), 3)} [${f(lo, 3)}–${f(hi, 3)}]`;
  console.log(`${m.padEnd(9)} ${cpu.padStart(30)} ${rows.padStart(15)}   ${ratio}`);
}
