import { resolve } from 'node:path';
import { WeirError } from '../../common/errors.js';
import { EXIT_OK } from '../errors.js';
import { type JobEntry, listJobs } from '../job-registry.js';
import { restCall } from '../rest-client.js';
import { type FlinkTarget, listFlinkJobs } from '../targets/flink-jobs.js';
import type { CliIO } from './run.js';

/** The running jobs: weir's of this user, or those of the Flink cluster `--target` names. */
const jobsOf = (target?: FlinkTarget): Promise<JobEntry[]> => (target ? listFlinkJobs(target) : listJobs());

async function findJob(jobId: string, target?: FlinkTarget): Promise<JobEntry> {
  const jobs = await jobsOf(target);
  const matches = jobs.filter((j) => j.jobId === jobId || (jobId.length >= 4 && j.jobId.startsWith(jobId)));
  if (matches.length === 1) return matches[0];
  throw new WeirError(
    'JOB_NOT_FOUND',
    matches.length === 0
      ? `No running job ${jobId}`
      : `Job id prefix ${jobId} matches ${matches.length} jobs`,
    { hint: 'weir list shows the running jobs and their ids.' },
  );
}

function call(job: JobEntry, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return restCall(job.rest, method, path, body, `job ${job.jobId}`);
}

/** A directory named on this command line means this terminal's directory, whichever process writes it. */
const absolute = (dir: string | undefined) =>
  dir === undefined || /^[a-z]+:/.test(dir) ? dir : resolve(dir);

/** Polls a savepoint trigger as Flink's CLI does, until it completes. */
async function awaitSavepoint(job: JobEntry, requestId: string): Promise<string> {
  for (;;) {
    const status = await call(job, 'GET', `/jobs/${job.jobId}/savepoints/${requestId}`);
    if ((status.status as { id: string }).id === 'COMPLETED') {
      const operation = status.operation as {
        location?: string;
        'failure-cause'?: { 'stack-trace': string };
      };
      if (operation.location) return operation.location;
      throw new WeirError(
        'SAVEPOINT_FAILED',
        `Savepoint failed: ${operation['failure-cause']?.['stack-trace']}`,
        {
          kind: 'external',
        },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function timestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getDate())}.${p(d.getMonth() + 1)}.${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** `weir list`, in the shape of `flink list`. */
export async function listCommand(io: CliIO, target?: FlinkTarget): Promise<number> {
  const jobs = await jobsOf(target);
  if (jobs.length === 0) {
    io.stdout.write('No running jobs.\n');
    return EXIT_OK;
  }
  io.stdout.write('------------------ Running/Restarting Jobs -------------------\n');
  for (const job of jobs) {
    const status = (
      (await call(job, 'GET', `/jobs/${job.jobId}`).catch(() => ({ state: 'UNKNOWN' }))) as { state: string }
    ).state;
    io.stdout.write(`${timestamp(job.startTime)} : ${job.jobId} : ${job.jobName} (${status})\n`);
  }
  io.stdout.write('--------------------------------------------------------------\n');
  return EXIT_OK;
}

/** Flink's `--type canonical|native` as the REST API's formatType. */
function formatType(type: string | undefined): 'CANONICAL' | 'NATIVE' {
  const t = (type ?? 'canonical').toLowerCase();
  if (t === 'canonical' || t === 'native') return t === 'native' ? 'NATIVE' : 'CANONICAL';
  throw new WeirError('CLI_INVALID_ARGUMENT', `Unknown savepoint type '${type}'`, {
    hint: "Use --type canonical (readable by every state backend) or --type native (the backend's own files).",
  });
}

/** `weir savepoint <jobId> [targetDirectory] [--type canonical|native]`. */
export async function savepointCommand(
  jobId: string,
  targetDirectory: string | undefined,
  io: CliIO,
  flags: { type?: string } = {},
  target?: FlinkTarget,
): Promise<number> {
  const format = formatType(flags.type);
  const job = await findJob(jobId, target);
  io.stdout.write(`Triggering savepoint for job ${job.jobId}.\nWaiting for response...\n`);
  const trigger = await call(job, 'POST', `/jobs/${job.jobId}/savepoints`, {
    'target-directory': absolute(targetDirectory),
    'cancel-job': false,
    formatType: format,
  });
  const location = await awaitSavepoint(job, trigger['request-id'] as string);
  io.stdout.write(
    `Savepoint completed. Path: ${location}\nYou can resume your program from this savepoint with the run command.\n`,
  );
  return EXIT_OK;
}

/** `weir stop [--savepointPath dir] [--drain] <jobId>`: Flink's stop-with-savepoint. */
export async function stopCommand(
  jobId: string,
  flags: { savepointPath?: string; drain?: boolean; type?: string },
  io: CliIO,
  target?: FlinkTarget,
): Promise<number> {
  const format = formatType(flags.type);
  const job = await findJob(jobId, target);
  io.stdout.write(`Suspending job ${job.jobId}.\n`);
  const trigger = await call(job, 'POST', `/jobs/${job.jobId}/stop`, {
    targetDirectory: absolute(flags.savepointPath),
    drain: flags.drain === true,
    formatType: format,
  });
  const location = await awaitSavepoint(job, trigger['request-id'] as string);
  io.stdout.write(`Savepoint completed. Path: ${location}\n`);
  return EXIT_OK;
}

/** `weir cancel <jobId>`. */
export async function cancelCommand(jobId: string, io: CliIO, target?: FlinkTarget): Promise<number> {
  const job = await findJob(jobId, target);
  await call(job, 'PATCH', `/jobs/${job.jobId}?mode=cancel`);
  io.stdout.write(`Cancelled job ${job.jobId}.\n`);
  return EXIT_OK;
}
