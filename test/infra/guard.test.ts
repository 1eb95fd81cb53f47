import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  diesWithGuard,
  type GuardedSpawnOptions,
  guardArguments,
  spawnGuarded,
} from '../../src/testing/guard.js';
import { forgetProcess, isAlive, reapStale, recordProcess } from '../../src/testing/registry.js';
import { waitFor } from '../helpers/wait.js';

// Stand-ins for a broker: one that stops on SIGTERM, one that ignores it. The folder is an argument so
// that it appears in the command line, which is how the registry recognises a server.
const POLITE =
  "process.on('SIGTERM', () => process.exit(0)); console.log('ready'); setInterval(() => {}, 1 << 30)";
const STUBBORN = "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1 << 30)";

// Plays the test run that owns a broker: starts the guard as the kit does, reports pids, then idles.
const OWNER = `import { spawn } from 'node:child_process';
const guard = spawn(process.execPath, JSON.parse(process.argv[2]), { stdio: ['pipe', 'pipe', 'ignore'] });
guard.stdout.once('data', (d) => process.stdout.write(JSON.stringify({ guard: guard.pid, server: Number(d) }) + '\\n'));
setInterval(() => {}, 1 << 30);
`;

const dirs: string[] = [];
const children: ChildProcess[] = [];
const records: number[] = [];
afterEach(async () => {
  for (const pid of records.splice(0)) await forgetProcess('guard-test', pid);
  for (const c of children.splice(0)) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function serverOptions(code: string): Promise<GuardedSpawnOptions> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-guard-test-'));
  dirs.push(dir);
  return {
    kind: 'guard-test',
    command: process.execPath,
    args: ['-e', code, dir],
    dir,
    logFile: join(dir, 'server.log'),
    stopSignal: 'SIGTERM',
    graceMs: 300,
  };
}

/** Its signal handler is installed once it has said so in its log. */
const ready = (options: GuardedSpawnOptions) =>
  waitFor(() => existsSync(options.logFile) && readFileSync(options.logFile, 'utf8').includes('ready'), {
    what: 'the stand-in server to start',
  });
const gone = (pid: number, what: string) => waitFor(() => !isAlive(pid), { timeoutMs: 10_000, what });

describe('the guard between a test run and its servers', () => {
  it('stop() ends the server, with SIGKILL when it ignores the stop signal', async () => {
    const options = await serverOptions(STUBBORN);
    const server = await spawnGuarded(options);
    await ready(options);
    expect(isAlive(server.pid)).toBe(true);
    await server.stop();
    expect(isAlive(server.pid)).toBe(false);
    expect((await server.exited).code).toBe(128 + 9);
  });

  it('ends the server when the owning process is SIGKILLed', async () => {
    const options = await serverOptions(POLITE);
    await writeFile(join(options.dir, 'owner.mjs'), OWNER);
    const owner = spawn(
      process.execPath,
      [join(options.dir, 'owner.mjs'), JSON.stringify(await guardArguments(options))],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    children.push(owner);
    const pids = await new Promise<{ guard: number; server: number }>((resolve) =>
      owner.stdout?.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()))),
    );
    expect(isAlive(pids.server)).toBe(true);

    owner.kill('SIGKILL');

    await gone(pids.server, 'the server to stop after its owner was killed');
    await gone(pids.guard, 'the guard to exit');
  });

  it.skipIf(!diesWithGuard())('ends the server when the guard itself is SIGKILLed', async () => {
    const options = await serverOptions(STUBBORN);
    const server = await spawnGuarded(options);
    await ready(options);
    process.kill(server.guardPid, 'SIGKILL');
    await gone(server.pid, 'the server to die with its guard');
    await server.stop();
  });

  it('a later start stops servers whose owner is gone, and only those', async () => {
    const deadOwner = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => deadOwner.once('exit', resolve));
    const start = async (owner: number) => {
      const { dir, args } = await serverOptions(POLITE);
      const server = spawn(process.execPath, args, { stdio: 'ignore' });
      children.push(server);
      await waitFor(() => server.pid !== undefined && isAlive(server.pid), { what: 'the stand-in server' });
      await recordProcess({ kind: 'guard-test', owner, pid: server.pid!, guardPid: server.pid!, dir });
      records.push(server.pid!);
      return { pid: server.pid!, dir };
    };
    const orphan = await start(deadOwner.pid!);
    const owned = await start(process.pid);

    process.env.WEIR_TESTING_QUIET = '1'; // its "stopped a stale server" line would only puzzle a reader
    await reapStale();
    delete process.env.WEIR_TESTING_QUIET;

    expect(isAlive(orphan.pid)).toBe(false);
    expect(existsSync(orphan.dir)).toBe(false);
    expect(isAlive(owned.pid)).toBe(true);
    expect(existsSync(owned.dir)).toBe(true);
  });
});
