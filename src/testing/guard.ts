import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { accessSync, constants as fsConstants } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { forgetProcess, recordProcess } from './registry.js';

/**
 * The guard: a tiny node process between us and a server (the Kafka JVM, a postmaster). It holds the
 * read end of a pipe whose write end only we hold, so when we go away for any reason — stop(), a crash,
 * SIGKILL — it reads EOF and stops the server: `stopSignal` first, SIGKILL after `graceMs`. On Linux the
 * server is also started through `setpriv --pdeathsig KILL`, so it dies even if the guard itself is
 * SIGKILLed. What both cannot cover (the whole machine's process tree killed mid-spawn) is left to the
 * registry: a later start stops servers whose owner is gone.
 *
 * The guard is plain CommonJS written next to the server's data, because the kit also runs from
 * TypeScript sources (vitest) where there is no compiled file to point node at.
 */
const GUARD_SOURCE = `'use strict';
// weir/testing guard (src/testing/guard.ts): runs one server and stops it when our stdin closes.
const { spawn } = require('node:child_process');
const { openSync, writeSync } = require('node:fs');
const { constants } = require('node:os');
const [stopSignal, graceMs, logFile, uid, gid, command, ...args] = process.argv.slice(2);
const log = openSync(logFile, 'a');
const child = spawn(command, args, {
  stdio: ['ignore', log, log],
  uid: uid === '-' ? undefined : Number(uid),
  gid: gid === '-' ? undefined : Number(gid),
});
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  child.kill(stopSignal);
  setTimeout(() => child.kill('SIGKILL'), Number(graceMs));
}
child.on('spawn', () => process.stdout.write(child.pid + '\\n'));
child.on('error', (err) => {
  writeSync(log, 'weir guard: cannot start ' + command + ': ' + err.message + '\\n');
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)));
process.stdout.on('error', () => {});
process.stdin.on('end', stop).on('error', stop).resume();
for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, stop);
`;

/** The guard's file name inside the run's folder. */
export const GUARD_FILE = 'weir-guard.cjs';

export interface GuardedSpawnOptions {
  /** What the server is, for records and messages: 'kafka', 'postgres'. */
  readonly kind: string;
  readonly command: string;
  readonly args: readonly string[];
  /** The run's private folder; it must appear in the server's command line (that is how a stale one is recognised). */
  readonly dir: string;
  /** The server's stdout and stderr are appended here. */
  readonly logFile: string;
  readonly stopSignal: NodeJS.Signals;
  readonly graceMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Run the server as this user (PostgreSQL refuses to run as root). */
  readonly uid?: number;
  readonly gid?: number;
}

export interface GuardExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface GuardedProcess {
  /** The server's pid (not the guard's). */
  readonly pid: number;
  readonly guardPid: number;
  /** Settles when the server (and with it the guard) has exited. */
  readonly exited: Promise<GuardExit>;
  hasExited(): boolean;
  /** Stops the server and waits for it; safe to call more than once. */
  stop(): Promise<void>;
}

let setprivPath: string | null | undefined;

function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform !== 'linux') return setprivPath;
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/bin'])) {
    const candidate = join(dir, 'setpriv');
    try {
      accessSync(candidate, fsConstants.X_OK);
      setprivPath = candidate;
      break;
    } catch {}
  }
  return setprivPath;
}

/**
 * Writes the guard into the run's folder and returns the node arguments that run `options.command`
 * under it. Separate from spawnGuarded so a test can play the owner from a process of its own.
 */
export async function guardArguments(options: GuardedSpawnOptions): Promise<string[]> {
  const guardFile = join(options.dir, GUARD_FILE);
  await writeFile(guardFile, GUARD_SOURCE, { mode: 0o644 });
  const setpriv = findSetpriv();
  const [command, args] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', '--', options.command, ...options.args]]
    : [options.command, [...options.args]];
  return [
    guardFile,
    options.stopSignal,
    String(options.graceMs),
    options.logFile,
    options.uid === undefined ? '-' : String(options.uid),
    options.gid === undefined ? '-' : String(options.gid),
    command,
    ...args,
  ];
}

/** Whether servers also die with their guard (setpriv --pdeathsig), not only with their owner. */
export const diesWithGuard = (): boolean => findSetpriv() !== null;

export async function spawnGuarded(options: GuardedSpawnOptions): Promise<GuardedProcess> {
  const env = { ...(options.env ?? process.env) };
  // The test runner's loaders and flags are not meant for the guard.
  delete env.NODE_OPTIONS;
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    process.execPath,
    await guardArguments(options),
    { stdio: ['pipe', 'pipe', 'ignore'], env, cwd: options.cwd ?? options.dir },
  );

  let done = false;
  const exited = new Promise<GuardExit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      done = true;
      resolve({ code: null, signal: null });
    });
  });
  // EPIPE when the guard died first is expected; it only means there is nothing left to stop.
  child.stdin.on('error', () => {});

  const pid = await new Promise<number | undefined>((resolve) => {
    let text = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline >= 0) resolve(Number(text.slice(0, newline)));
    });
    void exited.then(() => resolve(undefined));
  });
  if (pid === undefined || !Number.isInteger(pid) || child.pid === undefined) {
    return {
      pid: -1,
      guardPid: child.pid ?? -1,
      exited,
      hasExited: () => true,
      stop: async () => {},
    };
  }
  const guardPid = child.pid;
  await recordProcess({ kind: options.kind, owner: process.pid, pid, guardPid, dir: options.dir });

  // A caller that forgets stop() must not hang its process: the pipe and the child do not keep node
  // alive, and when node exits the closed pipe stops the server anyway.
  child.unref();
  child.stdout.destroy();
  (child.stdin as Writable & { unref?: () => void }).unref?.();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!done) {
        child.ref();
        child.stdin.end();
        let timer: NodeJS.Timeout | undefined;
        const timedOut = await Promise.race([
          exited.then(() => false),
          new Promise<boolean>((resolve) => {
            timer = setTimeout(() => resolve(true), options.graceMs + 5_000);
          }),
        ]);
        clearTimeout(timer);
        if (timedOut) {
          // The guard is stuck; do its job.
          for (const p of [pid, guardPid]) {
            try {
              process.kill(p, 'SIGKILL');
            } catch {}
          }
          await exited;
        }
      }
      // Only now: a record outlives an unexpected exit so that a later run removes the folder.
      await forgetProcess(options.kind, pid);
    })();
    return stopping;
  };

  return { pid, guardPid, exited, hasExited: () => done, stop };
}
