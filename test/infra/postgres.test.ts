import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/testing/index.js';
import { postgresConnection, useTestDatabase } from './context.js';

const db = useTestDatabase(import.meta.url);

describe('the test PostgreSQL', () => {
  const clients: pg.Client[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  });
  const connect = async () => {
    const client = new pg.Client(db().url);
    clients.push(client);
    await client.connect();
    return client;
  };
  // A quote in the id, because a gid cannot be a bind parameter and must survive escapeLiteral.
  const gid = (what: string) => `weir-infra-'${what}'-${randomBytes(4).toString('hex')}`;
  const rows = async (client: pg.Client, table: string) =>
    (await client.query<{ v: string }>(`SELECT v FROM ${table} ORDER BY v`)).rows.map((r) => r.v);
  const prepared = async (client: pg.Client) =>
    (
      await client.query<{ gid: string }>(
        'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid',
      )
    ).rows.map((r) => r.gid);

  it('is a fresh database of its own for this file', async () => {
    const client = await connect();
    const { rows: found } = await client.query<{ db: string; tables: string }>(
      `SELECT current_database() AS db,
              (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public') AS tables`,
    );
    expect(found[0].db).toBe(db().name);
    expect(found[0].db).toMatch(/^weir_postgres_test_\d+_[0-9a-f]{8}$/);
    expect(Number(found[0].tables)).toBe(0);
  });

  it('commits a prepared transaction from another session, after the preparing one is gone', async () => {
    const writer = await connect();
    const observer = await connect();
    await writer.query('CREATE TABLE committed_later (v text PRIMARY KEY)');
    const id = gid('commit');

    await writer.query('BEGIN');
    await writer.query('INSERT INTO committed_later VALUES ($1), ($2)', ['a', 'b']);
    await writer.query(`PREPARE TRANSACTION ${writer.escapeLiteral(id)}`);
    await writer.end();

    expect(await rows(observer, 'committed_later')).toEqual([]);
    expect(await prepared(observer)).toEqual([id]);

    await observer.query(`COMMIT PREPARED ${observer.escapeLiteral(id)}`);
    expect(await rows(observer, 'committed_later')).toEqual(['a', 'b']);
    expect(await prepared(observer)).toEqual([]);
  });

  it('rolls back a prepared transaction', async () => {
    const writer = await connect();
    const observer = await connect();
    await writer.query('CREATE TABLE rolled_back (v text PRIMARY KEY)');
    await writer.query("INSERT INTO rolled_back VALUES ('before')");
    const id = gid('rollback');

    await writer.query('BEGIN');
    await writer.query("INSERT INTO rolled_back VALUES ('prepared')");
    await writer.query(`PREPARE TRANSACTION ${writer.escapeLiteral(id)}`);
    expect(await prepared(observer)).toEqual([id]);

    await observer.query(`ROLLBACK PREPARED ${observer.escapeLiteral(id)}`);
    expect(await rows(observer, 'rolled_back')).toEqual(['before']);
    expect(await prepared(observer)).toEqual([]);
    // The gid is free again: committing it now is an error, not a silent no-op.
    await expect(observer.query(`COMMIT PREPARED ${observer.escapeLiteral(id)}`)).rejects.toThrow(
      /does not exist/,
    );
  });

  it('drops a test database even with a prepared transaction left in it', async () => {
    const server = postgresConnection();
    const scratch = await createDatabase(server, 'drop check');
    const writer = new pg.Client(scratch.url);
    // DROP … WITH (FORCE) ends this session; that is expected, not an error of the test.
    writer.on('error', () => {});
    clients.push(writer);
    await writer.connect();
    await writer.query('CREATE TABLE left_over (v text)');
    await writer.query('BEGIN');
    await writer.query("INSERT INTO left_over VALUES ('x')");
    await writer.query(`PREPARE TRANSACTION ${writer.escapeLiteral(gid('left-over'))}`);
    // The session stays open too: drop() must cope with both.

    await scratch.drop();

    const admin = new pg.Client(server.url);
    clients.push(admin);
    await admin.connect();
    const left = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [scratch.name]);
    expect(left.rowCount).toBe(0);
    const lingering = await admin.query('SELECT 1 FROM pg_prepared_xacts WHERE database = $1', [
      scratch.name,
    ]);
    expect(lingering.rowCount).toBe(0);
  });
});
