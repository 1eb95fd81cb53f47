import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import pg from 'pg';
import { seededRandom } from '../common/failpoints.js';
import { committedBatches } from '../connectors/kafka/aborted-filter.js';
import { kafkaClientSettings } from '../connectors/kafka/client.js';
import { RawFetcher } from '../connectors/kafka/fetch.js';
import { TransactionAdmin } from '../connectors/kafka/transactions.js';
import { loadCheckpointMetadata } from '../runtime/checkpoint/storage.js';

/**
 * The crash loop of issue 11: a job from a SQL file runs as a child `weir run -f` process against
 * real Kafka, PostgreSQL or files, is SIGKILLed at moments drawn from a seed (a timer, or a failpoint of
 * src/common/failpoints.ts that kills the process at a chosen step of the checkpoint protocol),
 * is restarted with `weir run -s <latest retained checkpoint>`, and so on; then it runs to the end
 * and its output is checked: every expected record there (nothing lost), and for exactly-once
 * exactly once and in order; no open Kafka transaction, prepared PostgreSQL transaction or hidden
 * (in-progress or pending) part file of the job left; no checkpoint chosen for a restore without a complete `_metadata`.
 *
 * The input is the sequence 1..rows — a bounded datagen table, or (source 'kafka') an input topic
 * filled with it before the first run and read to its end — so the expected output is known:
 * rows (id, id*3).
 */
export type CrashSink = 'kafka' | 'jdbc' | 'filesystem';
export type CrashGuarantee = 'exactly-once' | 'at-least-once';
/**
 * The job between the sequence and the sink: a copy, a filter, an inner join, a tumbling-window
 * aggregation, or a group aggregation whose updates a jdbc sink upserts by its primary key.
 */
export type CrashQuery = 'copy' | 'filter' | 'join' | 'window' | 'upsert';
/** Where the sequence comes from: datagen, or a Kafka topic filled with it first (topic → topic). */
export type CrashSource = 'datagen' | 'kafka';

export interface CrashLoopOptions {
  readonly seed: number;
  /** SIGKILLs before the job is let finish. */
  readonly kills: number;
  readonly sink: CrashSink;
  /** Default 'datagen'; 'kafka' needs kafkaBootstrap. */
  readonly source?: CrashSource;
  readonly guarantee?: CrashGuarantee;
  readonly query?: CrashQuery;
  /** Rows of the input sequence; default enough for the kills to land mid-run. */
  readonly rows?: number;
  readonly rowsPerSecond?: number;
  readonly parallelism?: number;
  /** e.g. '300ms'. */
  readonly checkpointInterval?: string;
  /** Fraction of the kills made by a failpoint at a protocol step rather than a timer (0..1). */
  readonly failpointShare?: number;
  /**
   * Timed kills land this long after the job is submitted (or, with killAfterCheckpoint, after the
   * run's first completed checkpoint), uniformly drawn (ms).
   */
  readonly killWindowMs?: readonly [number, number];
  readonly killAfterCheckpoint?: boolean;
  readonly kafkaBootstrap?: string;
  readonly postgresUrl?: string;
  /**
   * A WEIR_FAILPOINTS value per run, in order, instead of the seed's choice: a run whose value
   * kills is expected to die there; the runs after the list run to the end.
   */
  readonly schedule?: readonly string[];
  /** More `-D key=value` for every run. */
  readonly config?: readonly string[];
  /** Where the job file and checkpoints go; default a fresh folder under the OS temp dir. */
  readonly workDir?: string;
  /** One line per event (kill, restart, restore). */
  readonly log?: (line: string) => void;
  /** Longest a single run may take before the loop gives up (ms). */
  readonly runTimeoutMs?: number;
}

export interface CrashLoopReport {
  readonly seed: number;
  readonly source: CrashSource;
  readonly sink: CrashSink;
  readonly guarantee: CrashGuarantee;
  readonly query: CrashQuery;
  /** Where the job wrote: the Kafka topic, the PostgreSQL table or the sink's directory. */
  readonly output: string;
  readonly kills: number;
  /** Of the kills, those made by a failpoint, by name. */
  readonly failpointKills: Readonly<Record<string, number>>;
  /** Every failpoint that fired, as `name=action`, with how often. */
  readonly fired: Readonly<Record<string, number>>;
  /** Process restarts: with `run -s` from the latest checkpoint, or afresh when there was none yet. */
  readonly restarts: number;
  /** Failovers inside the processes (the restart strategy). */
  readonly failovers: number;
  readonly expected: number;
  readonly checked: number;
  readonly lost: number;
  readonly duplicated: number;
  /** Records of a partition out of the source order (exactly-once, parallelism 1). */
  readonly outOfOrder: number;
  /** Rows whose value is not what the job computes. */
  readonly wrongValues: number;
  readonly lingeringTransactions: readonly string[];
  /** chk-<n> folders without _metadata seen (and never chosen). */
  readonly incompleteCheckpointsSkipped: number;
  readonly restoredFrom: readonly string[];
  readonly durationMs: number;
  /** Why the loop is not a pass, empty when it is. */
  readonly problems: readonly string[];
}

const WEIR_BIN = fileURLToPath(new URL('../../bin/weir.js', import.meta.url));

/** Failpoints a kill may be placed at, with how many hits to let pass first (1..3). */
const KILL_POINTS = [
  'source.before-barrier',
  'source.after-barrier',
  'operator.snapshot',
  'checkpoint.async-upload',
  'checkpoint.before-metadata',
  'checkpoint.after-metadata',
  'checkpoint.before-notify',
  'sink.before-commit',
  'restore.commit',
  'task.restore',
] as const;

interface Run {
  readonly child: ChildProcess;
  stderr: string;
  readonly exit: Promise<number | null>;
}

function startRun(args: readonly string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, [WEIR_BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', WEIR_HOME: join(tmpdir(), 'weir-chaos-home'), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const run: Run = {
    child,
    stderr: '',
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    run.stderr += d;
  });
  return run;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function untilAsync(probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe()) && Date.now() <= deadline) await sleep(50);
}

async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined || Date.now() > deadline) return v;
    await sleep(20);
  }
}

/**
 * The newest completed checkpoint under the checkpoint root, over all job folders (each `run -s`
 * is a new job id; checkpoint ids continue from the restored one). A folder without `_metadata` is
 * an incomplete checkpoint and is counted, never chosen; a `_metadata` that does not load is a
 * violation of the atomic-write promise and is reported.
 */
export async function latestCompletedCheckpoint(
  root: string,
): Promise<{ path?: string; incomplete: number; broken: string[] }> {
  const found: { n: number; path: string }[] = [];
  let incomplete = 0;
  for (const job of await readdir(root).catch(() => [] as string[])) {
    for (const e of await readdir(join(root, job)).catch(() => [] as string[])) {
      const m = /^chk-(\d+)$/.exec(e);
      if (!m) continue;
      const path = join(root, job, e);
      if (await stat(join(path, '_metadata')).catch(() => undefined)) found.push({ n: Number(m[1]), path });
      else incomplete++;
    }
  }
  found.sort((a, b) => b.n - a.n);
  const broken: string[] = [];
  for (const f of found) {
    try {
      await loadCheckpointMetadata(f.path);
      return { path: f.path, incomplete, broken };
    } catch {
      broken.push(f.path);
    }
  }
  return { incomplete, broken };
}

/** Keys of the 'upsert' query: SUM(id) GROUP BY id % UPSERT_KEYS. */
const UPSERT_KEYS = 1000;

/** Ids per one-second tumbling window: the rows are 10 ms apart in event time. */
const WINDOW_IDS = 100;

function jobSql(
  o: Required<Pick<CrashLoopOptions, 'source' | 'sink' | 'guarantee' | 'query'>>,
  p: Params,
): string {
  const sequence = (name: string, extra = '') =>
    o.source === 'kafka'
      ? `CREATE TABLE ${name} (id BIGINT${extra}) WITH (
  'connector' = 'kafka', 'topic' = '${p.inputTopic}',
  'properties.bootstrap.servers' = '${p.kafkaBootstrap}', 'format' = 'json',
  'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset'
);\n`
      : `CREATE TABLE ${name} (id BIGINT${extra}) WITH (
  'connector' = 'datagen', 'rows-per-second' = '${p.rowsPerSecond}',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${p.rows}'
);\n`;
  const source =
    o.query === 'window'
      ? sequence(
          'seq',
          `, ts AS TIMESTAMP '2024-01-01 00:00:00' + id * 10 * INTERVAL '0.001' SECOND, WATERMARK FOR ts AS ts`,
        )
      : o.query === 'join'
        ? sequence('seq') + sequence('seq2')
        : sequence('seq');
  const sink =
    o.sink === 'kafka'
      ? `CREATE TABLE out (id BIGINT, v BIGINT) WITH (
  'connector' = 'kafka', 'topic' = '${p.topic}',
  'properties.bootstrap.servers' = '${p.kafkaBootstrap}', 'format' = 'json',
  'sink.delivery-guarantee' = '${o.guarantee}', 'sink.transactional-id-prefix' = '${p.prefix}'
);\n`
      : o.sink === 'filesystem'
        ? // Finished files only appear at completed checkpoints: the format has no delivery guarantee to set.
          `CREATE TABLE out (id BIGINT, v BIGINT) WITH (
  'connector' = 'filesystem', 'path' = '${p.outDir}', 'format' = 'csv'
);\n`
        : `CREATE TABLE out (id BIGINT, v BIGINT${o.query === 'upsert' ? ', PRIMARY KEY (id) NOT ENFORCED' : ''}) WITH (
  'connector' = 'jdbc', ${p.jdbcUrl}, 'table-name' = '${p.table}',
  'sink.delivery-guarantee' = '${o.guarantee}', 'sink.buffer-flush.max-rows' = '500'
);\n`;
  const insert = {
    copy: 'INSERT INTO out SELECT id, id * 3 FROM seq;',
    filter: `INSERT INTO out SELECT id, id * 3 FROM seq WHERE MOD(id, ${FILTERED_OUT}) <> 0;`,
    // A regular inner join of two sequences: both sides' rows are keyed state until matched.
    join: 'INSERT INTO out SELECT a.id, b.id * 3 FROM seq AS a JOIN seq2 AS b ON a.id = b.id;',
    // One row per window: its first id and the sum of its ids.
    window: `INSERT INTO out SELECT MIN(id), SUM(id) FROM TABLE(TUMBLE(TABLE seq, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY window_start, window_end;`,
    // Every row updates its key's sum: the table must end with each key's final sum, once.
    upsert: `INSERT INTO out SELECT id % ${UPSERT_KEYS}, SUM(id) FROM seq GROUP BY id % ${UPSERT_KEYS};`,
  }[o.query];
  return `${source}${sink}${insert}\n`;
}

/** The filter query drops the multiples of this. */
const FILTERED_OUT = 4;

/** What the job must write, as id → v. */
function expectedRows(query: CrashQuery, rows: number): Map<number, number> {
  const expected = new Map<number, number>();
  if (query === 'upsert') {
    for (let id = 1; id <= rows; id++)
      expected.set(id % UPSERT_KEYS, (expected.get(id % UPSERT_KEYS) ?? 0) + id);
    return expected;
  }
  if (query !== 'window') {
    for (let id = 1; id <= rows; id++)
      if (query !== 'filter' || id % FILTERED_OUT !== 0) expected.set(id, id * 3);
    return expected;
  }
  // Window k holds the ids whose time id * 10 ms falls in second k: [100k, 100k + 99], from 1.
  for (let start = 0; start <= rows; start += WINDOW_IDS) {
    const first = Math.max(1, start);
    const last = Math.min(rows, start + WINDOW_IDS - 1);
    let sum = 0;
    for (let id = first; id <= last; id++) sum += id;
    expected.set(first, sum);
  }
  return expected;
}

/** The url, username and password options of the jdbc connector for a postgres:// URL. */
function jdbcOptions(postgresUrl: string): string {
  const u = new URL(postgresUrl);
  const options = [`'url' = 'jdbc:postgresql://${u.host}${u.pathname}'`];
  options.push(`'username' = '${decodeURIComponent(u.username) || 'postgres'}'`);
  if (u.password) options.push(`'password' = '${decodeURIComponent(u.password)}'`);
  return options.join(', ');
}

interface Params {
  readonly rows: number;
  readonly expected: ReadonlyMap<number, number>;
  readonly rowsPerSecond: number;
  readonly topic: string;
  /** The input topic of source 'kafka'. */
  readonly inputTopic: string;
  readonly prefix: string;
  readonly table: string;
  /** The filesystem sink's directory. */
  readonly outDir: string;
  readonly kafkaBootstrap: string;
  readonly jdbcUrl: string;
}

export async function runCrashLoop(options: CrashLoopOptions): Promise<CrashLoopReport> {
  const started = Date.now();
  const guarantee = options.guarantee ?? 'exactly-once';
  const log = options.log ?? (() => {});
  const random = seededRandom(options.seed);
  const rowsPerSecond = options.rowsPerSecond ?? 4000;
  const [killMin, killMax] = options.killWindowMs ?? [300, 2500];
  // About half of each timed run makes progress; the sequence outlasts the kills.
  const rows =
    options.rows ?? Math.round((options.kills * ((killMin + killMax) / 2000) * 1.2 + 3) * rowsPerSecond);
  const tag = `chaos${options.seed}x${Date.now().toString(36)}`;
  const workDir = options.workDir ?? join(tmpdir(), `weir-${tag}`);
  await mkdir(workDir, { recursive: true });
  const checkpoints = join(workDir, 'checkpoints');
  const params: Params = {
    rows,
    expected: expectedRows(options.query ?? 'copy', rows),
    rowsPerSecond,
    topic: `${tag}-out`,
    inputTopic: `${tag}-in`,
    prefix: tag,
    table: `${tag}_out`,
    outDir: join(workDir, 'out'),
    kafkaBootstrap: options.kafkaBootstrap ?? '',
    jdbcUrl: options.postgresUrl ? jdbcOptions(options.postgresUrl) : '',
  };
  if (options.query === 'upsert' && options.sink !== 'jdbc')
    throw new Error("runCrashLoop: the 'upsert' query needs the jdbc sink (its updates are upserts by key)");
  const source = options.source ?? 'datagen';
  if (source === 'kafka') {
    if (!options.kafkaBootstrap) throw new Error('runCrashLoop: the kafka source needs kafkaBootstrap');
    await fillInputTopic(options.kafkaBootstrap, params.inputTopic, rows);
    log(`filled ${params.inputTopic} with ids 1..${rows}`);
  }
  if (options.sink === 'kafka') {
    if (!options.kafkaBootstrap) throw new Error('runCrashLoop: the kafka sink needs kafkaBootstrap');
    const admin = new Admin({ clientId: 'weir-chaos', bootstrapBrokers: options.kafkaBootstrap.split(',') });
    try {
      await admin.createTopics({ topics: [params.topic], partitions: 3, replicas: 1 });
    } finally {
      await admin.close();
    }
  } else if (options.sink === 'jdbc') {
    if (!options.postgresUrl) throw new Error('runCrashLoop: the jdbc sink needs postgresUrl');
    const key = options.query === 'upsert' ? ' PRIMARY KEY' : '';
    await withPg(options.postgresUrl, (c) =>
      c.query(`CREATE TABLE ${params.table} (id bigint${key}, v bigint)`),
    );
  }
  const file = join(workDir, 'job.sql');
  const query = options.query ?? 'copy';
  await writeFile(file, jobSql({ source, sink: options.sink, guarantee, query }, params));
  const baseArgs = [
    'run',
    '-f',
    file,
    '-p',
    String(options.parallelism ?? 1),
    '-D',
    `execution.checkpointing.interval=${options.checkpointInterval ?? '300ms'}`,
    '-D',
    `execution.checkpointing.mode=${guarantee === 'exactly-once' ? 'EXACTLY_ONCE' : 'AT_LEAST_ONCE'}`,
    '-D',
    `state.checkpoints.dir=${checkpoints}`,
    '-D',
    'execution.checkpointing.num-retained=3',
    '-D',
    'restart-strategy.type=fixed-delay',
    '-D',
    'restart-strategy.fixed-delay.attempts=1000',
    '-D',
    'restart-strategy.fixed-delay.delay=50ms',
    ...(options.config ?? []).flatMap((c) => ['-D', c]),
  ];

  const problems: string[] = [];
  const failpointKills: Record<string, number> = {};
  const fired: Record<string, number> = {};
  const restoredFrom: string[] = [];
  let kills = 0;
  let restarts = 0;
  let failovers = 0;
  let incomplete = 0;
  const runTimeout = options.runTimeoutMs ?? 120_000;
  let finished = false;

  for (let attempt = 0; !finished; attempt++) {
    const latest = await latestCompletedCheckpoint(checkpoints);
    incomplete = Math.max(incomplete, latest.incomplete);
    if (latest.broken.length > 0)
      problems.push(`checkpoints with unreadable _metadata: ${latest.broken.join(', ')}`);
    const args = latest.path ? [...baseArgs, '-s', latest.path] : baseArgs;
    if (attempt > 0) restarts++;
    if (latest.path) restoredFrom.push(latest.path.slice(checkpoints.length + 1));
    const restoring = latest.path !== undefined;
    const scheduled = options.schedule?.[attempt];
    const killing = scheduled !== undefined ? scheduled.includes('=kill') : kills < options.kills;
    // Draws happen whether or not they are used, so a seed always gives the same schedule.
    const useFailpoint = random() < (options.failpointShare ?? 0.5);
    const point = KILL_POINTS[Math.floor(random() * KILL_POINTS.length)];
    // Restore steps happen once per process; the others once per checkpoint (or per task).
    const hit = point.includes('restore') ? 1 : 1 + Math.floor(random() * 3);
    const delay = killMin + random() * (killMax - killMin);
    const failpoints = scheduled ?? (killing && useFailpoint ? `${point}=kill@${hit}` : '');
    const run = startRun(args, failpoints ? { WEIR_FAILPOINTS: failpoints } : {});
    log(
      `run ${attempt + 1}: ${restoring ? `restore from ${restoredFrom.at(-1)}` : 'fresh start'}${
        killing
          ? failpoints
            ? `, failpoint ${failpoints}`
            : `, SIGKILL ${Math.round(delay)} ms after submit`
          : ', to the end'
      }`,
    );
    let exited: number | null | undefined;
    void run.exit.then((code) => {
      exited = code;
    });
    // A failpoint may kill the process before it prints that the job was submitted (a restore
    // step runs as the job starts): the exit is then the run's outcome.
    await until(
      () => (/Submitted job/.test(run.stderr) || exited !== undefined ? true : undefined),
      runTimeout,
    );
    let killedByTimer = false;
    if (exited === undefined && killing && !failpoints && options.killAfterCheckpoint) {
      // Timed from this run's first completed checkpoint, so that every restart resumes from one
      // even on a machine too busy for a job to checkpoint soon after it starts.
      const before = latest.path;
      await untilAsync(
        async () => exited !== undefined || (await latestCompletedCheckpoint(checkpoints)).path !== before,
        runTimeout,
      );
    }
    if (exited === undefined) {
      // A failpoint drawn from the seed may never be reached (the job ends first): a timer then
      // kills instead. A scheduled one must be reached.
      const waitMs = !killing || scheduled !== undefined ? runTimeout : failpoints ? delay * 3 : delay;
      await until(() => (exited !== undefined ? true : undefined), waitMs);
      if (exited === undefined) {
        run.child.kill('SIGKILL');
        await run.exit;
        killedByTimer = true;
        if (!killing) problems.push(`run ${attempt + 1} did not end within ${runTimeout} ms`);
        else if (scheduled !== undefined)
          problems.push(`run ${attempt + 1}: failpoint ${scheduled} was not reached`);
        else if (failpoints) log('  failpoint not reached; killed by timer');
      }
    }
    if (exited === null) {
      const byFailpoint = /failpoint (\S+) fired \(kill/.exec(run.stderr)?.[1];
      if (byFailpoint && !killedByTimer) failpointKills[byFailpoint] = (failpointKills[byFailpoint] ?? 0) + 1;
      if (killedByTimer || byFailpoint) kills++;
    }
    await writeFile(join(workDir, `run-${attempt + 1}.log`), run.stderr);
    for (const m of run.stderr.matchAll(/failpoint (\S+) fired \((\w+)/g)) {
      const key = `${m[1]}=${m[2]}`;
      fired[key] = (fired[key] ?? 0) + 1;
    }
    failovers += (run.stderr.match(/\] Job [0-9a-f]+ failed: .*Restarting in/g) ?? []).length;
    if (exited !== undefined && exited !== null) {
      if (exited === 0) finished = true;
      else {
        problems.push(`run ${attempt + 1} exited with code ${exited}: ${run.stderr.slice(-2000)}`);
        break;
      }
    }
    if (problems.length > 0 && !finished) break;
  }

  let result: Omit<Checked, 'lingering'> & { lingering: string[] } = {
    checked: 0,
    lost: params.expected.size,
    duplicated: 0,
    outOfOrder: 0,
    wrongValues: 0,
    lingering: [],
  };
  if (finished) {
    result =
      options.sink === 'kafka'
        ? await checkKafka(params, options.kafkaBootstrap!)
        : options.sink === 'filesystem'
          ? await checkFiles(params)
          : await checkJdbc(params, options.postgresUrl!);
  }
  if (result.lost > 0) problems.push(`${result.lost} records lost`);
  if (guarantee === 'exactly-once' && result.duplicated > 0)
    problems.push(`${result.duplicated} records duplicated`);
  if (guarantee === 'exactly-once' && result.outOfOrder > 0 && (options.parallelism ?? 1) === 1)
    problems.push(`${result.outOfOrder} records out of order`);
  if (result.wrongValues > 0) problems.push(`${result.wrongValues} records with a wrong value`);
  if (result.lingering.length > 0) problems.push(`lingering transactions: ${result.lingering.join(', ')}`);
  return {
    seed: options.seed,
    source,
    sink: options.sink,
    guarantee,
    query,
    output: { kafka: params.topic, jdbc: params.table, filesystem: params.outDir }[options.sink],
    kills,
    failpointKills,
    fired,
    restarts,
    failovers,
    expected: params.expected.size,
    checked: result.checked,
    lost: result.lost,
    duplicated: result.duplicated,
    outOfOrder: result.outOfOrder,
    wrongValues: result.wrongValues,
    lingeringTransactions: result.lingering,
    incompleteCheckpointsSkipped: incomplete,
    restoredFrom,
    durationMs: Date.now() - started,
    problems,
  };
}

interface Checked {
  readonly checked: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly outOfOrder: number;
  readonly wrongValues: number;
  readonly lingering: string[];
}

/** Each expected row against what was read, in the order read per partition. */
function tally(
  expected: ReadonlyMap<number, number>,
  partitions: readonly (readonly { id: number; v: number }[])[],
): Omit<Checked, 'lingering'> {
  const seen = new Map<number, number>();
  let checked = 0;
  let duplicated = 0;
  let outOfOrder = 0;
  let wrongValues = 0;
  for (const records of partitions) {
    let last = Number.NEGATIVE_INFINITY;
    for (const { id, v } of records) {
      checked++;
      const want = expected.get(id);
      if (want === undefined) {
        wrongValues++;
        continue;
      }
      const n = seen.get(id) ?? 0;
      seen.set(id, n + 1);
      if (n > 0) duplicated++;
      if (id <= last) outOfOrder++;
      last = Math.max(last, id);
      if (v !== want) wrongValues++;
    }
  }
  let lost = 0;
  for (const id of expected.keys()) if (!seen.has(id)) lost++;
  return { checked, lost, duplicated, outOfOrder, wrongValues };
}

async function withPg<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

async function checkJdbc(p: Params, url: string): Promise<Checked> {
  return withPg(url, async (c) => {
    const { rows } = await c.query<{ id: string; v: string }>(`SELECT id, v FROM ${p.table} ORDER BY id`);
    const counts = tally(p.expected, [rows.map((r) => ({ id: Number(r.id), v: Number(r.v) }))]);
    const prepared = await c.query<{ gid: string }>(
      "SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE 'weir:%'",
    );
    // A table has no order: only the set of rows is checked.
    return { ...counts, outOfOrder: 0, lingering: prepared.rows.map((r) => r.gid) };
  });
}

/**
 * The rows of the finished part files (what a reader sees: names not starting with '.' or '_');
 * hidden part files still there at the end — in progress or pending, never committed — are
 * reported as lingering.
 */
async function checkFiles(p: Params): Promise<Checked> {
  const names = await readdir(p.outDir).catch(() => [] as string[]);
  const rows: { id: number; v: number }[] = [];
  for (const name of names.filter((n) => !n.startsWith('.') && !n.startsWith('_')).sort()) {
    for (const line of (await readFile(join(p.outDir, name), 'utf8')).split('\n')) {
      if (line === '') continue;
      const [id, v] = line.split(',');
      rows.push({ id: Number(id), v: Number(v) });
    }
  }
  // Files have no order between them; only the set of rows is checked.
  const counts = tally(p.expected, [rows]);
  return { ...counts, outOfOrder: 0, lingering: names.filter((n) => n.startsWith('.part-')) };
}

/** Reads the whole topic as a read_committed consumer sees it (aborted records hidden). */
export async function readCommitted(bootstrap: string, topic: string): Promise<string[][]> {
  const admin = new Admin({ clientId: 'weir-chaos', bootstrapBrokers: bootstrap.split(',') });
  const consumer = new Consumer({
    clientId: 'weir-chaos',
    groupId: `weir-chaos-${Date.now()}`,
    bootstrapBrokers: bootstrap.split(','),
  });
  const fetcher = new RawFetcher(
    kafkaClientSettings({ 'properties.bootstrap.servers': bootstrap }, 'chaos'),
    'weir-chaos',
  );
  try {
    const metadata = await admin.metadata({ topics: [topic] });
    const info = metadata.topics.get(topic)!;
    const ends = (await consumer.listOffsets({ topics: [topic], timestamp: -1n, isolationLevel: 1 })).get(
      topic,
    )!;
    const out: string[][] = [];
    for (let partition = 0; partition < info.partitionsCount; partition++) {
      const values: string[] = [];
      let offset = 0n;
      const broker = metadata.brokers.get(info.partitions[partition].leader)!;
      while (offset < ends[partition]) {
        const response = await fetcher.fetch(broker, {
          maxWaitTime: 100,
          minBytes: 1,
          maxBytes: 10 << 20,
          isolationLevel: 1,
          topics: [
            {
              topicId: info.id,
              partitions: [
                {
                  partition,
                  fetchOffset: offset,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                  partitionMaxBytes: 4 << 20,
                },
              ],
            },
          ],
        });
        for (const { batch, control } of committedBatches(response.responses[0].partitions[0])) {
          const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          if (!control) {
            for (const r of batch.records) {
              if (batch.firstOffset + BigInt(r.offsetDelta) < offset) continue;
              values.push(r.value?.toString() ?? '');
            }
          }
          if (end > offset) offset = end;
        }
      }
      out.push(values);
    }
    return out;
  } finally {
    await consumer.close(true);
    await admin.close();
    await fetcher.close();
  }
}

async function checkKafka(p: Params, bootstrap: string): Promise<Checked> {
  const partitions = await readCommitted(bootstrap, p.topic);
  const counts = tally(
    p.expected,
    partitions.map((values) =>
      values.map((v) => {
        const r = JSON.parse(v) as { id: number; v: number };
        return { id: r.id, v: r.v };
      }),
    ),
  );
  const settings = kafkaClientSettings({ 'properties.bootstrap.servers': bootstrap }, 'chaos');
  const txns = new TransactionAdmin(settings, 'weir-chaos');
  const admin = new Admin({ clientId: 'weir-chaos', bootstrapBrokers: bootstrap.split(',') });
  try {
    const brokers = [...(await admin.metadata({ topics: [p.topic] })).brokers.values()];
    const ongoing = await txns.ongoing(brokers);
    return { ...counts, lingering: ongoing.filter((id) => id.startsWith(`${p.prefix}-`)) };
  } finally {
    await admin.close().catch(() => {});
    await txns.close();
  }
}

/**
 * The input of source 'kafka': ids 1..rows as `{"id": n}` in one partition, so that a job at
 * parallelism 1 reads them in order and the order check of the output stays meaningful.
 */
async function fillInputTopic(bootstrap: string, topic: string, rows: number): Promise<void> {
  const admin = new Admin({ clientId: 'weir-chaos', bootstrapBrokers: bootstrap.split(',') });
  try {
    await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 });
  } finally {
    await admin.close();
  }
  const producer = new Producer({
    clientId: 'weir-chaos',
    bootstrapBrokers: bootstrap.split(','),
    idempotent: true,
  });
  try {
    for (let first = 1; first <= rows; first += 10_000) {
      const messages = [];
      for (let id = first; id <= Math.min(rows, first + 9_999); id++)
        messages.push({ topic, partition: 0, value: Buffer.from(`{"id":${id}}`) });
      await producer.send({ messages });
    }
  } finally {
    await producer.close();
  }
}

/** One line a person reads. */
export function formatReport(r: CrashLoopReport): string {
  const fp = Object.entries(r.failpointKills)
    .map(([k, n]) => `${k}×${n}`)
    .join(', ');
  return [
    `crash loop seed=${r.seed} source=${r.source} sink=${r.sink} ${r.guarantee} query=${r.query}: ${r.problems.length === 0 ? 'PASS' : 'FAIL'}`,
    `  kills=${r.kills}${fp ? ` (failpoints: ${fp})` : ''} restarts=${r.restarts} (${r.restoredFrom.length} from a checkpoint) failovers=${r.failovers}`,
    `  records expected=${r.expected} checked=${r.checked} lost=${r.lost} duplicated=${r.duplicated} out-of-order=${r.outOfOrder} wrong=${r.wrongValues}`,
    `  lingering ${r.sink === 'filesystem' ? 'hidden part files' : 'transactions'}=${r.lingeringTransactions.length} incomplete checkpoints skipped=${r.incompleteCheckpointsSkipped} time=${(r.durationMs / 1000).toFixed(1)} s`,
    ...r.problems.map((p) => `  problem: ${p}`),
  ].join('\n');
}
