import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where running jobs announce themselves, so `weir list`, `weir savepoint`, `weir stop` and
 * `weir cancel` from another terminal can find a job's REST API: one small file per job under
 * `$WEIR_HOME/jobs` (default `~/.weir/jobs`).
 */
export interface JobEntry {
  readonly jobId: string;
  readonly jobName: string;
  readonly pid: number;
  readonly rest: string;
  readonly startTime: number;
}

/** `$WEIR_HOME`, default `~/.weir`: where weir processes of this user find each other. */
export function weirHome(): string {
  return process.env.WEIR_HOME ?? join(homedir(), '.weir');
}

function jobsDirectory(): string {
  return join(weirHome(), 'jobs');
}

export async function registerJob(entry: JobEntry): Promise<void> {
  await mkdir(jobsDirectory(), { recursive: true });
  await writeFile(join(jobsDirectory(), `${entry.jobId}.json`), JSON.stringify(entry));
}

export async function unregisterJob(jobId: string): Promise<void> {
  await rm(join(jobsDirectory(), `${jobId}.json`), { force: true });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Jobs whose process still runs; entries left by a killed process are removed on the way. */
export async function listJobs(): Promise<JobEntry[]> {
  const names = await readdir(jobsDirectory()).catch(() => [] as string[]);
  const entries: JobEntry[] = [];
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const path = join(jobsDirectory(), name);
    try {
      const entry = JSON.parse(await readFile(path, 'utf8')) as JobEntry;
      if (alive(entry.pid)) entries.push(entry);
      else await rm(path, { force: true });
    } catch {
      await rm(path, { force: true });
    }
  }
  return entries.sort((a, b) => a.startTime - b.startTime);
}
