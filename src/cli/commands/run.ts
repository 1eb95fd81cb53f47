import { resolve } from 'node:path';
import { createSession } from '../../api/session.js';
import { STATE_RECOVERY_IGNORE_UNCLAIMED, STATE_RECOVERY_PATH } from '../../common/options.js';
import { BUILTIN_WORKER_CONNECTORS } from '../../connectors/worker-registry.js';
import { type JobClient, type JobResult, submitJob } from '../../runtime/index.js';
import { ControlPlane } from '../control-plane.js';
import { EXIT_FAILURE, EXIT_OK, reportError } from '../errors.js';
import { ProgressReporter, type StatusTerminal } from '../progress.js';
import { parseDynamicProperties, printStatementOutput, readScript } from '../script.js';
import { requireCluster, runDetached } from './run-detached.js';

export interface RunFlags {
  readonly file: string;
  readonly D: string[];
  readonly parallelism?: string;
  readonly fromSavepoint?: string;
  readonly allowNonRestoredState?: boolean;
  /** Submit to the session cluster (`weir cluster start`) and return, as Flink's `run -d`. */
  readonly detached?: boolean;
}

export interface CliIO {
  readonly stdin?: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream & { write(chunk: string): boolean };
  readonly stderr: NodeJS.WritableStream & { write(chunk: string): boolean };
  /** Registers the handler for Ctrl-C / SIGTERM; returns a function that unregisters it. */
  onInterrupt(handler: (signal: string) => void): () => void;
}

/**
 * `weir run -f job.sql`: executes the script's statements in order, as Flink's SQL client does
 * with -f; every INSERT becomes a running job. Returns when all jobs end, or after Ctrl-C has
 * cancelled them.
 */
export async function runCommand(flags: RunFlags, cliIO: CliIO): Promise<number> {
  // The live status line sits on stderr; output written meanwhile erases it first.
  const progress = new ProgressReporter(cliIO.stderr as StatusTerminal);
  const io: CliIO = { ...cliIO, stdout: progress.guard(cliIO.stdout), stderr: progress.guard(cliIO.stderr) };
  const info = (message: string) => io.stderr.write(`[INFO] ${message}\n`);
  const properties = parseDynamicProperties(flags.D);
  if (flags.parallelism !== undefined) properties.push(['parallelism.default', flags.parallelism]);
  // A relative path means this terminal's directory, whichever process reads it (a cluster has its own).
  if (flags.fromSavepoint !== undefined)
    properties.push([STATE_RECOVERY_PATH.key, resolveLocalPath(flags.fromSavepoint)]);
  if (flags.allowNonRestoredState) properties.push([STATE_RECOVERY_IGNORE_UNCLAIMED.key, 'true']);
  const cluster = flags.detached ? await requireCluster() : undefined;
  const text = await readScript(flags.file);
  const { session, runtimeConnectors } = createSession(properties, { stdout: io.stdout, stderr: io.stderr });
  if (cluster) return runDetached(cluster, session, text, flags.file, io);

  const jobs: JobClient[] = [];
  const control = new ControlPlane(info);
  let interrupted = false;
  const unregister = io.onInterrupt((signal) => {
    if (interrupted) return;
    interrupted = true;
    info(`Received ${signal}, cancelling ${jobs.length} job(s)...`);
    for (const job of jobs) void job.cancel();
  });
  try {
    try {
      for (const statement of session.parseScript(text, flags.file)) {
        if (interrupted) break;
        const result = session.execute(statement);
        switch (result.kind) {
          case 'job': {
            const job = await submitJob(result.jobGraph, {
              connectors: runtimeConnectors,
              workerConnectors: BUILTIN_WORKER_CONNECTORS,
              log: {
                info: (m) => info(m),
                warn: (m) => io.stderr.write(`[WARN] ${m}\n`),
              },
            });
            jobs.push(job);
            info(`Submitted job ${job.jobId} (${job.jobName})`);
            await control.expose(job, result.jobGraph, session.config);
            progress.watch(job, result.jobGraph);
            if (job.checkpointDirectory)
              info(`Checkpoints of job ${job.jobId} go to ${job.checkpointDirectory}`);
            break;
          }
          default:
            printStatementOutput(result, io.stdout, info);
        }
      }
    } catch (err) {
      // A statement failed: jobs already running are cancelled, as nothing would wait for them.
      for (const job of jobs) await job.cancel();
      throw err;
    }
    let exitCode = EXIT_OK;
    const results: JobResult[] = await Promise.all(jobs.map((j) => j.result));
    results.forEach((result, i) => {
      const job = jobs[i];
      const latest = result.retainedCheckpoints.at(-1);
      if (result.status === 'FAILED') {
        info(`Job ${job.jobId} failed.`);
        exitCode = reportError(result.error, (t) => io.stderr.write(t));
      } else {
        info(`Job ${job.jobId} ${result.status === 'CANCELED' ? 'was cancelled' : 'finished'}.`);
      }
      if (latest) info(`Latest retained checkpoint of job ${job.jobId}: ${latest.location}`);
    });
    return exitCode === EXIT_OK ? EXIT_OK : EXIT_FAILURE;
  } finally {
    progress.stop();
    unregister();
    await control.close();
  }
}

function resolveLocalPath(path: string): string {
  return /^[a-z]+:/.test(path) ? path : resolve(path);
}
