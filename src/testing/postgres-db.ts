import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { PostgresConnection, TestDatabase } from './postgres-types.js';

/**
 * A new, empty database on `server` with a unique name built from `hint` (e.g. the test file's name),
 * so test files running in parallel never see each other's tables or prepared transactions.
 */
export async function createDatabase(
  server: PostgresConnection | string,
  hint = 'test',
): Promise<TestDatabase> {
  const baseUrl = typeof server === 'string' ? server : server.url;
  const name = uniqueName(hint);
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = replaceDatabase(baseUrl, name);
  const parsed = new URL(url);
  let dropped: Promise<void> | undefined;
  return {
    name,
    url,
    host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || 'postgres',
    database: name,
    drop: () => (dropped ??= dropDatabase(baseUrl, url, name)),
  };
}

async function dropDatabase(baseUrl: string, url: string, name: string): Promise<void> {
  // A prepared transaction keeps its database in use even with no session, and only a session in
  // that very database can roll it back.
  await withClient(url, async (c) => {
    const { rows } = await c.query<{ gid: string }>(
      'SELECT gid FROM pg_prepared_xacts WHERE database = current_database()',
    );
    for (const { gid } of rows) await c.query(`ROLLBACK PREPARED ${c.escapeLiteral(gid)}`);
  }).catch((err: { code?: string }) => {
    if (err.code !== '3D000') throw err; // already gone
  });
  await withClient(baseUrl, (c) =>
    c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

/** weir_<hint>_<pid>_<random>, lower case, within PostgreSQL's 63-byte identifier limit. */
function uniqueName(hint: string): string {
  const slug =
    (hint.split(/[\\/]/).pop() ?? hint)
      .toLowerCase()
      .replace(/\.[cm]?[jt]s$/, '')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 30) || 'test';
  return `weir_${slug}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

function replaceDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function withClient<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end().catch(() => {});
  }
}
