import type { JobGraph } from '../../common/jobgraph.js';
import { maskSecrets } from '../../common/secrets.js';
import type { SubtaskMetricsView } from '../metrics/job-metrics.js';
import type { JobClient } from './local-executor.js';

/** Flink's REST API prints Long.MIN_VALUE for "no watermark yet". */
const LONG_MIN_TEXT = '-9223372036854775808';

type MetricValue = number | undefined;

const metricText = (v: number) =>
  Number.isFinite(v) ? String(Number.isInteger(v) ? v : Math.round(v * 1000) / 1000) : LONG_MIN_TEXT;

/**
 * Flink's metric query shape: without `get`, the ids there are (`[{id}]`); with `get=a,b`, those
 * that exist with their values as strings (`[{id, value}]`).
 */
export function metricQuery(available: ReadonlyMap<string, number>, get: string | null) {
  if (get === null) return [...available.keys()].map((id) => ({ id }));
  return get
    .split(',')
    .map((id) => id.trim())
    .filter((id) => available.has(id))
    .map((id) => ({ id, value: metricText(available.get(id)!) }));
}

/** A vertex's metrics as Flink names them at `/jobs/:id/vertices/:vid/metrics`: `<subtask>.<name>`. */
export function vertexMetricMap(client: JobClient, vertexId: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const [subtask, metrics] of client.metrics.vertexMetrics(vertexId)) {
    for (const [name, value] of Object.entries(metrics)) result.set(`${subtask}.${name}`, value);
  }
  return result;
}

/** `/jobs/:id/vertices/:vid/subtasks/metrics?get=a&agg=sum`: each metric over the subtasks. */
export function aggregatedSubtaskMetrics(
  client: JobClient,
  vertexId: string,
  get: string | null,
  agg: string | null,
) {
  const bySubtask = [...client.metrics.vertexMetrics(vertexId).values()];
  const names = new Set(bySubtask.flatMap((m) => Object.keys(m)));
  if (get === null) return [...names].map((id) => ({ id }));
  const wanted = agg ? agg.split(',').map((a) => a.trim()) : ['min', 'max', 'avg', 'sum', 'skew'];
  return get
    .split(',')
    .map((id) => id.trim())
    .filter((id) => names.has(id))
    .map((id) => {
      const values = bySubtask
        .map((m) => m[id])
        .filter((v): v is number => Number.isFinite(v as MetricValue));
      const sum = values.reduce((a, b) => a + b, 0);
      const avg = values.length ? sum / values.length : 0;
      const all: Record<string, number> = {
        min: values.length ? Math.min(...values) : 0,
        max: values.length ? Math.max(...values) : 0,
        avg,
        sum,
        // Flink's skew: how far the largest subtask is above the average, in percent.
        skew: avg > 0 ? Math.round(((Math.max(...values) - avg) / avg) * 100) : 0,
      };
      const entry: Record<string, number | string> = { id };
      for (const a of wanted) if (a in all) entry[a] = all[a];
      return entry;
    });
}

export function jobMetricMap(client: JobClient): Map<string, number> {
  return new Map(Object.entries(client.metrics.jobScope()));
}

/** Flink's vertex `metrics` block in `/jobs/:id`, summed over the subtasks. */
export function vertexSummary(views: readonly SubtaskMetricsView[], vertexId: string) {
  let readRecords = 0;
  let writeRecords = 0;
  let readBytes = 0;
  let writeBytes = 0;
  let busy = 0;
  let backPressured = 0;
  let idle = 0;
  let busyMax = 0;
  let backPressuredMax = 0;
  let subtasks = 0;
  for (const view of views) {
    const io = view.metrics.operators[vertexId];
    if (!io) continue;
    subtasks++;
    readRecords += io.numRecordsIn;
    writeRecords += io.numRecordsOut;
    // Network bytes only, as Flink's vertex has them: a source reader's bytes are its own metric.
    if (vertexId === view.operatorIds[0]) readBytes += view.io.numBytesIn;
    if (vertexId === view.operatorIds[view.operatorIds.length - 1]) writeBytes += view.io.numBytesOut;
    busy += view.metrics.busyTimeMs;
    backPressured += view.metrics.backPressuredTimeMs;
    idle += view.metrics.idleTimeMs;
    busyMax = Math.max(busyMax, view.rates.busyTimeMsPerSecond);
    backPressuredMax = Math.max(backPressuredMax, view.rates.backPressuredTimeMsPerSecond);
  }
  return {
    metrics: {
      // Serialized bytes as Flink counts them at the task boundaries (0 within a chain).
      'read-bytes': readBytes,
      'read-bytes-complete': true,
      'write-bytes': writeBytes,
      'write-bytes-complete': true,
      'read-records': readRecords,
      'read-records-complete': true,
      'write-records': writeRecords,
      'write-records-complete': true,
      'accumulated-backpressured-time': Math.round(backPressured),
      'accumulated-idle-time': Math.round(idle),
      'accumulated-busy-time': Math.round(busy),
    },
    subtasks,
    busyMax,
    backPressuredMax,
  };
}

/** The chains (Flink's job vertices) the operators run in: name, operators in order, parallelism. */
export function chainsOf(views: readonly SubtaskMetricsView[]) {
  const chains = new Map<string, { name: string; operators: readonly string[]; parallelism: number }>();
  for (const view of views) {
    const key = view.operatorIds.join(',');
    const chain = chains.get(key);
    if (chain) chain.parallelism++;
    else chains.set(key, { name: view.taskName, operators: view.operatorIds, parallelism: 1 });
  }
  return [...chains.values()];
}

/** `/jobs/:id/exceptions` in Flink's shape: the root exception and the exception history. */
export function jobExceptions(client: JobClient) {
  const latest = client.exceptions.at(-1);
  const entries = [...client.exceptions].reverse().map((e) => ({
    exceptionName: e.name,
    stacktrace: e.stack ?? `${e.name}: ${e.message}`,
    timestamp: e.timestamp,
    taskName: null,
    location: null,
    taskManagerId: null,
    failureLabels: {},
    concurrentExceptions: [],
  }));
  return {
    'root-exception': latest ? (latest.stack ?? `${latest.name}: ${latest.message}`) : null,
    timestamp: latest?.timestamp ?? null,
    'all-exceptions': [],
    truncated: false,
    exceptionHistory: { entries, truncated: false },
  };
}

/** `/jobs/:id/config` in Flink's shape, with every secret masked. */
export function jobConfig(client: JobClient, graph: JobGraph) {
  const config = maskSecrets(graph.config);
  return {
    jid: client.jobId,
    name: client.jobName,
    'execution-config': {
      'execution-mode': 'PIPELINED',
      'restart-strategy': config['restart-strategy.type'] ?? config['restart-strategy'] ?? 'default',
      'job-parallelism': Number(config['parallelism.default'] ?? 1),
      'object-reuse-mode': false,
      'user-config': config,
    },
  };
}
