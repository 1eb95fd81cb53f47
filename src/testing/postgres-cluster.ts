import { execFile } from 'node:child_process';
import { chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { WeirError } from '../common/errors.js';
import { excerpt, tailOf } from './files.js';
import { type GuardedProcess, spawnGuarded } from './guard.js';
import { freePorts } from './ports.js';
import { clusterOsUser, findPostgresBin, type OsUser } from './postgres-bin.js';
import { reapStale } from './registry.js';
import { pollUntil } from './wait.js';

const HOST = '127.0.0.1';
export const PRIVATE_MAX_PREPARED_TRANSACTIONS = 64;

export interface PrivateCluster {
  readonly host: string;
  readonly port: number;
  readonly dir: string;
  readonly logFile: string;
  readonly major: string;
  /**
   * Shuts the server down with `pg_ctl stop -m fast` (sessions are cut, prepared transactions and
   * data survive), as an operator restarting the database would; `start()` brings it back.
   */
  shutdown(): Promise<void>;
  /** Starts the server again on the same data, host and port after shutdown(). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throw-away cluster in a temp folder: trust auth, 127.0.0.1 on a free port, its unix socket in
 * its own folder (not /var/run/postgresql, which belongs to the system server), prepared transactions
 * on, and durability off, since its data is deleted when it stops.
 */
export async function startPrivateCluster(startTimeoutMs = 60_000): Promise<PrivateCluster> {
  const bin = findPostgresBin();
  const user = await clusterOsUser();
  await reapStale();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(bin, user, startTimeoutMs);
    } catch (err) {
      if (err instanceof PortTaken && attempt < 3) continue;
      throw err instanceof PortTaken
        ? new WeirError('TESTING_PG_START', err.message, { kind: 'external' })
        : err;
    }
  }
}

class PortTaken extends Error {}

async function startOnce(
  bin: string,
  user: OsUser | undefined,
  startTimeoutMs: number,
): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-pg-'));
  const data = join(dir, 'data');
  const sockets = join(dir, 'sock');
  const logFile = join(dir, 'postgres.log');
  await mkdir(sockets);
  if (user) {
    await chown(dir, user.uid, user.gid);
    await chown(sockets, user.uid, user.gid);
  }
  let guarded: GuardedProcess | undefined;
  try {
    await initdb(bin, data, dir, user);
    const [port] = await freePorts(1);
    const launch = async (): Promise<GuardedProcess> => {
      const server = await spawnGuarded({
        kind: 'postgres',
        command: join(bin, 'postgres'),
        args: [
          '-D',
          data,
          '-p',
          String(port),
          '-h',
          HOST,
          '-k',
          sockets,
          '-c',
          `max_prepared_transactions=${PRIVATE_MAX_PREPARED_TRANSACTIONS}`,
          '-c',
          'fsync=off',
          '-c',
          'synchronous_commit=off',
          '-c',
          'full_page_writes=off',
          '-c',
          'max_connections=200',
          '-c',
          'shared_buffers=64MB',
        ],
        dir,
        logFile,
        // Fast shutdown: disconnect clients and stop at once; the data is deleted right after.
        stopSignal: 'SIGINT',
        graceMs: 5_000,
        uid: user?.uid,
        gid: user?.gid,
      });
      guarded = server;
      const ready = await pollUntil(() => answers(port), {
        timeoutMs: startTimeoutMs,
        intervalMs: 100,
        failed: () => (server.hasExited() ? 'the server exited' : undefined),
      });
      if ('failure' in ready) {
        const log = await tailOf(logFile, 30);
        if (/could not bind|Address already in use/.test(log)) throw new PortTaken(`port ${port} was taken`);
        throw new WeirError(
          'TESTING_PG_START',
          `the private PostgreSQL on ${HOST}:${port} did not start: ${ready.failure}` +
            excerpt(`last lines of ${logFile}`, log),
          { kind: 'external' },
        );
      }
      major = ready.value;
      return server;
    };
    let major = '';
    let server = await launch();
    let stopped: Promise<void> | undefined;
    return {
      host: HOST,
      port,
      dir,
      logFile,
      major,
      shutdown: async () => {
        await pgCtlStop(bin, data, user);
        await server.exited;
        // Lets the guard's record go: the server it watched is gone.
        await server.stop();
      },
      start: async () => {
        if (!server.hasExited()) return;
        server = await launch();
      },
      stop: () =>
        (stopped ??= (async () => {
          await server.stop();
          await rm(dir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    await guarded?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function pgCtlStop(bin: string, data: string, user: OsUser | undefined): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      join(bin, 'pg_ctl'),
      ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30'],
      { uid: user?.uid, gid: user?.gid, timeout: 60_000 },
      (err) =>
        err
          ? reject(
              new WeirError('TESTING_PG_STOP', `pg_ctl stop failed: ${err.message.split('\n')[0]}`, {
                kind: 'external',
              }),
            )
          : resolve(),
    ),
  );
}

function initdb(bin: string, data: string, cwd: string, user: OsUser | undefined): Promise<void> {
  const args = ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'];
  return new Promise((resolve, reject) =>
    execFile(
      join(bin, 'initdb'),
      args,
      { cwd, uid: user?.uid, gid: user?.gid, timeout: 120_000, env: { ...process.env, LC_ALL: 'C' } },
      (err, stdout, stderr) => {
        if (!err) return resolve();
        reject(
          new WeirError(
            'TESTING_PG_START',
            `initdb failed${user ? ` (as OS user '${user.name}')` : ''}: ${err.message.split('\n')[0]}` +
              excerpt('its output', `${stdout}${stderr}`.split('\n').slice(-20).join('\n')),
            { kind: 'external' },
          ),
        );
      },
    ),
  );
}

/** The server's major version once it accepts connections. */
async function answers(port: number): Promise<string | undefined> {
  const client = new pg.Client({
    host: HOST,
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 1_000,
  });
  client.on('error', () => {});
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version.split('.')[0];
  } finally {
    await client.end().catch(() => {});
  }
}
