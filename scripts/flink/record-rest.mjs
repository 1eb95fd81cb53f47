#!/usr/bin/env node
// Records Apache Flink's REST answers for the paths weir's REST API follows, from a real streaming job on
// a throw-away Flink 1.20 cluster, into test/rest/flink-<version>/<name>.json. test/rest/flink-shapes.test.ts
// compares the field names of weir's answers with these. Volatile values (ids, times, sizes) are kept as
// recorded: the files are data, and only their shapes are compared.
//
//   npm run build && node scripts/flink/record-rest.mjs [--version 1.20.3]
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = new URL('../../dist/', import.meta.url);
if (!existsSync(new URL('testing/index.js', dist))) {
  console.error('scripts/flink/record-rest.mjs: dist/ is missing; run `npm run build` first');
  process.exit(1);
}
const { startFlink, DEFAULT_FLINK_VERSION } = await import(new URL('testing/index.js', dist).href);
const { SqlGatewaySession } = await import(new URL('cli/targets/sql-gateway.js', dist).href);

const args = process.argv.slice(2);
const at = args.indexOf('--version');
const version = at >= 0 ? args[at + 1] : DEFAULT_FLINK_VERSION;
const out = fileURLToPath(new URL(`../../test/rest/flink-${version}/`, import.meta.url));
const work = await mkdtemp(join(tmpdir(), 'weir-flink-rest-'));

// A keyed aggregation at parallelism 2: two job vertices, subtasks to list, keyed state to checkpoint.
const JOB = (sink) => `INSERT INTO ${sink} SELECT k, COUNT(*), SUM(v) FROM numbers GROUP BY k`;
const SETUP = [
  "SET 'parallelism.default' = '2'",
  "SET 'execution.checkpointing.interval' = '1s'",
  `SET 'state.checkpoints.dir' = 'file://${join(work, 'checkpoints')}'`,
  `CREATE TABLE numbers (k INT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '200',
     'fields.k.min' = '1', 'fields.k.max' = '50')`,
  "CREATE TABLE totals (k INT, n BIGINT, s BIGINT) WITH ('connector' = 'blackhole')",
  "CREATE TABLE totals2 (k INT, n BIGINT, s BIGINT) WITH ('connector' = 'blackhole')",
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let flink;
const recorded = [];

async function call(rest, method, path, body) {
  const response = await fetch(`${rest}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : JSON.parse(text) };
}

/** Calls `path` and keeps the answer as fixture `name` (the path is stored with placeholders). */
async function record(rest, name, method, path, template, body) {
  const answer = await call(rest, method, path, body);
  const fixture = { method, path: template, ...(body ? { request: body } : {}), ...answer };
  await writeFile(join(out, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
  recorded.push(`${answer.status} ${method} ${template} -> ${name}.json`);
  return answer;
}

async function until(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

async function runningJob(rest, except = []) {
  return until('a running job with all tasks running', async () => {
    const { body } = await call(rest, 'GET', '/jobs/overview');
    const job = body.jobs.find((j) => j.state === 'RUNNING' && !except.includes(j.jid));
    if (!job) return undefined;
    const details = (await call(rest, 'GET', `/jobs/${job.jid}`)).body;
    return details.vertices.every((v) => v.status === 'RUNNING') ? details : undefined;
  });
}

async function savepointDone(rest, jid, triggerId) {
  return until('the savepoint', async () => {
    const { body } = await call(rest, 'GET', `/jobs/${jid}/savepoints/${triggerId}`);
    return body.status.id === 'COMPLETED' ? body : undefined;
  });
}

try {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await writeFile(join(work, 'a-file'), 'not a directory\n');
  flink = await startFlink({ version, slots: 4, ignoreEnv: true });
  const rest = flink.restUrl;
  console.log(`Flink ${version} at ${rest}`);
  const session = await SqlGatewaySession.open(flink.gatewayUrl, {});
  for (const statement of SETUP) await session.execute(statement);
  await session.execute(JOB('totals'));
  const job = await runningJob(rest);
  const jid = job.jid;
  const vid = job.vertices.at(-1).id;
  await until('a completed checkpoint', async () => {
    const { body } = await call(rest, 'GET', `/jobs/${jid}/checkpoints`);
    return body.counts?.completed >= 2;
  });

  await record(rest, 'overview', 'GET', '/overview', '/overview');
  await record(rest, 'config', 'GET', '/config', '/config');
  await record(rest, 'jobs', 'GET', '/jobs', '/jobs');
  await record(rest, 'jobs-overview', 'GET', '/jobs/overview', '/jobs/overview');
  await record(rest, 'job', 'GET', `/jobs/${jid}`, '/jobs/:jobid');
  await record(rest, 'job-config', 'GET', `/jobs/${jid}/config`, '/jobs/:jobid/config');
  await record(rest, 'job-vertex', 'GET', `/jobs/${jid}/vertices/${vid}`, '/jobs/:jobid/vertices/:vertexid');
  await record(rest, 'job-exceptions', 'GET', `/jobs/${jid}/exceptions`, '/jobs/:jobid/exceptions');
  await record(
    rest,
    'job-checkpoints-config',
    'GET',
    `/jobs/${jid}/checkpoints/config`,
    '/jobs/:jobid/checkpoints/config',
  );

  const trigger = await record(
    rest,
    'savepoint-trigger',
    'POST',
    `/jobs/${jid}/savepoints`,
    '/jobs/:jobid/savepoints',
    {
      'target-directory': `file://${join(work, 'savepoints')}`,
      'cancel-job': false,
    },
  );
  const triggerId = trigger.body['request-id'];
  // The first poll usually still sees the savepoint in progress; kept only if it does.
  const first = await call(rest, 'GET', `/jobs/${jid}/savepoints/${triggerId}`);
  if (first.body.status.id === 'IN_PROGRESS') {
    await writeFile(
      join(out, 'savepoint-status-in-progress.json'),
      `${JSON.stringify({ method: 'GET', path: '/jobs/:jobid/savepoints/:triggerid', ...first }, null, 2)}\n`,
    );
    recorded.push('200 GET /jobs/:jobid/savepoints/:triggerid -> savepoint-status-in-progress.json');
  }
  await savepointDone(rest, jid, triggerId);
  await record(
    rest,
    'savepoint-status-completed',
    'GET',
    `/jobs/${jid}/savepoints/${triggerId}`,
    '/jobs/:jobid/savepoints/:triggerid',
  );
  // After a savepoint and some checkpoints: latest.completed and latest.savepoint are filled in.
  await until('a checkpoint after the savepoint', async () => {
    const { body } = await call(rest, 'GET', `/jobs/${jid}/checkpoints`);
    return (
      body.latest.completed && body.latest.savepoint && body.latest.completed.id > body.latest.savepoint.id
    );
  });
  await record(rest, 'job-checkpoints', 'GET', `/jobs/${jid}/checkpoints`, '/jobs/:jobid/checkpoints');

  const failing = await record(
    rest,
    'savepoint-trigger-failing',
    'POST',
    `/jobs/${jid}/savepoints`,
    '/jobs/:jobid/savepoints',
    // Under a regular file: no directory can be made there.
    { 'target-directory': `file://${join(work, 'a-file', 'savepoints')}`, 'cancel-job': false },
  );
  await until('the failed savepoint', async () => {
    const { body } = await call(rest, 'GET', `/jobs/${jid}/savepoints/${failing.body['request-id']}`);
    return body.status.id === 'COMPLETED';
  });
  await record(
    rest,
    'savepoint-status-failed',
    'GET',
    `/jobs/${jid}/savepoints/${failing.body['request-id']}`,
    '/jobs/:jobid/savepoints/:triggerid',
  );

  const stop = await record(rest, 'stop-trigger', 'POST', `/jobs/${jid}/stop`, '/jobs/:jobid/stop', {
    targetDirectory: `file://${join(work, 'savepoints')}`,
    drain: false,
  });
  await savepointDone(rest, jid, stop.body['request-id']);
  await record(
    rest,
    'stop-status-completed',
    'GET',
    `/jobs/${jid}/savepoints/${stop.body['request-id']}`,
    '/jobs/:jobid/savepoints/:triggerid',
  );
  await until('the stopped job to finish', async () => {
    const { body } = await call(rest, 'GET', `/jobs/${jid}`);
    return body.state === 'FINISHED';
  });
  await record(rest, 'job-finished', 'GET', `/jobs/${jid}`, '/jobs/:jobid');

  await session.execute(JOB('totals2'));
  const second = await runningJob(rest, [jid]);
  await record(rest, 'job-cancel', 'PATCH', `/jobs/${second.jid}?mode=cancel`, '/jobs/:jobid?mode=cancel');
  await record(rest, 'job-not-found', 'GET', `/jobs/${'0'.repeat(32)}`, '/jobs/:unknown-jobid');
  await session.close();
  console.log(recorded.join('\n'));
  console.log(`Recorded ${recorded.length} answers into ${out}`);
} catch (err) {
  console.error(err?.stack ?? err);
  process.exitCode = 1;
} finally {
  await flink?.stop();
  await rm(work, { recursive: true, force: true });
}
