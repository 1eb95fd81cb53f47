import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isWeirError } from '../../common/errors.js';
import type { JobGraph } from '../../common/jobgraph.js';
import type { CheckpointStats } from '../checkpoint/coordinator.js';
import { PrometheusExporter } from '../metrics/prometheus.js';
import { serveDashboard } from './dashboard-assets.js';
import type { JobClient } from './local-executor.js';
import {
  aggregatedSubtaskMetrics,
  chainsOf,
  jobConfig,
  jobExceptions,
  jobMetricMap,
  metricQuery,
  vertexMetricMap,
  vertexSummary,
} from './rest-metrics.js';

/** A job as the REST API sees it. */
export interface RegisteredJob {
  readonly client: JobClient;
  readonly graph: JobGraph;
  readonly startTime: number;
  endTime?: number;
}

type SavepointOperation = (
  | { status: 'IN_PROGRESS' }
  | { status: 'COMPLETED'; location: string }
  | { status: 'FAILED'; error: string }
) & { reported?: boolean };

/**
 * What a session cluster adds to the API: job submission (`POST /jobs`, Flink's path for the
 * client's JobGraph upload) and shutdown (`DELETE /cluster`). A foreground `weir run` has neither.
 */
export interface ClusterHandlers {
  /** Starts the job a client planned; resolves to its id. The body is the client's request as sent. */
  submit(body: unknown): Promise<string>;
  /** Cancels the jobs and ends the cluster process, after the response went out. */
  shutdown(): void;
}

/**
 * The part of Flink's REST API that users script against, with Flink's paths and JSON shapes:
 * job listing and details, checkpoint statistics, savepoints and stop-with-savepoint with
 * trigger-id polling, and cancellation.
 */
export class RestServer {
  private readonly jobs = new Map<string, RegisteredJob>();
  private readonly operations = new Map<string, SavepointOperation>();
  private server?: Server;
  private prometheus?: Promise<PrometheusExporter>;

  constructor(private readonly cluster?: ClusterHandlers) {}

  register(client: JobClient, graph: JobGraph): void {
    const entry: RegisteredJob = { client, graph, startTime: Date.now() };
    this.jobs.set(client.jobId, entry);
    void client.result.then(() => (entry.endTime = Date.now()));
  }

  async listen(port: number, host: string): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) =>
        // A user's mistake (a bad savepoint path in a submission) is a 400 with its code, as Flink answers.
        isWeirError(err)
          ? send(res, 400, { errors: [`${err.code}: ${err.message}`], code: err.code, hint: err.hint })
          : send(res, 500, { errors: [err.message] }),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    server.unref();
    const address = server.address() as AddressInfo;
    return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  }

  /**
   * Closes the API. A stop-with-savepoint ends the job, and with it a foreground `weir run`; the
   * client that asked is still polling for the savepoint's path, so every operation is answered
   * to the end first (for at most `graceMs`).
   */
  async close(graceMs = 5000): Promise<void> {
    const server = this.server;
    if (!server) return;
    const deadline = Date.now() + graceMs;
    const unreported = () => [...this.operations.values()].some((op) => !op.reported);
    while (unreported() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    server.closeAllConnections?.();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parts = url.pathname.split('/').filter((p) => p !== '');
    const method = req.method ?? 'GET';
    if (parts[0] === 'v1') parts.shift(); // Flink serves the same API under /v1
    if (method === 'GET' && parts.length === 1 && parts[0] === 'metrics') return this.scrape(res);
    if (method === 'GET' && (parts.length === 0 || parts[0] === 'assets'))
      return serveDashboard(url.pathname, res);
    if (method === 'GET' && parts.length === 1 && parts[0] === 'overview')
      return send(res, 200, this.overview());
    if (this.cluster && method === 'DELETE' && parts.length === 1 && parts[0] === 'cluster') {
      send(res, 200, {});
      res.once('finish', () => this.cluster?.shutdown());
      return;
    }
    if (this.cluster && method === 'POST' && parts.length === 1 && parts[0] === 'jobs') {
      const jobId = await this.cluster.submit(await readJson(req));
      return send(res, 202, { jobUrl: `/jobs/${jobId}` });
    }
    if (parts[0] !== 'jobs') return send(res, 404, { errors: [`Not found: ${url.pathname}`] });
    if (parts.length === 1 && method === 'GET') {
      return send(res, 200, {
        jobs: [...this.jobs.values()].map((j) => ({ id: j.client.jobId, status: j.client.status })),
      });
    }
    if (parts.length === 2 && parts[1] === 'overview' && method === 'GET') {
      return send(res, 200, { jobs: [...this.jobs.values()].map((j) => this.jobOverview(j)) });
    }
    const job = this.jobs.get(parts[1]);
    if (!job) return send(res, 404, { errors: [`Job ${parts[1]} not found`] });
    const rest = parts.slice(2);
    if (rest.length === 0 && method === 'GET') return send(res, 200, this.jobDetails(job));
    if (rest.length === 0 && method === 'PATCH') {
      const mode = url.searchParams.get('mode') ?? 'cancel';
      if (mode !== 'cancel' && mode !== 'stop') return send(res, 400, { errors: [`Unknown mode '${mode}'`] });
      void job.client.cancel();
      return send(res, 202, {});
    }
    if (method === 'GET') {
      const answer = this.metricsRoute(job, rest, url.searchParams);
      if (answer !== undefined) return send(res, 200, answer);
    }
    if (rest.length === 1 && rest[0] === 'checkpoints' && method === 'GET') {
      return send(res, 200, checkpointStatistics(job.client.coordinator.statistics));
    }
    if (rest.length === 1 && (rest[0] === 'savepoints' || rest[0] === 'stop') && method === 'POST') {
      if (job.client.status !== 'RUNNING')
        return send(res, 409, { errors: [`Job ${job.client.jobId} is not running`] });
      const body = (await readJson(req)) as Record<string, unknown>;
      const directory = (body['target-directory'] ?? body.targetDirectory) as string | undefined;
      const operation =
        rest[0] === 'stop'
          ? job.client
              .stop({ savepointDirectory: directory, drain: body.drain === true })
              .then((r) => r.savepoint!)
          : body['cancel-job'] === true
            ? job.client.triggerSavepoint(directory).then(async (location) => {
                await job.client.cancel();
                return location;
              })
            : job.client.triggerSavepoint(directory);
      return send(res, 202, { 'request-id': this.track(operation) });
    }
    if (rest.length === 2 && rest[0] === 'savepoints' && method === 'GET') {
      const op = this.operations.get(rest[1]);
      if (!op) return send(res, 404, { errors: [`Savepoint trigger ${rest[1]} not found`] });
      if (op.status === 'IN_PROGRESS') return send(res, 200, { status: { id: 'IN_PROGRESS' } });
      op.reported = true;
      return send(res, 200, {
        status: { id: 'COMPLETED' },
        operation:
          op.status === 'COMPLETED'
            ? { location: `file:${op.location}` }
            : {
                'failure-cause': {
                  class: 'WeirError',
                  'stack-trace': op.error,
                  'serialized-throwable': op.error,
                },
              },
      });
    }
    return send(res, 404, { errors: [`Not found: ${method} ${url.pathname}`] });
  }

  /** The metric, exception and configuration paths of a job; undefined when `rest` is none of them. */
  private metricsRoute(job: RegisteredJob, rest: readonly string[], query: URLSearchParams): unknown {
    const path = rest.join('/');
    if (path === 'metrics') return metricQuery(jobMetricMap(job.client), query.get('get'));
    if (path === 'exceptions') return jobExceptions(job.client);
    if (path === 'config') return jobConfig(job.client, job.graph);
    if (rest[0] !== 'vertices' || rest.length < 3) return undefined;
    const vertexId = rest[1];
    if (!job.graph.vertices.some((v) => v.id === vertexId)) return undefined;
    const tail = rest.slice(2).join('/');
    if (tail === 'metrics') return metricQuery(vertexMetricMap(job.client, vertexId), query.get('get'));
    if (tail === 'subtasks/metrics')
      return aggregatedSubtaskMetrics(job.client, vertexId, query.get('get'), query.get('agg'));
    return undefined;
  }

  /** `/metrics`: every running job's metrics in Prometheus' text format. */
  private async scrape(res: ServerResponse): Promise<void> {
    this.prometheus ??= PrometheusExporter.create(() =>
      [...this.jobs.values()]
        .filter((j) => j.client.status === 'RUNNING')
        .map((j) => ({
          jobId: j.client.jobId,
          jobName: j.client.jobName,
          metrics: j.client.metrics,
          operatorNames: new Map(j.graph.vertices.map((v) => [v.id, v.name])),
        })),
    );
    const exporter = await this.prometheus;
    const text = await exporter.scrape();
    res.writeHead(200, { 'content-type': exporter.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private track(operation: Promise<string>): string {
    const id = randomBytes(16).toString('hex');
    this.operations.set(id, { status: 'IN_PROGRESS' });
    operation.then(
      (location) => this.operations.set(id, { status: 'COMPLETED', location }),
      (err: Error) =>
        this.operations.set(id, {
          status: 'FAILED',
          error: isWeirError(err) ? `${err.code}: ${err.message}` : err.message,
        }),
    );
    return id;
  }

  private overview() {
    const states = [...this.jobs.values()].map((j) => j.client.status);
    return {
      taskmanagers: 1,
      'slots-total': 1,
      'slots-available': 0,
      'jobs-running': states.filter((s) => s === 'RUNNING').length,
      'jobs-finished': states.filter((s) => s === 'FINISHED').length,
      'jobs-cancelled': states.filter((s) => s === 'CANCELED').length,
      'jobs-failed': states.filter((s) => s === 'FAILED').length,
      'flink-version': 'weir',
    };
  }

  private jobOverview(job: RegisteredJob) {
    const now = Date.now();
    return {
      jid: job.client.jobId,
      name: job.client.jobName,
      state: job.client.status,
      'start-time': job.startTime,
      'end-time': job.endTime ?? -1,
      duration: (job.endTime ?? now) - job.startTime,
      'last-modification': job.endTime ?? job.startTime,
      tasks: { total: job.graph.vertices.length },
    };
  }

  private jobDetails(job: RegisteredJob) {
    const views = job.client.metrics.subtasks();
    const inputs = (id: string) =>
      job.graph.edges
        .filter((e) => e.target === id)
        .map((e, num) => ({
          num,
          id: e.source,
          ship_strategy: e.partitioner.toUpperCase(),
          exchange: 'pipelined_bounded',
        }));
    return {
      ...this.jobOverview(job),
      isStoppable: job.client.status === 'RUNNING',
      now: Date.now(),
      timestamps: { CREATED: job.startTime, RUNNING: job.startTime },
      vertices: job.graph.vertices.map((v) => {
        const summary = vertexSummary(views, v.id);
        return {
          id: v.id,
          name: v.name,
          parallelism:
            summary.subtasks || (v.parallelism ?? Number(job.graph.config['parallelism.default'] ?? 1)),
          status: job.client.status,
          'start-time': job.startTime,
          'end-time': job.endTime ?? -1,
          duration: (job.endTime ?? Date.now()) - job.startTime,
          tasks: { [job.client.status]: summary.subtasks },
          metrics: summary.metrics,
          // weir's own: the busiest and most backpressured subtask now, in ms per second.
          busyTimeMsPerSecond: summary.busyMax,
          backPressuredTimeMsPerSecond: summary.backPressuredMax,
        };
      }),
      // weir's own: which operators run chained in one task (Flink's job vertices).
      chains: chainsOf(views),
      restarts: job.client.metrics.numRestarts,
      plan: {
        jid: job.client.jobId,
        name: job.client.jobName,
        nodes: job.graph.vertices.map((v) => ({
          id: v.id,
          parallelism: v.parallelism ?? Number(job.graph.config['parallelism.default'] ?? 1),
          operator: v.operator.kind,
          description: v.name,
          inputs: inputs(v.id),
        })),
      },
    };
  }
}

function checkpointStatistics(stats: readonly CheckpointStats[]) {
  const history = [...stats].reverse().map((s) => ({
    id: s.id,
    status: s.status,
    is_savepoint: s.isSavepoint,
    trigger_timestamp: s.triggeredAt,
    latest_ack_timestamp: s.durationMs === undefined ? -1 : s.triggeredAt + s.durationMs,
    end_to_end_duration: s.durationMs ?? -1,
    state_size: s.sizeBytes ?? 0,
    checkpointed_size: s.sizeBytes ?? 0,
    sync_duration: s.syncDurationMs ?? -1,
    async_duration: s.asyncDurationMs ?? -1,
    alignment_duration: s.alignmentMs ?? -1,
    external_path: s.location,
    failure_message: s.failureReason,
  }));
  const completed = stats.filter((s) => s.status === 'COMPLETED');
  const latest = (pred: (s: CheckpointStats) => boolean) =>
    history.find((h) => pred(stats.find((s) => s.id === h.id)!)) ?? null;
  const durations = completed.map((s) => s.durationMs ?? 0);
  return {
    counts: {
      restored: 0,
      total: stats.length,
      in_progress: stats.filter((s) => s.status === 'IN_PROGRESS').length,
      completed: completed.length,
      failed: stats.filter((s) => s.status === 'FAILED').length,
    },
    summary: {
      end_to_end_duration: {
        min: durations.length ? Math.min(...durations) : 0,
        max: durations.length ? Math.max(...durations) : 0,
        avg: durations.length ? Math.round(durations.reduce((a, b) => a + b, 0) / durations.length) : 0,
      },
    },
    latest: {
      completed: latest((s) => s.status === 'COMPLETED' && !s.isSavepoint),
      savepoint: latest((s) => s.status === 'COMPLETED' && s.isSavepoint),
      failed: latest((s) => s.status === 'FAILED'),
      restored: null,
    },
    history,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const data = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    'content-length': Buffer.byteLength(data),
  });
  res.end(data);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}
