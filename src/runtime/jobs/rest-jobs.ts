import { createHash } from 'node:crypto';
import { Configuration } from '../../common/config.js';
import type { JobGraph } from '../../common/jobgraph.js';
import { MAX_PARALLELISM } from '../../common/options.js';
import type { SubtaskMetricsView } from '../metrics/job-metrics.js';
import type { JobClient, JobStatus } from './local-executor.js';
import { chainsOf, vertexSummary } from './rest-metrics.js';

/** A job as the REST API sees it. */
export interface RegisteredJob {
  readonly client: JobClient;
  readonly graph: JobGraph;
  readonly startTime: number;
  endTime?: number;
}

/** Flink's JobStatus values: `timestamps` has one entry for each, 0 for a state never reached. */
const JOB_STATES = [
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'FAILING',
  'FAILED',
  'CANCELLING',
  'CANCELED',
  'FINISHED',
  'RESTARTING',
  'SUSPENDED',
  'RECONCILING',
] as const;

/** Flink's ExecutionState values: task counts have one entry for each. */
const TASK_STATES = [
  'CREATED',
  'SCHEDULED',
  'DEPLOYING',
  'RUNNING',
  'FINISHED',
  'CANCELING',
  'CANCELED',
  'FAILED',
  'RECONCILING',
  'INITIALIZING',
] as const;

type TaskState = (typeof TASK_STATES)[number];

/** weir does not follow each subtask through deployment: a job's subtasks are all in its own state. */
const taskState = (status: JobStatus): TaskState => status;

/** A 32-hex-digit id like Flink's AbstractID, stable for the same input. */
const hexId = (text: string) => createHash('md5').update(text).digest('hex');

/** What weir says where Flink names its version and commit. */
const VERSION = 'weir';

function countsByState(state: TaskState, count: number): Record<TaskState, number> {
  return Object.fromEntries(TASK_STATES.map((s) => [s, s === state ? count : 0])) as Record<
    TaskState,
    number
  >;
}

/** The subtasks of each vertex, from the running tasks; a vertex's configured parallelism after the job ended. */
function parallelismOf(job: RegisteredJob, views: readonly SubtaskMetricsView[], vertexId: string): number {
  const running = views.filter((v) => v.metrics.operators[vertexId]).length;
  if (running > 0) return running;
  const vertex = job.graph.vertices.find((v) => v.id === vertexId);
  return vertex?.parallelism ?? Number(job.graph.config['parallelism.default'] ?? 1);
}

/** `GET /overview`: Flink's ClusterOverview. One process is one task manager. */
export function clusterOverview(jobs: readonly RegisteredJob[]) {
  const states = jobs.map((j) => j.client.status);
  return {
    taskmanagers: 1,
    'slots-total': 1,
    'slots-available': 0,
    'jobs-running': states.filter((s) => s === 'RUNNING').length,
    'jobs-finished': states.filter((s) => s === 'FINISHED').length,
    'jobs-cancelled': states.filter((s) => s === 'CANCELED').length,
    'jobs-failed': states.filter((s) => s === 'FAILED').length,
    'flink-version': VERSION,
    'flink-commit': VERSION,
  };
}

/** `GET /config`: Flink's DashboardConfiguration (what the web UI reads first). */
export function dashboardConfiguration(now = new Date()) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return {
    'refresh-interval': 3000,
    'timezone-name': zone,
    // Flink's is the zone's offset from UTC in ms, positive east of Greenwich.
    'timezone-offset': -now.getTimezoneOffset() * 60_000,
    'flink-version': VERSION,
    'flink-revision': VERSION,
    features: { 'web-submit': false, 'web-cancel': true, 'web-rescale': false, 'web-history': false },
  };
}

/** One entry of `GET /jobs/overview`: Flink's JobDetails, task counts by state in lower case. */
export function jobOverview(job: RegisteredJob, views = job.client.metrics.subtasks()) {
  const now = Date.now();
  const total = views.length || job.graph.vertices.reduce((n, v) => n + parallelismOf(job, views, v.id), 0);
  const byState = countsByState(taskState(job.client.status), total);
  const tasks: Record<string, number> = { total };
  for (const s of TASK_STATES) tasks[s.toLowerCase()] = byState[s];
  return {
    jid: job.client.jobId,
    name: job.client.jobName,
    state: job.client.status,
    'start-time': job.startTime,
    'end-time': job.endTime ?? -1,
    duration: (job.endTime ?? now) - job.startTime,
    'last-modification': job.endTime ?? job.startTime,
    tasks,
  };
}

/** `GET /jobs/:id`: Flink's JobDetailsInfo, with weir's vertices being the JobGraph's operators. */
export function jobDetails(job: RegisteredJob) {
  const now = Date.now();
  const views = job.client.metrics.subtasks(now);
  const status = job.client.status;
  const maxParallelism = new Configuration(Object.entries(job.graph.config)).require(MAX_PARALLELISM);
  const slotSharingGroupId = hexId(`${job.client.jobId}/default`);
  const timestamps = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<string, number>;
  timestamps.INITIALIZING = job.startTime;
  timestamps.CREATED = job.startTime;
  timestamps.RUNNING = job.startTime;
  if (status !== 'RUNNING') timestamps[status] = job.endTime ?? now;
  const inputs = (id: string) =>
    job.graph.edges
      .filter((e) => e.target === id)
      .map((e, num) => ({
        num,
        id: e.source,
        ship_strategy: e.partitioner.toUpperCase(),
        exchange: 'pipelined_bounded',
      }));
  const vertices = job.graph.vertices.map((v) => {
    const summary = vertexSummary(views, v.id);
    const parallelism = parallelismOf(job, views, v.id);
    return {
      id: v.id,
      slotSharingGroupId,
      name: v.name,
      maxParallelism,
      parallelism,
      status: taskState(status),
      'start-time': job.startTime,
      'end-time': job.endTime ?? -1,
      duration: (job.endTime ?? now) - job.startTime,
      tasks: countsByState(taskState(status), parallelism),
      metrics: summary.metrics,
      // weir's own: the busiest and most backpressured subtask now, in ms per second.
      busyTimeMsPerSecond: summary.busyMax,
      backPressuredTimeMsPerSecond: summary.backPressuredMax,
    };
  });
  return {
    jid: job.client.jobId,
    name: job.client.jobName,
    isStoppable: status === 'RUNNING',
    state: status,
    'job-type': 'STREAMING',
    'start-time': job.startTime,
    'end-time': job.endTime ?? -1,
    duration: (job.endTime ?? now) - job.startTime,
    // As Flink's when the job sets none of its own (each vertex has pipeline.max-parallelism).
    maxParallelism: -1,
    now,
    timestamps,
    vertices,
    // Flink counts job vertices by state here.
    'status-counts': countsByState(taskState(status), vertices.length),
    // weir's own: which operators run chained in one task (Flink's job vertices).
    chains: chainsOf(views),
    restarts: job.client.metrics.numRestarts,
    plan: {
      jid: job.client.jobId,
      name: job.client.jobName,
      type: 'STREAMING',
      nodes: job.graph.vertices.map((v) => ({
        id: v.id,
        parallelism: parallelismOf(job, views, v.id),
        operator: v.operator.kind,
        operator_strategy: '',
        description: v.name,
        inputs: inputs(v.id),
        optimizer_properties: {},
      })),
    },
  };
}

/** `GET /jobs/:id/vertices/:vid`: Flink's JobVertexDetailsInfo, one entry per subtask. */
export function vertexDetails(job: RegisteredJob, vertexId: string) {
  const now = Date.now();
  const vertex = job.graph.vertices.find((v) => v.id === vertexId);
  if (!vertex) return undefined;
  const views = job.client.metrics.subtasks(now).filter((v) => v.metrics.operators[vertexId]);
  const state = taskState(job.client.status);
  const end = job.endTime ?? -1;
  const duration = (job.endTime ?? now) - job.startTime;
  const subtasks = views
    .sort((a, b) => a.subtaskIndex - b.subtaskIndex)
    .map((view) => ({
      subtask: view.subtaskIndex,
      status: state,
      attempt: job.client.metrics.numRestarts,
      host: 'localhost',
      endpoint: 'localhost',
      'start-time': job.startTime,
      'end-time': end,
      duration,
      metrics: vertexSummary([view], vertexId).metrics,
      // Every subtask runs in this process, which is weir's one task manager.
      'taskmanager-id': `weir-${process.pid}`,
      // Subtasks start running as soon as they are created.
      'status-duration': { CREATED: 0, SCHEDULED: 0, DEPLOYING: 0, INITIALIZING: 0, RUNNING: duration },
      start_time: job.startTime,
    }));
  return {
    id: vertexId,
    name: vertex.name,
    parallelism: parallelismOf(job, views, vertexId),
    maxParallelism: new Configuration(Object.entries(job.graph.config)).require(MAX_PARALLELISM),
    now,
    subtasks,
    aggregated: {
      metrics: aggregate(subtasks.map((s) => s.metrics)),
      'status-duration': aggregate(subtasks.map((s) => s['status-duration'])),
    },
  };
}

/** Flink's AggregatedTaskDetailsInfo: per numeric field, min, max, sum, avg and percentiles over the subtasks. */
function aggregate(rows: readonly Record<string, number | boolean>[]) {
  const names = new Set(rows.flatMap((r) => Object.keys(r).filter((k) => typeof r[k] === 'number')));
  const result: Record<string, Record<string, number>> = {};
  for (const name of names) {
    const values = rows.map((r) => r[name] as number).sort((a, b) => a - b);
    const at = (q: number) => values[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
    const sum = values.reduce((a, b) => a + b, 0);
    result[name] = {
      min: values[0] ?? 0,
      max: values.at(-1) ?? 0,
      sum,
      avg: values.length ? Math.round(sum / values.length) : 0,
      median: at(0.5),
      p25: at(0.25),
      p75: at(0.75),
      p95: at(0.95),
    };
  }
  return result;
}
