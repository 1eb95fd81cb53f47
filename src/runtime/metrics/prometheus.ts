import type { Gauge, Registry } from 'prom-client';
import type { JobMetrics } from './job-metrics.js';

/** A running job as the exporter sees it. */
export interface ExportedJob {
  readonly jobId: string;
  readonly jobName: string;
  readonly metrics: JobMetrics;
  /** Vertex (operator) names by id, for the operator_name label. */
  readonly operatorNames: ReadonlyMap<string, string>;
}

/** Flink reports "no watermark yet" as Long.MIN_VALUE; so does the exporter, for Flink's dashboards. */
const LONG_MIN = -(2 ** 63);

const JOB = ['job_id', 'job_name'] as const;
const TASK = [...JOB, 'task_id', 'task_name', 'subtask_index'] as const;
const OPERATOR = [...TASK, 'operator_id', 'operator_name'] as const;
const PARTITION = [...OPERATOR, 'topic', 'partition'] as const;

const JOB_METRICS = {
  lastCheckpointDuration: 'Duration of the last completed checkpoint, in ms (-1 before the first)',
  lastCheckpointSize: 'Size of the last completed checkpoint, in bytes (-1 before the first)',
  numberOfCompletedCheckpoints: 'Checkpoints completed since the job started',
  numberOfFailedCheckpoints: 'Checkpoints failed since the job started',
  numberOfInProgressCheckpoints: 'Checkpoints in progress',
  totalNumberOfCheckpoints: 'Checkpoints triggered since the job started',
  numRestarts: 'Restarts since the job started',
  uptime: 'Time since the job started, in ms',
} as const;

const TASK_METRICS = {
  numRecordsIn: 'Records the task received',
  numRecordsOut: 'Records the task emitted',
  numRecordsInPerSecond: 'Records the task receives per second',
  numRecordsOutPerSecond: 'Records the task emits per second',
  numBytesIn: 'Serialized bytes the task received from upstream tasks',
  numBytesOut: 'Serialized bytes the task sent to downstream tasks',
  numBytesInPerSecond: 'Serialized bytes the task receives per second',
  numBytesOutPerSecond: 'Serialized bytes the task sends per second',
  busyTimeMsPerSecond: 'Time per second the task is busy, in ms',
  backPressuredTimeMsPerSecond: 'Time per second the task waits for downstream room, in ms',
  idleTimeMsPerSecond: 'Time per second the task waits for input, in ms',
} as const;

const OPERATOR_METRICS = {
  numRecordsIn: 'Records the operator received',
  numRecordsOut: 'Records the operator emitted',
  numRecordsInPerSecond: 'Records the operator receives per second',
  numRecordsOutPerSecond: 'Records the operator emits per second',
  numBytesIn: 'Serialized bytes the operator received from upstream tasks, or a source from outside',
  numBytesOut: 'Serialized bytes the operator sent to downstream tasks',
  numBytesInPerSecond: 'Serialized bytes the operator receives per second',
  numBytesOutPerSecond: 'Serialized bytes the operator sends per second',
  currentInputWatermark: 'The last watermark the operator received, in ms since the epoch',
  currentOutputWatermark: 'The last watermark the operator emitted, in ms since the epoch',
  pendingRecords: 'Records a source has not yet read (Kafka: the sum of its partitions’ lag)',
} as const;

const PARTITION_METRICS = {
  'records-lag': 'Records between the reader position and the end of the Kafka partition',
  currentOffset: 'The next offset the reader emits from the Kafka partition',
} as const;

const PARTITION_GAUGE = /^KafkaSourceReader\.topic\.(.+)\.partition\.(\d+)\.(records-lag|currentOffset)$/;

const watermark = (v: number) => (Number.isFinite(v) ? v : LONG_MIN);

/**
 * The metrics of the running jobs in Prometheus' text format, under the names Flink's
 * PrometheusReporter gives them (`flink_jobmanager_job_…`, `flink_taskmanager_job_task_…`,
 * `flink_taskmanager_job_task_operator_…`), so dashboards built for Flink work unchanged. Like
 * Flink's reporter, counters are exported as gauges. Values are read from the jobs at each scrape.
 */
export class PrometheusExporter {
  private constructor(
    private readonly registry: Registry,
    private readonly jobs: () => Iterable<ExportedJob>,
  ) {}

  /** prom-client is loaded on the first scrape, so it costs nothing to jobs nobody scrapes. */
  static async create(jobs: () => Iterable<ExportedJob>): Promise<PrometheusExporter> {
    const client = await import('prom-client');
    const registry = new client.Registry();
    const exporter = new PrometheusExporter(registry, jobs);
    const gauge = (name: string, help: string, labelNames: readonly string[], collect: (g: Gauge) => void) =>
      new client.Gauge({
        name,
        help,
        labelNames,
        registers: [registry],
        collect() {
          this.reset();
          collect(this);
        },
      });
    for (const [name, help] of Object.entries(JOB_METRICS)) {
      gauge(`flink_jobmanager_job_${name}`, help, JOB, (g) => {
        for (const job of exporter.jobs()) {
          g.set(jobLabels(job), job.metrics.jobScope()[name as keyof typeof JOB_METRICS]);
        }
      });
    }
    // One read of every task per scrape, shared by all gauges of that scrape.
    let views: { job: ExportedJob; views: ReturnType<JobMetrics['subtasks']> }[] = [];
    const snapshot = () => {
      views = [...exporter.jobs()].map((job) => ({ job, views: job.metrics.subtasks() }));
    };
    for (const [name, help] of Object.entries(TASK_METRICS)) {
      gauge(`flink_taskmanager_job_task_${name}`, help, TASK, (g) => {
        if (name === 'numRecordsIn') snapshot();
        for (const { job, views: subtasks } of views) {
          for (const view of subtasks) {
            const labels = taskLabels(job, view);
            const value: Record<keyof typeof TASK_METRICS, number> = { ...view.io, ...view.rates };
            g.set(labels, value[name as keyof typeof TASK_METRICS]);
          }
        }
      });
    }
    for (const [name, help] of Object.entries(OPERATOR_METRICS)) {
      gauge(`flink_taskmanager_job_task_operator_${name}`, help, OPERATOR, (g) => {
        for (const { job, views: subtasks } of views) {
          for (const view of subtasks) {
            for (const id of view.operatorIds) {
              const io = view.metrics.operators[id];
              const labels = {
                ...taskLabels(job, view),
                operator_id: id,
                operator_name: job.operatorNames.get(id) ?? id,
              };
              const value: Record<string, number | undefined> = {
                numRecordsIn: io.numRecordsIn,
                numRecordsOut: io.numRecordsOut,
                numBytesIn: io.numBytesIn,
                numBytesOut: io.numBytesOut,
                ...view.operatorRates[id],
                currentInputWatermark: watermark(io.currentInputWatermark),
                currentOutputWatermark: watermark(io.currentOutputWatermark),
                pendingRecords: io.gauges?.pendingRecords,
              };
              const v = value[name];
              if (v !== undefined) g.set(labels, v);
            }
          }
        }
      });
    }
    for (const [name, help] of Object.entries(PARTITION_METRICS)) {
      const metric = `flink_taskmanager_job_task_operator_KafkaSourceReader_topic_partition_${name.replace('-', '_')}`;
      gauge(metric, help, PARTITION, (g) => {
        for (const { job, views: subtasks } of views) {
          for (const view of subtasks) {
            for (const id of view.operatorIds) {
              for (const [key, v] of Object.entries(view.metrics.operators[id].gauges ?? {})) {
                const m = PARTITION_GAUGE.exec(key);
                if (!m || m[3] !== name) continue;
                g.set(
                  {
                    ...taskLabels(job, view),
                    operator_id: id,
                    operator_name: job.operatorNames.get(id) ?? id,
                    topic: m[1],
                    partition: m[2],
                  },
                  v,
                );
              }
            }
          }
        }
      });
    }
    return exporter;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text of one scrape. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }
}

function jobLabels(job: ExportedJob) {
  return { job_id: job.jobId, job_name: job.jobName };
}

function taskLabels(
  job: ExportedJob,
  view: { taskName: string; subtaskIndex: number; operatorIds: readonly string[] },
) {
  return {
    ...jobLabels(job),
    task_id: view.operatorIds[0],
    task_name: view.taskName,
    subtask_index: String(view.subtaskIndex),
  };
}
