import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isWeirError } from '../../common/errors.js';
import type { JobGraph } from '../../common/jobgraph.js';
import { PrometheusExporter } from '../metrics/prometheus.js';
import { serveDashboard } from './dashboard-assets.js';
import type { JobClient } from './local-executor.js';
import { checkpointConfig, checkpointStatistics } from './rest-checkpoints.js';
import {
  clusterOverview,
  dashboardConfiguration,
  jobDetails,
  jobOverview,
  type RegisteredJob,
  vertexDetails,
} from './rest-jobs.js';
import {
  aggregatedSubtaskMetrics,
  jobConfig,
  jobExceptions,
  jobMetricMap,
  metricQuery,
  vertexMetricMap,
} from './rest-metrics.js';

export type { RegisteredJob } from './rest-jobs.js';

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
      return send(res, 200, clusterOverview([...this.jobs.values()]));
    if (method === 'GET' && parts.length === 1 && parts[0] === 'config')
      return send(res, 200, dashboardConfiguration());
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
      return send(res, 200, { jobs: [...this.jobs.values()].map((j) => jobOverview(j)) });
    }
    const job = this.jobs.get(parts[1]);
    if (!job) return send(res, 404, { errors: [`Job ${parts[1]} not found`] });
    const rest = parts.slice(2);
    if (rest.length === 0 && method === 'GET') return send(res, 200, jobDetails(job));
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
      return send(res, 200, checkpointStatistics(job.client.coordinator.statistics, job.graph));
    }
    if (rest.length === 2 && rest[0] === 'checkpoints' && rest[1] === 'config' && method === 'GET') {
      const config = checkpointConfig(job.graph);
      return config
        ? send(res, 200, config)
        : send(res, 404, { errors: [`Checkpointing is not enabled for this job (${job.client.jobId}).`] });
    }
    if (rest.length === 1 && (rest[0] === 'savepoints' || rest[0] === 'stop') && method === 'POST') {
      if (job.client.status !== 'RUNNING')
        return send(res, 409, { errors: [`Job ${job.client.jobId} is not running`] });
      const body = (await readJson(req)) as Record<string, unknown>;
      const directory = (body['target-directory'] ?? body.targetDirectory) as string | undefined;
      // Flink's SavepointFormatType: CANONICAL (the default) or NATIVE.
      const formatType = String(body.formatType ?? 'CANONICAL').toUpperCase();
      if (formatType !== 'CANONICAL' && formatType !== 'NATIVE') {
        return send(res, 400, {
          errors: [`Unknown formatType '${String(body.formatType)}': use CANONICAL or NATIVE`],
        });
      }
      const format = formatType === 'NATIVE' ? 'native' : 'canonical';
      const operation =
        rest[0] === 'stop'
          ? job.client
              .stop({ savepointDirectory: directory, drain: body.drain === true, format })
              .then((r) => r.savepoint!)
          : body['cancel-job'] === true
            ? job.client.triggerSavepoint(directory, format).then(async (location) => {
                await job.client.cancel();
                return location;
              })
            : job.client.triggerSavepoint(directory, format);
      return send(res, 202, { 'request-id': this.track(operation) });
    }
    if (rest.length === 2 && rest[0] === 'savepoints' && method === 'GET') {
      const op = this.operations.get(rest[1]);
      if (!op) return send(res, 404, { errors: [`Savepoint trigger ${rest[1]} not found`] });
      if (op.status === 'IN_PROGRESS')
        return send(res, 200, { status: { id: 'IN_PROGRESS' }, operation: null });
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
    if (rest[0] !== 'vertices' || rest.length < 2) return undefined;
    const vertexId = rest[1];
    if (rest.length === 2) return vertexDetails(job, vertexId);
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
