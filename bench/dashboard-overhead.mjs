#!/usr/bin/env node
// What watching a job costs it: the same bounded job (datagen -> Calc -> hash exchange ->
// GroupAggregate -> blackhole) run with nobody watching, with a poller doing what the dashboard
// does every second (job details, checkpoints, exceptions, per-subtask metrics of every vertex)
// plus a Prometheus scrape, and with the dashboard open in headless Chromium. Rounds alternate
// the modes so machine noise spreads over all of them. Run `npm run build` first.
// Throughput is the source's records over a WINDOW-second window after a warm-up, read from the
// job's own counters, so attaching the watcher is not timed.
// WINDOW=10 ROUNDS=3 by default; CHROMIUM=/usr/bin/chromium (the browser mode is skipped if absent).
import { existsSync } from 'node:fs';
import { createSession } from '../dist/api/session.js';
import { RestServer, submitJob } from '../dist/runtime/index.js';

const windowSeconds = Number(process.env.WINDOW ?? 10);
const warmUpMs = 3000;
const rounds = Number(process.env.ROUNDS ?? 3);
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const quiet = { write: () => true, once: () => undefined };

const SCRIPT = `
SET 'parallelism.default' = '2';
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

/** What the dashboard's job page fetches each second, and a Prometheus scrape. */
function startPoller(base, jobId) {
  let stopped = false;
  const loop = async () => {
    while (!stopped) {
      const details = await (await fetch(`${base}/jobs/${jobId}`)).json();
      await Promise.all([
        fetch(`${base}/jobs/${jobId}/checkpoints`).then((r) => r.json()),
        fetch(`${base}/jobs/${jobId}/exceptions`).then((r) => r.json()),
        fetch(`${base}/metrics`).then((r) => r.text()),
        ...details.vertices.map((v) =>
          fetch(
            `${base}/jobs/${jobId}/vertices/${v.id}/metrics?get=0.numRecordsIn,1.numRecordsIn,0.busyTimeMsPerSecond`,
          ).then((r) => r.json()),
        ),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const done = loop().catch(() => {});
  return async () => {
    stopped = true;
    await done;
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

/** Records the job's sources have emitted so far, from the job's own counters. */
function sourceRecords(job, sourceId) {
  return job.metrics.subtasks().reduce((n, v) => n + (v.metrics.operators[sourceId]?.numRecordsOut ?? 0), 0);
}

async function measure(mode) {
  const { job, base, server } = await startJob();
  const sourceId = job.metrics.subtasks()[0].operatorIds[0];
  let stop = async () => {};
  if (mode === 'poller') stop = startPoller(base, job.jobId);
  if (mode === 'browser') stop = await startBrowser(base, job.jobId);
  await sleep(warmUpMs);
  const before = sourceRecords(job, sourceId);
  const started = process.hrtime.bigint();
  await sleep(windowSeconds * 1000);
  const records = sourceRecords(job, sourceId) - before;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await stop();
  await job.cancel();
  await server.close(0);
  return records / seconds;
}

const modes = ['none', 'poller', ...(existsSync(chromiumPath) ? ['browser'] : [])];
const results = Object.fromEntries(modes.map((m) => [m, []]));
for (let r = 0; r < rounds; r++) for (const m of modes) results[m].push(await measure(m));
await browser?.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(results.none);
console.log(
  `datagen -> Calc -> hash(k) -> GroupAggregate -> blackhole, parallelism 2, checkpoints every 1 s, ${windowSeconds} s windows, ${rounds} rounds`,
);
for (const m of modes) {
  const med = median(results[m]);
  console.log(
    `  ${m.padEnd(8)} median ${Math.round(med).toLocaleString('en').padStart(10)} rows/s  ratio ${(med / base).toFixed(3)}  runs ${results[m].map((x) => Math.round(x).toLocaleString('en')).join(', ')}`,
  );
}
