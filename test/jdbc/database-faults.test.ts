import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestCompletedCheckpoint } from '../../src/testing/crash-loop.js';
import {
  createDatabase,
  type PostgresServer,
  startPostgres,
  type TestDatabase,
} from '../../src/testing/index.js';
import { runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { preparedGids } from './helpers.js';

// The database going away under an exactly-once jdbc sink: a private PostgreSQL that this file
// starts itself (weir/testing), shut down with `pg_ctl stop -m fast` while a `weir run -f` job
// writes to it, then started again — or not. Also a real password check, which the shared
// (trust-auth) test server cannot do. Runs bin/weir.js (`npm run build` first).
let server: PostgresServer;
let db: TestDatabase;
let dir: string;
const clients: pg.Client[] = [];

beforeAll(async () => {
  server = await startPostgres({ private: true, ignoreEnv: true });
  db = await createDatabase(server, 'database_faults');
  dir = await mkdtemp(join(tmpdir(), 'weir-jdbc-db-faults-'));
}, 120_000);
afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await server?.start?.();
  await db?.drop().catch(() => {});
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** A session that survives the server going away (errors are reported by the next query). */
async function client(): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: db.url });
  c.on('error', () => {});
  await c.connect();
  clients.push(c);
  return c;
}

async function count(table: string): Promise<number> {
  const c = await client();
  try {
    return Number((await c.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await c.end();
  }
}

async function expectExactly(table: string, rows: number): Promise<void> {
  const c = await client();
  const { rows: result } = await c.query<{ n: string; distinct: string; min: string; max: string }>(
    `SELECT count(*) AS n, count(DISTINCT id) AS distinct, min(id)::text AS min, max(id)::text AS max FROM ${table}`,
  );
  expect(result[0]).toEqual({ n: String(rows), distinct: String(rows), min: '1', max: String(rows) });
  expect(await preparedGids(c)).toEqual([]);
}

async function jobFile(name: string, table: string, rows: number, extra = ''): Promise<string> {
  const c = await client();
  await c.query(`CREATE TABLE ${table} (id bigint)`);
  const file = join(dir, `${name}.sql`);
  await writeFile(
    file,
    `CREATE TABLE seq (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '3000',
       'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}');
     CREATE TABLE out (id BIGINT) WITH ('connector' = 'jdbc',
       'url' = 'jdbc:postgresql://${server.host}:${server.port}/${db.database}', 'username' = 'postgres',
       'table-name' = '${table}', 'sink.delivery-guarantee' = 'exactly-once'${extra});
     INSERT INTO out SELECT id FROM seq;\n`,
  );
  return file;
}

const runArgs = (file: string, checkpoints: string, more: readonly string[] = []) => [
  'run',
  '-f',
  file,
  '-D',
  'execution.checkpointing.interval=200ms',
  '-D',
  `state.checkpoints.dir=${checkpoints}`,
  ...more.flatMap((m) => ['-D', m]),
];

describe('the database restarted, down, or refusing the password, under an exactly-once jdbc sink', () => {
  it('restarted mid-run (pg_ctl stop -m fast, start): the job fails over, then finishes with every row once', async () => {
    const rows = 15_000;
    const table = 'restarted_out';
    const file = await jobFile('restart', table, rows);
    const job = startWeir(
      runArgs(file, join(dir, 'chk-restart'), [
        'restart-strategy.type=fixed-delay',
        'restart-strategy.fixed-delay.attempts=20',
        'restart-strategy.fixed-delay.delay=200ms',
      ]),
    );
    // Some checkpoints have committed: the restart hits a job with history, mid-run.
    await waitFor(async () => (await count(table)) > 0, { what: 'a first commit', timeoutMs: 30_000 });
    let exited = false;
    void job.exit.then(() => {
      exited = true;
    });
    await server.shutdown!();
    try {
      // The job notices (its sessions were cut) and fails over while the database is down.
      await waitFor(() => exited || /Restarting in/.test(job.stderr), {
        what: 'a failover',
        timeoutMs: 30_000,
      });
    } finally {
      await server.start!();
    }
    expect(job.stderr).toMatch(/Restarting in/);
    expect(await job.exit, job.stderr).toBe(0);
    await expectExactly(table, rows);
  }, 120_000);

  it('down at start: connection.max-retry-timeout bounds the wait, then a classified error', async () => {
    const table = 'down_at_start_out';
    const file = await jobFile('down-at-start', table, 100, ", 'connection.max-retry-timeout' = '2s'");
    await server.shutdown!();
    try {
      const result = await runWeir(runArgs(file, join(dir, 'chk-down'), ['restart-strategy.type=none']));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('JDBC_CONNECTION_FAILED');
      expect(result.stderr).toContain(`${server.host}:${server.port}`);
      expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    } finally {
      await server.start!();
    }
  }, 60_000);

  it('down mid-run for good: bounded restarts end in a classified error; what completed checkpoints hold is not lost', async () => {
    const rows = 15_000;
    const table = 'down_for_good_out';
    const checkpoints = join(dir, 'chk-gone');
    const file = await jobFile('down-for-good', table, rows, ", 'connection.max-retry-timeout' = '1s'");
    const job = startWeir(
      runArgs(file, checkpoints, [
        'restart-strategy.type=fixed-delay',
        'restart-strategy.fixed-delay.attempts=2',
        'restart-strategy.fixed-delay.delay=100ms',
        'execution.checkpointing.num-retained=3',
      ]),
    );
    await waitFor(async () => (await count(table)) > 0, { what: 'a first commit', timeoutMs: 30_000 });
    await server.shutdown!();
    let code: number | null;
    try {
      code = await job.exit;
    } finally {
      await server.start!();
    }
    expect(code).not.toBe(0);
    expect(job.stderr.match(/Restarting in/g)?.length).toBe(2);
    expect(job.stderr).toContain('JDBC_CONNECTION_FAILED');
    expect(job.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    // Everything up to the latest completed checkpoint is committed or still prepared; `run -s`
    // from it commits the prepared part and writes the rest, each row once.
    const latest = await latestCompletedCheckpoint(checkpoints);
    expect(latest.path).toBeDefined();
    const resumed = await runWeir([...runArgs(file, checkpoints), '-s', latest.path!]);
    expect(resumed.code, resumed.stderr).toBe(0);
    await expectExactly(table, rows);
  }, 120_000);

  it('a wrong password: JDBC_AUTHENTICATION_FAILED at once, the password never printed', async () => {
    const c = await client();
    await c.query("CREATE ROLE weir_pw LOGIN PASSWORD 'the-right-one'");
    await c.query('CREATE TABLE pw_out (id bigint)');
    await c.query('GRANT ALL ON pw_out TO weir_pw');
    // This role must give a password (scram), ahead of the cluster's trust lines.
    const hba = join(server.dir!, 'data', 'pg_hba.conf');
    await writeFile(hba, `host all weir_pw 127.0.0.1/32 scram-sha-256\n${await readFile(hba, 'utf8')}`);
    await c.query('SELECT pg_reload_conf()');
    const secret = 'wr0ng-pa55word';
    const file = join(dir, 'password.sql');
    await writeFile(
      file,
      `CREATE TABLE seq (id BIGINT) WITH ('connector' = 'datagen', 'fields.id.kind' = 'sequence',
         'fields.id.start' = '1', 'fields.id.end' = '10');
       CREATE TABLE out (id BIGINT) WITH ('connector' = 'jdbc',
         'url' = 'jdbc:postgresql://${server.host}:${server.port}/${db.database}',
         'username' = 'weir_pw', 'password' = '${secret}', 'table-name' = 'pw_out',
         'sink.delivery-guarantee' = 'exactly-once');
       INSERT INTO out SELECT id FROM seq;\n`,
    );
    // Checkpointing on: the default restart strategy would retry forever an error it can fix.
    const result = await runWeir(runArgs(file, join(dir, 'chk-pw')));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('JDBC_AUTHENTICATION_FAILED');
    expect(result.stderr).toContain('password authentication failed for user "weir_pw"');
    expect(result.stderr).not.toContain(secret);
    expect(result.stderr).not.toMatch(/Restarting in/);
    expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

    // The right password works: the check is the server's, not ours.
    await writeFile(file, (await readFile(file, 'utf8')).replace(secret, 'the-right-one'));
    const ok = await runWeir(runArgs(file, join(dir, 'chk-pw')));
    expect(ok.code, ok.stderr).toBe(0);
    expect(await count('pw_out')).toBe(10);
  }, 60_000);
});
