import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { notice } from './notice.js';
import { registryDir } from './paths.js';

/**
 * A pid file per server this kit started, naming the node process that owns it. Servers of a run
 * that was killed so hard that even the guard could not act (or of an older kit without one) are
 * found here by the next start and stopped. A server is only touched when its owner is gone and its
 * command line still names the run's folder, so a concurrent test run and a recycled pid are safe.
 */
export interface ProcessRecord {
  readonly kind: string;
  readonly owner: number;
  readonly pid: number;
  readonly guardPid: number;
  readonly dir: string;
}

const fileOf = (kind: string, pid: number) => join(registryDir(), `${kind}-${pid}.json`);

export async function recordProcess(record: ProcessRecord): Promise<void> {
  await mkdir(registryDir(), { recursive: true, mode: 0o700 });
  await writeFile(fileOf(record.kind, record.pid), JSON.stringify(record));
}

export async function forgetProcess(kind: string, pid: number): Promise<void> {
  await unlink(fileOf(kind, pid)).catch(() => {});
}

/** Whether `pid` runs. A zombie does not: a killed run's node lingers as one until its parent reaps it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

async function commandLine(pid: number): Promise<string> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).replaceAll('\0', ' ');
  } catch {
    return new Promise((resolve) =>
      execFile('ps', ['-o', 'args=', '-p', String(pid)], (err, stdout) => resolve(err ? '' : stdout)),
    );
  }
}

async function waitGone(pids: readonly number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

/** Stops servers (of any kind) left behind by runs whose owner process no longer exists. */
export async function reapStale(): Promise<void> {
  let names: string[];
  try {
    names = await readdir(registryDir());
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = join(registryDir(), name);
    let record: ProcessRecord;
    try {
      record = JSON.parse(await readFile(file, 'utf8')) as ProcessRecord;
    } catch {
      await unlink(file).catch(() => {});
      continue;
    }
    if (isAlive(record.owner)) continue;
    const victims: number[] = [];
    for (const pid of [record.pid, record.guardPid]) {
      if (isAlive(pid) && (await commandLine(pid)).includes(record.dir)) victims.push(pid);
    }
    for (const pid of victims) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    await waitGone(victims, 5_000);
    await rm(record.dir, { recursive: true, force: true }).catch(() => {});
    await unlink(file).catch(() => {});
    if (victims.includes(record.pid)) {
      notice(
        `stopped a stale ${record.kind} server (pid ${record.pid}) left by a killed run (pid ${record.owner})`,
      );
    }
  }
}
