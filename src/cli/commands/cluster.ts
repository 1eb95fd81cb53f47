import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSession } from '../../api/session.js';
import { Configuration } from '../../common/config.js';
import { formatError, isWeirError, WeirError } from '../../common/errors.js';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../common/jobgraph.js';
import { parseState } from '../../common/serde.js';
import { BUILTIN_WORKER_CONNECTORS } from '../../connectors/worker-registry.js';
import { type JobClient, submitJob } from '../../runtime/index.js';
import { clusterLogFile, readCluster, registerCluster, unregisterCluster } from '../cluster-registry.js';
import { ControlPlane } from '../control-plane.js';
import { EXIT_OK } from '../errors.js';
import { alive } from '../job-registry.js';
import { restCall } from '../rest-client.js';
import { parseDynamicProperties } from '../script.js';
import type { CliIO } from './run.js';

const WEIR_BIN = fileURLToPath(new URL('../../../bin/weir.js', import.meta.url));

/** Flink's default REST port; `-D rest.port=…` (0 for any free port) changes it. */
const DEFAULT_CLUSTER_PORT = 8081;

/** How long `weir cluster start` waits for the background process to listen, and `stop` for it to end. */
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 60_000;

export interface ClusterFlags {
  readonly D: string[];
  readonly foreground?: boolean;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `weir cluster start`: a session cluster in the background, as Flink's start-cluster.sh. It is
 * this same program run with `--foreground`, detached, its output appended to
 * `$WEIR_HOME/log/cluster.out`; the command returns once its REST API answers.
 */
export async function clusterStartCommand(flags: ClusterFlags, io: CliIO): Promise<number> {
  const running = await readCluster();
  if (running)
    throw new WeirError(
      'CLUSTER_RUNNING',
      `A weir cluster is already running at ${running.rest} (pid ${running.pid})`,
      {
        hint: 'weir cluster stop stops it.',
      },
    );
  const properties = parseDynamicProperties(flags.D);
  // Options are checked here, so a typo fails in the terminal rather than in the log.
  createSession(properties, { stdout: io.stdout, stderr: io.stderr });
  if (flags.foreground) return runClusterForeground(properties, io);

  const log = clusterLogFile();
  mkdirSync(dirname(log), { recursive: true });
  const fd = openSync(log, 'a');
  const child = spawn(
    process.execPath,
    [WEIR_BIN, 'cluster', 'start', '--foreground', ...flags.D.flatMap((d) => ['-D', d])],
    { cwd: process.cwd(), detached: true, stdio: ['ignore', fd, fd], env: process.env },
  );
  closeSync(fd);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  child.unref();
  io.stdout.write('Starting cluster.\n');
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    const entry = await readCluster();
    if (entry && entry.pid === child.pid) {
      io.stdout.write(
        `Cluster started at ${entry.rest} (pid ${entry.pid}). Its output goes to ${entry.log}\n`,
      );
      return EXIT_OK;
    }
    if (exitCode !== undefined || Date.now() > deadline) {
      if (exitCode === undefined) child.kill('SIGKILL');
      throw new WeirError(
        'CLUSTER_START_FAILED',
        exitCode === undefined
          ? `The cluster did not start within ${START_TIMEOUT_MS / 1000} s`
          : `The cluster process exited with code ${exitCode} before it listened`,
        { kind: 'external', hint: `Its output is in ${log}.` },
      );
    }
    await pause(50);
  }
}

/** `weir cluster stop`: cancels the cluster's jobs (their retained checkpoints stay) and ends it. */
export async function clusterStopCommand(io: CliIO): Promise<number> {
  const entry = await readCluster();
  if (!entry) {
    io.stdout.write('No weir cluster is running.\n');
    return EXIT_OK;
  }
  io.stdout.write(`Stopping cluster at ${entry.rest} (pid ${entry.pid}).\n`);
  try {
    await restCall(entry.rest, 'DELETE', '/cluster', undefined, 'the cluster');
  } catch {
    // The API does not answer (a hung process): the signal does what DELETE /cluster would.
    process.kill(entry.pid, 'SIGTERM');
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(entry.pid)) {
    if (Date.now() > deadline) {
      process.kill(entry.pid, 'SIGKILL');
      io.stdout.write('The cluster did not end in time and was killed.\n');
      break;
    }
    await pause(50);
  }
  await unregisterCluster(entry.pid);
  io.stdout.write('Cluster stopped.\n');
  return EXIT_OK;
}

/** What `weir run -d` sends to `POST /jobs`: the planned JobGraph, in state serde (BIGINT/DECIMAL literals survive). */
export interface JobSubmission {
  readonly jobGraph: string;
}

function jobGraphOf(body: unknown): JobGraph {
  const text = (body as Partial<JobSubmission> | undefined)?.jobGraph;
  const graph = typeof text === 'string' ? (parseState(text) as JobGraph) : undefined;
  if (graph?.version !== JOB_GRAPH_VERSION || !Array.isArray(graph.vertices))
    throw new WeirError(
      'CLUSTER_BAD_SUBMISSION',
      `Not a JobGraph of version ${JOB_GRAPH_VERSION}: submit jobs with weir run -d`,
    );
  return graph;
}

/**
 * The cluster process itself: the REST API on `rest.port` (default 8081), jobs submitted to it
 * run here until they end or the cluster is stopped (DELETE /cluster, SIGTERM or Ctrl-C).
 */
async function runClusterForeground(properties: [string, string][], io: CliIO): Promise<number> {
  const info = (message: string) => io.stdout.write(`${new Date().toISOString()} [INFO] ${message}\n`);
  const warn = (message: string) => io.stdout.write(`${new Date().toISOString()} [WARN] ${message}\n`);
  const config = new Configuration(properties);
  const { runtimeConnectors } = createSession(properties, { stdout: io.stdout, stderr: io.stdout });
  const jobs: JobClient[] = [];
  let shutdown!: () => void;
  const stopped = new Promise<void>((resolve) => (shutdown = resolve));
  const control: ControlPlane = new ControlPlane(info, {
    submit: async (body) => {
      const graph = jobGraphOf(body);
      const job = await submitJob(graph, {
        connectors: runtimeConnectors,
        workerConnectors: BUILTIN_WORKER_CONNECTORS,
        log: { info, warn },
      });
      jobs.push(job);
      await control.expose(job, graph, new Configuration(Object.entries(graph.config)));
      info(`Submitted job ${job.jobId} (${job.jobName})`);
      void job.result.then((result) => {
        if (result.status === 'FAILED')
          info(
            `Job ${job.jobId} failed: ${isWeirError(result.error) ? formatError(result.error) : String(result.error)}`,
          );
        else info(`Job ${job.jobId} ${result.status === 'CANCELED' ? 'was cancelled' : 'finished'}.`);
        const latest = result.retainedCheckpoints.at(-1);
        if (latest) info(`Latest retained checkpoint of job ${job.jobId}: ${latest.location}`);
      });
      return job.jobId;
    },
    shutdown: () => shutdown(),
  });
  const explicitPort = properties.some(([key]) => key === 'rest.port');
  const url = await control.listen(config, explicitPort ? undefined : DEFAULT_CLUSTER_PORT);
  const unregister = io.onInterrupt((signal) => {
    info(`Received ${signal}.`);
    shutdown();
  });
  // The API's socket does not hold the process open (a foreground run ends with its jobs); a cluster waits to be stopped.
  const keepAlive = setInterval(() => {}, 1 << 30);
  await registerCluster({ pid: process.pid, rest: url, startTime: Date.now(), log: clusterLogFile() });
  info(`Cluster ready at ${url} (pid ${process.pid}, working directory ${process.cwd()})`);
  try {
    await stopped;
    info(`Stopping: cancelling ${jobs.filter((j) => j.status === 'RUNNING').length} running job(s).`);
    await Promise.all(jobs.map((j) => (j.status === 'RUNNING' ? j.cancel() : j.result)));
  } finally {
    clearInterval(keepAlive);
    unregister();
    await control.close();
    await unregisterCluster(process.pid);
  }
  info('Cluster stopped.');
  return EXIT_OK;
}
