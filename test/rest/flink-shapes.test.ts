import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

/**
 * weir's REST answers against Apache Flink 1.20.3's, recorded from a real cluster by
 * scripts/flink/record-rest.mjs into test/rest/flink-1.20.3/: the same calls, in the same order, on
 * the same kind of job (a keyed aggregation at parallelism 2 with checkpoints), must give answers
 * with the same field names, recursively, array elements included, and the same JSON types where
 * both sides have a value. Every intended difference is listed below with its reason.
 */
const FIXTURES = join(import.meta.dirname, 'flink-1.20.3');

const JOB = (sink: string) => `
SET 'parallelism.default' = '2';
SET 'execution.checkpointing.interval' = '200ms';
CREATE TABLE numbers (k INT, v BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '200',
  'fields.k.min' = '1', 'fields.k.max' = '50');
CREATE TABLE ${sink} (k INT, n BIGINT, s BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO ${sink} SELECT k, COUNT(*), SUM(v) FROM numbers GROUP BY k;
`;

/** Paths whose keys are data (configuration entries, labels), not field names. */
const DATA_MAPS = new Set(['execution-config.user-config']);

/**
 * Intended differences, per fixture: `missing` are Flink's fields weir leaves out, `extra` weir's
 * own, `types` paths whose JSON type differs; each with the reason.
 */
const JOB_DETAILS_EXTRAS = [
  {
    extra: [
      'chains',
      'chains[]',
      'chains[].name',
      'chains[].operators',
      'chains[].operators[]',
      'chains[].parallelism',
      'restarts',
      'vertices[].busyTimeMsPerSecond',
      'vertices[].backPressuredTimeMsPerSecond',
    ],
    why: "weir's own, for the dashboard: which operators run chained in one task, restarts, and the busiest subtask's busy and backpressured ms per second",
  },
];

const CHECKPOINT_TIMES = ['sync_duration', 'async_duration', 'alignment_duration'];

const KNOWN: Record<string, { missing?: string[]; extra?: string[]; types?: string[]; why: string }[]> = {
  job: JOB_DETAILS_EXTRAS,
  'job-finished': JOB_DETAILS_EXTRAS,
  'job-checkpoints': [
    {
      extra: ['latest.completed', 'latest.savepoint', 'history[]'].flatMap((p) =>
        CHECKPOINT_TIMES.map((t) => `${p}.${t}`),
      ),
      why: "weir's own, for the dashboard: the slowest task's synchronous and asynchronous parts and alignment, which Flink gives per task in /checkpoints/details/:id",
    },
  ],
  'job-checkpoints-config': [
    {
      missing: ['changelog_periodic_materialization_interval', 'changelog_storage'],
      why: 'weir has no changelog state backend (state_changelog_enabled is false): no materialization interval or changelog storage to report',
    },
  ],
};

type Shape = Map<string, string>;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  // Jackson writes a double's NaN (a busy time Flink could not measure) as the string "NaN".
  if (value === 'NaN') return 'number';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Every field path of a JSON value with its type; array elements merge under `path[]`. */
function shapeOf(value: unknown, path = '', into: Shape = new Map()): Shape {
  const type = typeOf(value);
  if (path !== '') {
    const before = into.get(path);
    if (before === undefined || before === 'null') into.set(path, type);
  }
  if (DATA_MAPS.has(path)) return into;
  if (Array.isArray(value)) for (const element of value) shapeOf(element, `${path}[]`, into);
  else if (type === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>))
      shapeOf(child, path === '' ? key : `${path}.${key}`, into);
  }
  return into;
}

interface Fixture {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly body: unknown;
}

async function fixture(name: string): Promise<Fixture> {
  return JSON.parse(await readFile(join(FIXTURES, `${name}.json`), 'utf8')) as Fixture;
}

/** The differences between weir's answer and Flink's recorded one, minus the listed intended ones. */
async function compare(name: string, weir: { status: number; body: unknown }) {
  const flink = await fixture(name);
  const expected = shapeOf(flink.body);
  const actual = shapeOf(weir.body);
  const known = KNOWN[name] ?? [];
  const listed = (kind: 'missing' | 'extra' | 'types') => new Set(known.flatMap((k) => k[kind] ?? []));
  const missing = [...expected.keys()].filter((p) => !actual.has(p));
  const extra = [...actual.keys()].filter((p) => !expected.has(p));
  const types = [...expected]
    .filter(([p, t]) => actual.has(p) && t !== 'null' && actual.get(p) !== 'null' && actual.get(p) !== t)
    .map(([p, t]) => `${p}: flink ${t}, weir ${actual.get(p)}`);
  return {
    status: weir.status === flink.status ? 'same' : `flink ${flink.status}, weir ${weir.status}`,
    missing: missing.filter((p) => !listed('missing').has(p)),
    extra: extra.filter((p) => !listed('extra').has(p)),
    types: types.filter((t) => !listed('types').has(t.split(':')[0])),
    // An intended difference that no longer shows is stale.
    stale: [
      ...[...listed('missing')].filter((p) => !missing.includes(p)),
      ...[...listed('extra')].filter((p) => !extra.includes(p)),
    ],
  };
}

const clean = { status: 'same', missing: [], extra: [], types: [], stale: [] };

let home: string;
let rest: string;
const answers = new Map<string, { status: number; body: unknown }>();

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${rest}${path}`, {
    method,
    headers: body === undefined ? undefined : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
}

const record = async (name: string, method: string, path: string, body?: unknown) => {
  const answer = await call(method, path, body);
  answers.set(name, answer);
  return answer as { status: number; body: Record<string, unknown> };
};

const completedCheckpoints = async (jid: string) =>
  ((await call('GET', `/jobs/${jid}/checkpoints`)).body as { counts: { completed: number } }).counts
    .completed;

async function savepointDone(jid: string, trigger: string) {
  return waitFor(
    async () => {
      const { body } = await call('GET', `/jobs/${jid}/savepoints/${trigger}`);
      return (body as { status: { id: string } }).status.id === 'COMPLETED';
    },
    { what: 'the savepoint', timeoutMs: 20_000 },
  );
}

async function submit(sink: string): Promise<string> {
  const script = join(home, `${sink}.sql`);
  await writeFile(script, JOB(sink));
  const submitted = await runWeir(['run', '-d', '-f', script], { env: { WEIR_HOME: home } });
  expect(submitted.code, submitted.stderr).toBe(0);
  return /JobID ([0-9a-f]{32})/.exec(submitted.stdout)![1];
}

// The same calls as scripts/flink/record-rest.mjs, in the same order, on a weir session cluster.
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'weir-rest-shapes-'));
  const env = { WEIR_HOME: home };
  const start = await runWeir(
    ['cluster', 'start', '-D', 'rest.port=0', '-D', `state.checkpoints.dir=${join(home, 'ck')}`],
    {
      env,
      cwd: home,
    },
  );
  expect(start.code, start.stderr).toBe(0);
  rest = /Cluster started at (\S+)/.exec(start.stdout)![1];
  await writeFile(join(home, 'a-file'), 'not a directory\n');
  const jid = await submit('totals');
  await waitFor(async () => (await completedCheckpoints(jid)) >= 2, {
    what: 'two checkpoints',
    timeoutMs: 20_000,
  });
  const details = (await call('GET', `/jobs/${jid}`)).body as { vertices: { id: string }[] };
  const vid = details.vertices.at(-1)!.id;

  await record('overview', 'GET', '/overview');
  await record('config', 'GET', '/config');
  await record('jobs', 'GET', '/jobs');
  await record('jobs-overview', 'GET', '/jobs/overview');
  await record('job', 'GET', `/jobs/${jid}`);
  await record('job-config', 'GET', `/jobs/${jid}/config`);
  await record('job-vertex', 'GET', `/jobs/${jid}/vertices/${vid}`);
  await record('job-exceptions', 'GET', `/jobs/${jid}/exceptions`);
  await record('job-checkpoints-config', 'GET', `/jobs/${jid}/checkpoints/config`);

  const trigger = await record('savepoint-trigger', 'POST', `/jobs/${jid}/savepoints`, {
    'target-directory': join(home, 'savepoints'),
    'cancel-job': false,
  });
  const triggerId = String(trigger.body['request-id']);
  // Polled at once, the savepoint is still being taken (its _metadata is fsynced); should it have
  // finished already, that answer is compared with Flink's completed one instead.
  const firstPoll = await call('GET', `/jobs/${jid}/savepoints/${triggerId}`);
  const inProgress = (firstPoll.body as { status: { id: string } }).status.id === 'IN_PROGRESS';
  answers.set(inProgress ? 'savepoint-status-in-progress' : 'savepoint-status-completed', firstPoll);
  await savepointDone(jid, triggerId);
  await record('savepoint-status-completed', 'GET', `/jobs/${jid}/savepoints/${triggerId}`);
  await waitFor(
    async () => {
      const { body } = (await call('GET', `/jobs/${jid}/checkpoints`)) as {
        body: { latest: { completed: { id: number } | null; savepoint: { id: number } | null } };
      };
      return (
        body.latest.completed && body.latest.savepoint && body.latest.completed.id > body.latest.savepoint.id
      );
    },
    { what: 'a checkpoint after the savepoint', timeoutMs: 20_000 },
  );
  await record('job-checkpoints', 'GET', `/jobs/${jid}/checkpoints`);

  const failing = await record('savepoint-trigger-failing', 'POST', `/jobs/${jid}/savepoints`, {
    // Under a regular file: no directory can be made there.
    'target-directory': join(home, 'a-file', 'savepoints'),
    'cancel-job': false,
  });
  await savepointDone(jid, String(failing.body['request-id']));
  await record(
    'savepoint-status-failed',
    'GET',
    `/jobs/${jid}/savepoints/${String(failing.body['request-id'])}`,
  );

  const stop = await record('stop-trigger', 'POST', `/jobs/${jid}/stop`, {
    targetDirectory: join(home, 'savepoints'),
    drain: false,
  });
  await savepointDone(jid, String(stop.body['request-id']));
  await record('stop-status-completed', 'GET', `/jobs/${jid}/savepoints/${String(stop.body['request-id'])}`);
  await waitFor(
    async () => ((await call('GET', `/jobs/${jid}`)).body as { state: string }).state === 'FINISHED',
    { what: 'the stopped job to finish' },
  );
  await record('job-finished', 'GET', `/jobs/${jid}`);

  const second = await submit('totals2');
  await record('job-cancel', 'PATCH', `/jobs/${second}?mode=cancel`);
  await record('job-not-found', 'GET', `/jobs/${'0'.repeat(32)}`);
}, 120_000);

afterAll(async () => {
  if (home) {
    await runWeir(['cluster', 'stop'], { env: { WEIR_HOME: home } });
    await rm(home, { recursive: true, force: true });
  }
});

describe("weir's REST API answers in Flink 1.20's shapes", () => {
  it.each([
    'overview',
    'config',
    'jobs',
    'jobs-overview',
    'job',
    'job-config',
    'job-vertex',
    'job-exceptions',
    'job-checkpoints-config',
    'savepoint-trigger',
    'savepoint-status-in-progress',
    'savepoint-status-completed',
    'job-checkpoints',
    'savepoint-trigger-failing',
    'savepoint-status-failed',
    'stop-trigger',
    'stop-status-completed',
    'job-finished',
    'job-cancel',
    'job-not-found',
  ])('%s', async (name) => {
    const recorded = await fixture(name);
    const weir =
      name === 'savepoint-status-in-progress'
        ? (answers.get(name) ?? answers.get('savepoint-status-completed'))
        : answers.get(name);
    expect(weir, `${recorded.method} ${recorded.path} was not called`).toBeDefined();
    expect(await compare(answers.has(name) ? name : 'savepoint-status-completed', weir!)).toEqual(clean);
  });
});
