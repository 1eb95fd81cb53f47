import type { CheckpointCoordinator } from '../checkpoint/coordinator.js';
import { MeterView } from './meter.js';
import type { OperatorIOMetrics, TaskMetrics } from './task-metrics.js';

/** A running subtask as the collector sees it; a worker-thread proxy can stand in for a StreamTask. */
export interface MetricSource {
  readonly taskName: string;
  readonly subtaskIndex: number;
  /** Whether the chain starts with a source reader rather than network input. */
  readonly isSource: boolean;
  /** The operators of its chain, the source reader's first. */
  readonly operatorIds: readonly string[];
  metricsSnapshot(): TaskMetrics;
}

/** The records and bytes of one subtask, as Flink's task scope has them: network input and output. */
export interface TaskIO {
  /** Records from upstream tasks; 0 for a source task. */
  readonly numRecordsIn: number;
  readonly numRecordsOut: number;
  readonly numRecordsInPerSecond: number;
  readonly numRecordsOutPerSecond: number;
  /** Serialized bytes from upstream tasks; 0 for a source task (its reader's bytes are the source operator's). */
  readonly numBytesIn: number;
  /** Serialized bytes to downstream tasks; 0 for a task that ends in a sink. */
  readonly numBytesOut: number;
  readonly numBytesInPerSecond: number;
  readonly numBytesOutPerSecond: number;
}

/** The rates of one subtask, computed when read. */
export interface TaskRates {
  readonly busyTimeMsPerSecond: number;
  readonly backPressuredTimeMsPerSecond: number;
  readonly idleTimeMsPerSecond: number;
}

export interface OperatorRates {
  readonly numRecordsInPerSecond: number;
  readonly numRecordsOutPerSecond: number;
  readonly numBytesInPerSecond: number;
  readonly numBytesOutPerSecond: number;
}

/** One subtask's metrics at a moment: counters, gauges and the rates derived from them. */
export interface SubtaskMetricsView {
  /** The chain's name, without the "(1/2)" of the subtask. */
  readonly taskName: string;
  readonly subtaskIndex: number;
  readonly operatorIds: readonly string[];
  readonly metrics: TaskMetrics;
  readonly io: TaskIO;
  readonly rates: TaskRates;
  readonly operatorRates: Readonly<Record<string, OperatorRates>>;
}

/** Flink's job-scope metrics (the JobManager's `<job>` group). */
export interface JobScopeMetrics {
  readonly lastCheckpointDuration: number;
  readonly lastCheckpointSize: number;
  readonly numberOfCompletedCheckpoints: number;
  readonly numberOfFailedCheckpoints: number;
  readonly numberOfInProgressCheckpoints: number;
  readonly totalNumberOfCheckpoints: number;
  readonly numRestarts: number;
  readonly uptime: number;
}

const clampMsPerSecond = (v: number) => Math.round(Math.min(1000, Math.max(0, v)));

/**
 * The metrics of one job, read from its tasks' metric objects when asked (by the REST API, a
 * Prometheus scrape, the terminal status line). Tasks only count; every rate is computed here.
 */
export class JobMetrics {
  private tasks: readonly MetricSource[] = [];
  private attemptStart = Date.now();
  private readonly meters = new Map<string, MeterView>();
  /** How many times the job failed over and restarted. */
  numRestarts = 0;
  /** Set when the job ended: uptime is then -1, as Flink's. */
  endTime?: number;

  constructor(
    private readonly coordinator: CheckpointCoordinator,
    readonly startTime = Date.now(),
  ) {}

  /** The tasks of a new execution attempt; their counters start from zero. */
  attach(tasks: readonly MetricSource[]): void {
    this.tasks = tasks;
    this.attemptStart = Date.now();
    this.meters.clear();
  }

  jobScope(now = Date.now()): JobScopeMetrics {
    const c = this.coordinator;
    const last = [...c.statistics].reverse().find((s) => s.status === 'COMPLETED');
    return {
      lastCheckpointDuration: last?.durationMs ?? -1,
      lastCheckpointSize: last?.sizeBytes ?? -1,
      numberOfCompletedCheckpoints: c.counts.completed,
      numberOfFailedCheckpoints: c.counts.failed,
      numberOfInProgressCheckpoints: c.numberOfInProgress,
      totalNumberOfCheckpoints: c.counts.completed + c.counts.failed + c.numberOfInProgress,
      numRestarts: this.numRestarts,
      uptime: this.endTime === undefined ? now - this.startTime : -1,
    };
  }

  subtasks(now = Date.now()): SubtaskMetricsView[] {
    return this.tasks.map((task, t) => {
      const metrics = task.metricsSnapshot();
      const rate = (name: string, count: number) =>
        this.meter(`${t}/${name}`).rate(count, now, this.attemptStart);
      const operatorRates: Record<string, OperatorRates> = {};
      for (const [id, io] of Object.entries(metrics.operators)) {
        operatorRates[id] = {
          numRecordsInPerSecond: rate(`${id}/in`, io.numRecordsIn),
          numRecordsOutPerSecond: rate(`${id}/out`, io.numRecordsOut),
          numBytesInPerSecond: rate(`${id}/bytes-in`, io.numBytesIn),
          numBytesOutPerSecond: rate(`${id}/bytes-out`, io.numBytesOut),
        };
      }
      const first = task.operatorIds[0];
      const last = task.operatorIds[task.operatorIds.length - 1];
      return {
        taskName: task.taskName.replace(/ \(\d+\/\d+\)$/, ''),
        subtaskIndex: task.subtaskIndex,
        operatorIds: task.operatorIds,
        metrics,
        io: {
          numRecordsIn: task.isSource ? 0 : metrics.operators[first].numRecordsIn,
          numRecordsOut: metrics.operators[last].numRecordsOut,
          numRecordsInPerSecond: task.isSource ? 0 : operatorRates[first].numRecordsInPerSecond,
          numRecordsOutPerSecond: operatorRates[last].numRecordsOutPerSecond,
          numBytesIn: task.isSource ? 0 : metrics.operators[first].numBytesIn,
          numBytesOut: metrics.operators[last].numBytesOut,
          numBytesInPerSecond: task.isSource ? 0 : operatorRates[first].numBytesInPerSecond,
          numBytesOutPerSecond: operatorRates[last].numBytesOutPerSecond,
        },
        rates: {
          busyTimeMsPerSecond: clampMsPerSecond(rate('busy', metrics.busyTimeMs)),
          backPressuredTimeMsPerSecond: clampMsPerSecond(rate('bp', metrics.backPressuredTimeMs)),
          idleTimeMsPerSecond: clampMsPerSecond(rate('idle', metrics.idleTimeMs)),
        },
        operatorRates,
      };
    });
  }

  /**
   * The metrics of one vertex (an operator of the JobGraph) per subtask index, by Flink's names:
   * its own records, bytes and watermarks, its connector's gauges, and the time metrics of the task it
   * is chained into.
   */
  vertexMetrics(vertexId: string, views = this.subtasks()): Map<number, Record<string, number>> {
    const result = new Map<number, Record<string, number>>();
    for (const view of views) {
      const io: OperatorIOMetrics | undefined = view.metrics.operators[vertexId];
      if (!io) continue;
      result.set(view.subtaskIndex, {
        numRecordsIn: io.numRecordsIn,
        numRecordsOut: io.numRecordsOut,
        numBytesIn: io.numBytesIn,
        numBytesOut: io.numBytesOut,
        ...view.operatorRates[vertexId],
        currentInputWatermark: io.currentInputWatermark,
        currentOutputWatermark: io.currentOutputWatermark,
        ...view.rates,
        accumulatedBusyTime: Math.round(view.metrics.busyTimeMs),
        accumulatedBackPressuredTime: Math.round(view.metrics.backPressuredTimeMs),
        accumulatedIdleTime: Math.round(view.metrics.idleTimeMs),
        ...io.gauges,
      });
    }
    return result;
  }

  private meter(key: string): MeterView {
    let meter = this.meters.get(key);
    if (!meter) {
      meter = new MeterView();
      this.meters.set(key, meter);
    }
    return meter;
  }
}
