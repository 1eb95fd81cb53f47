import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../../src/testing/ports.js';
import { runWeir } from '../helpers/cli.js';
import { useTestDatabase } from '../infra/context.js';
import { preparedGids, useResources } from './helpers.js';

// Mistakes in a jdbc sink's options or DDL, as a user meets them: `weir run -f` with checkpointing
// on, so the default restart strategy (exponential-delay, unbounded) is in force. Each must end the
// job with a classified error that names what is wrong and where, never a stack trace, never the
// password. Runs bin/weir.js (`npm run build` first).
const db = useTestDatabase(import.meta.url);
const SECRET = 'pa55-not-for-logs';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-jdbc-bad-input-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Sink {
  readonly url?: string;
  readonly table: string;
  /** The sink's columns as declared in the CREATE TABLE. */
  readonly columns?: string;
  /** The SELECT list over `seq (id BIGINT)`. */
  readonly select?: string;
  readonly username?: string;
  readonly rows?: number;
  readonly extra?: string;
}

async function run(name: string, sink: Sink, config: readonly string[] = []) {
  const u = new URL(db().url);
  const file = join(dir, `${name}.sql`);
  await writeFile(
    file,
    `CREATE TABLE seq (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '2000',
       'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${sink.rows ?? 10}');
     CREATE TABLE out (${sink.columns ?? 'id BIGINT'}) WITH ('connector' = 'jdbc',
       'url' = '${sink.url ?? `jdbc:postgresql://${u.host}${u.pathname}`}',
       'username' = '${sink.username ?? (u.username || 'postgres')}', 'password' = '${SECRET}',
       'table-name' = '${sink.table}', 'sink.delivery-guarantee' = 'exactly-once'${sink.extra ?? ''});
     INSERT INTO out SELECT ${sink.select ?? 'id'} FROM seq;\n`,
  );
  const result = await runWeir([
    'run',
    '-f',
    file,
    '-D',
    'execution.checkpointing.interval=200ms',
    ...config.flatMap((c) => ['-D', c]),
  ]);
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stderr).not.toContain(SECRET);
  // No stack trace: no "    at fn (file:line)" frames.
  expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  return result;
}

describe('jdbc sink: bad options and DDL through `weir run -f`', () => {
  const res = useResources();

  it('a host that does not exist: JDBC_CONNECTION_FAILED naming it, at once', async () => {
    const { stderr } = await run('host', {
      url: 'jdbc:postgresql://no-such-host.invalid:5432/shop',
      table: 't',
    });
    expect(stderr).toContain('JDBC_CONNECTION_FAILED');
    expect(stderr).toContain('no-such-host.invalid');
    expect(stderr).toMatch(/not restarted/);
  }, 60_000);

  it('a port nothing listens on: retried within connection.max-retry-timeout, then the restart strategy, then a failure', async () => {
    const [port] = await freePorts(1);
    const { stderr } = await run(
      'port',
      {
        url: `jdbc:postgresql://127.0.0.1:${port}/shop`,
        table: 't',
        extra: ", 'connection.max-retry-timeout' = '1s'",
      },
      [
        'restart-strategy.type=fixed-delay',
        'restart-strategy.fixed-delay.attempts=1',
        'restart-strategy.fixed-delay.delay=10ms',
      ],
    );
    expect(stderr).toContain('JDBC_CONNECTION_FAILED');
    expect(stderr).toContain(`127.0.0.1:${port}`);
    // A refused connection may be a database restarting: the restart strategy gets its say.
    expect(stderr.match(/Restarting in/g)?.length).toBe(1);
  }, 60_000);

  it('a database that does not exist', async () => {
    const u = new URL(db().url);
    const { stderr } = await run('database', {
      url: `jdbc:postgresql://${u.host}/no_such_db_here`,
      table: 't',
    });
    expect(stderr).toContain('JDBC_CONNECTION_FAILED');
    expect(stderr).toContain('no_such_db_here');
    expect(stderr).toMatch(/not restarted/);
  }, 60_000);

  it('a user that does not exist: JDBC_AUTHENTICATION_FAILED', async () => {
    const { stderr } = await run('user', { username: 'no_such_role_x', table: 't' });
    expect(stderr).toContain('JDBC_AUTHENTICATION_FAILED');
    expect(stderr).toContain("'username' and 'password'");
  }, 60_000);

  it('a table that does not exist: JDBC_TABLE_NOT_FOUND before any row', async () => {
    const { stderr } = await run('table', { table: 'no_such_table' });
    expect(stderr).toContain('JDBC_TABLE_NOT_FOUND');
    expect(stderr).toContain('no_such_table');
    expect(stderr).toMatch(/not restarted/);
  }, 60_000);

  it('a column that does not exist: JDBC_COLUMN_NOT_FOUND listing the columns there are', async () => {
    const admin = await res.client(db().url);
    await admin.query('CREATE TABLE col_out (ident bigint)');
    const { stderr } = await run('column', { table: 'col_out' });
    expect(stderr).toContain('JDBC_COLUMN_NOT_FOUND');
    expect(stderr).toMatch(/no column "id".*\n?.*ident/);
  }, 60_000);

  it.each([
    ['INT into a text column', 'text', 'id INT', 'CAST(id AS INT)', 'text', 'INT'],
    ['INT into a uuid column', 'uuid', 'id INT', 'CAST(id AS INT)', 'uuid', 'INT'],
    ['STRING into an integer column', 'integer', 'id STRING', 'CAST(id AS STRING)', 'integer', 'STRING'],
    [
      'TIMESTAMP into a bigint column',
      'bigint',
      'id TIMESTAMP(3)',
      "TIMESTAMP '2024-01-01 00:00:00'",
      'bigint',
      'TIMESTAMP(3)',
    ],
  ])(
    'a type mismatch, %s: JDBC_TYPE_MISMATCH naming the column and both types, nothing written',
    async (_, column, ddl, select, shown, declared) => {
      const admin = await res.client(db().url);
      const table = `mismatch_${column}`;
      await admin.query(`CREATE TABLE ${table} (id ${column})`);
      const { stderr } = await run(table, { table, columns: ddl, select });
      expect(stderr).toContain('JDBC_TYPE_MISMATCH');
      expect(stderr).toContain(`Column "id" of ${table}`);
      expect(stderr).toContain(`is ${shown}, but`);
      expect(stderr).toContain(`declares it ${declared}`);
      expect(stderr).toMatch(/not restarted/);
      expect(Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n)).toBe(0);
    },
    60_000,
  );

  it('a value too large for its column mid-run: JDBC_INVALID_VALUE, and what checkpoints committed before stays', async () => {
    const admin = await res.client(db().url);
    await admin.query('CREATE TABLE overflow_out (id integer)');
    // BIGINT into int4 is allowed (as in Flink); id 4000 onwards do not fit.
    const { stderr } = await run('overflow', {
      table: 'overflow_out',
      rows: 6000,
      select: 'CASE WHEN id < 4000 THEN id ELSE id * 1000000 END',
    });
    expect(stderr).toContain('JDBC_INVALID_VALUE');
    expect(stderr).toContain('overflow_out');
    expect(stderr).toMatch(/out of range for type integer/);
    expect(stderr).toMatch(/not restarted/);
    const { rows } = await admin.query<{
      n: string;
      distinct: string;
      min: string | null;
      max: string | null;
    }>(
      'SELECT count(*) AS n, count(DISTINCT id) AS distinct, min(id)::text AS min, max(id)::text AS max FROM overflow_out',
    );
    // The committed rows are whole checkpoints: 1..k without a gap or a duplicate. The commit of the
    // last completed checkpoint may have been cut off by the failure: its transaction stays prepared,
    // for `run -s` from that checkpoint to commit.
    const n = Number(rows[0].n);
    expect(n).toBeGreaterThan(0);
    expect(rows[0]).toEqual({ n: String(n), distinct: String(n), min: '1', max: String(n) });
    expect(n).toBeLessThan(4000);
    const prepared = await preparedGids(admin);
    expect(prepared.length).toBeLessThanOrEqual(2);
  }, 60_000);
});
