import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

export const WEIR_BIN = fileURLToPath(new URL('../../bin/weir.js', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A `weir` process as a user starts it, with its output collected as it arrives. */
export interface WeirProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout: string;
  stderr: string;
  readonly exit: Promise<number | null>;
}

export interface WeirOptions {
  readonly cwd?: string;
  readonly env?: Record<string, string>;
  /** A command that runs weir as its last arguments (e.g. `unshare … sh -c '…; exec "$@"'`). */
  readonly wrap?: readonly string[];
}

export function startWeir(args: readonly string[], options: WeirOptions = {}): WeirProcess {
  const command = [...(options.wrap ?? []), process.execPath, WEIR_BIN, ...args];
  const child = spawn(command[0], command.slice(1), {
    cwd: options.cwd ?? REPO_ROOT,
    // Jobs announce themselves under WEIR_HOME; tests keep that out of the user's home.
    env: { ...process.env, NO_COLOR: '1', WEIR_HOME: join(tmpdir(), 'weir-test-home'), ...options.env },
  });
  const proc: WeirProcess = {
    child,
    stdout: '',
    stderr: '',
    exit: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
  child.stdout.setEncoding('utf8').on('data', (d: string) => (proc.stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (proc.stderr += d));
  return proc;
}

export async function runWeir(args: readonly string[], options: WeirOptions = {}) {
  const proc = startWeir(args, options);
  const code = await proc.exit;
  return { code, stdout: proc.stdout, stderr: proc.stderr };
}

/** The id a `weir run` prints once its job is submitted ("Submitted job <id> (<name>)"). */
export function submittedJobId(proc: WeirProcess): Promise<string> {
  return waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(proc.stderr)?.[1], {
    what: 'the job id',
    timeoutMs: 20_000,
  });
}
