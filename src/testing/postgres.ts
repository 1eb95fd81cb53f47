import pg from 'pg';
import { WeirError } from '../common/errors.js';
import { notice, seconds } from './notice.js';
import { PRIVATE_MAX_PREPARED_TRANSACTIONS, startPrivateCluster } from './postgres-cluster.js';
import type { PostgresConnection, PostgresServer, StartPostgresOptions } from './postgres-types.js';

export { createDatabase } from './postgres-db.js';
export type {
  PostgresConnection,
  PostgresServer,
  StartPostgresOptions,
  TestDatabase,
} from './postgres-types.js';

const DEFAULT_LOCAL_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A PostgreSQL server that can do two-phase commit (the JDBC sink prepares transactions), in this
 * order of preference:
 * - `WEIR_PG_URL`: that server, as it is (stop() leaves it alone);
 * - the server at 127.0.0.1:5432, if it answers and has max_prepared_transactions > 0;
 * - otherwise a private cluster (initdb in a temp folder, a free port on 127.0.0.1) that cannot
 *   outlive this process and is deleted by stop().
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const fromEnv = options.ignoreEnv ? undefined : process.env.WEIR_PG_URL?.trim();
  if (fromEnv) {
    notice(`using the PostgreSQL server at ${redact(fromEnv)} (WEIR_PG_URL)`);
    return { ...describeUrl(fromEnv), mode: 'external', maxPreparedTransactions: -1, stop: async () => {} };
  }
  const localUrl = options.localUrl ?? DEFAULT_LOCAL_URL;
  let reason: string;
  if (options.private) {
    reason = 'a private one was asked for';
  } else {
    const probe = await probeServer(localUrl);
    if ('max' in probe && probe.max > 0) {
      notice(`using the PostgreSQL server at ${redact(localUrl)} (max_prepared_transactions=${probe.max})`);
      return {
        ...describeUrl(localUrl),
        mode: 'local',
        maxPreparedTransactions: probe.max,
        stop: async () => {},
      };
    }
    const where = `${describeUrl(localUrl).host}:${describeUrl(localUrl).port}`;
    reason =
      'max' in probe
        ? `the server at ${where} has max_prepared_transactions=${probe.max}`
        : `no usable server at ${where} (${probe.error})`;
  }
  const started = Date.now();
  const cluster = await startPrivateCluster(options.startTimeoutMs);
  const url = `postgres://postgres@${cluster.host}:${cluster.port}/postgres`;
  notice(
    `started a private PostgreSQL ${cluster.major} on ${cluster.host}:${cluster.port} in ${seconds(started)} because ${reason}`,
  );
  return {
    url,
    host: cluster.host,
    port: cluster.port,
    user: 'postgres',
    database: 'postgres',
    mode: 'private',
    maxPreparedTransactions: PRIVATE_MAX_PREPARED_TRANSACTIONS,
    dir: cluster.dir,
    logFile: cluster.logFile,
    shutdown: () => cluster.shutdown(),
    start: () => cluster.start(),
    stop: () => cluster.stop(),
  };
}

async function probeServer(url: string): Promise<{ max: number } | { error: string }> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ max_prepared_transactions: string }>(
      'SHOW max_prepared_transactions',
    );
    return { max: Number(result.rows[0]?.max_prepared_transactions ?? 0) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: code === 'ECONNREFUSED' ? 'connection refused' : String((err as Error).message ?? err) };
  } finally {
    await client.end().catch(() => {});
  }
}

/** Host, port, user and database named by a postgres:// URL, with libpq's defaults for what it leaves out. */
export function describeUrl(url: string): PostgresConnection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WeirError('TESTING_PG_URL', `'${redact(url)}' is not a postgres:// URL`, {
      hint: 'for example postgres://postgres@127.0.0.1:5432/postgres',
    });
  }
  const user = decodeURIComponent(parsed.username) || 'postgres';
  return {
    url,
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    user,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || user,
  };
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}
