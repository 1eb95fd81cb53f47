import { Configuration } from '../../common/config.js';
import type { JobGraph } from '../../common/jobgraph.js';
import {
  CHECKPOINT_STORAGE,
  CHECKPOINTING_ALIGNED_TIMEOUT,
  CHECKPOINTING_EXTERNALIZED_RETENTION,
  CHECKPOINTING_INTERVAL,
  CHECKPOINTING_MAX_CONCURRENT,
  CHECKPOINTING_MIN_PAUSE,
  CHECKPOINTING_MODE,
  CHECKPOINTING_TIMEOUT,
  CHECKPOINTING_TOLERABLE_FAILURES,
  CHECKPOINTING_UNALIGNED,
  STATE_BACKEND,
} from '../../common/options.js';
import type { CheckpointStats } from '../checkpoint/coordinator.js';

/** `/jobs/:id/checkpoints`: Flink's CheckpointingStatistics, history newest first. */
export function checkpointStatistics(stats: readonly CheckpointStats[], graph: JobGraph) {
  const unaligned = new Configuration(Object.entries(graph.config)).require(CHECKPOINTING_UNALIGNED);
  const entry = (s: CheckpointStats) => checkpointEntry(s, unaligned);
  const newestFirst = [...stats].reverse();
  const completed = stats.filter((s) => s.status === 'COMPLETED');
  const latest = (pred: (s: CheckpointStats) => boolean) => {
    const found = newestFirst.find(pred);
    return found ? entry(found) : null;
  };
  return {
    counts: {
      restored: 0,
      total: stats.length,
      in_progress: stats.filter((s) => s.status === 'IN_PROGRESS').length,
      completed: completed.length,
      failed: stats.filter((s) => s.status === 'FAILED').length,
    },
    summary: {
      checkpointed_size: summary(completed.map((s) => s.checkpointedSizeBytes ?? s.sizeBytes ?? 0)),
      state_size: summary(completed.map((s) => s.sizeBytes ?? 0)),
      end_to_end_duration: summary(completed.map((s) => s.durationMs ?? 0)),
      // Nothing is buffered for alignment nor persisted in flight by an aligned barrier; weir does
      // not measure the in-flight data of unaligned checkpoints yet.
      alignment_buffered: summary(completed.map(() => 0)),
      processed_data: summary(completed.map(() => 0)),
      persisted_data: summary(completed.map(() => 0)),
    },
    latest: {
      completed: latest((s) => s.status === 'COMPLETED' && !s.isSavepoint),
      savepoint: latest((s) => s.status === 'COMPLETED' && s.isSavepoint),
      failed: latest((s) => s.status === 'FAILED'),
      restored: null,
    },
    history: newestFirst.map(entry),
  };
}

/** One checkpoint as Flink's Completed-, Failed- or PendingCheckpointStatistics (by `className`). */
function checkpointEntry(s: CheckpointStats, unaligned: boolean) {
  const base = {
    className: s.status === 'COMPLETED' ? 'completed' : s.status === 'FAILED' ? 'failed' : 'in_progress',
    id: s.id,
    status: s.status,
    is_savepoint: s.isSavepoint,
    savepointFormat: s.savepointFormat?.toUpperCase() ?? null,
    trigger_timestamp: s.triggeredAt,
    latest_ack_timestamp: s.durationMs === undefined ? -1 : s.triggeredAt + s.durationMs,
    checkpointed_size: s.checkpointedSizeBytes ?? s.sizeBytes ?? 0,
    state_size: s.sizeBytes ?? 0,
    end_to_end_duration: s.durationMs ?? -1,
    alignment_buffered: 0,
    processed_data: 0,
    persisted_data: 0,
    num_subtasks: s.numSubtasks,
    num_acknowledged_subtasks: s.numAcknowledgedSubtasks,
    checkpoint_type: s.isSavepoint ? 'SAVEPOINT' : unaligned ? 'UNALIGNED_CHECKPOINT' : 'CHECKPOINT',
    // Flink fills the per-task statistics in /checkpoints/details/:id only.
    tasks: {},
    // weir's own, for the dashboard: the slowest task's synchronous and asynchronous parts and alignment.
    sync_duration: s.syncDurationMs ?? -1,
    async_duration: s.asyncDurationMs ?? -1,
    alignment_duration: s.alignmentMs ?? -1,
  };
  if (s.status === 'COMPLETED') return { ...base, external_path: s.location, discarded: false };
  if (s.status === 'FAILED') {
    return {
      ...base,
      failure_timestamp: s.triggeredAt + (s.durationMs ?? 0),
      failure_message: s.failureReason ?? null,
    };
  }
  return base;
}

/** Flink's StatsSummaryDto: min, max, average and percentiles (0 for all when there is nothing yet). */
function summary(values: readonly number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const quantile = (q: number) => {
    if (sorted.length === 0) return 0;
    const at = q * (sorted.length - 1);
    const low = Math.floor(at);
    const high = Math.ceil(at);
    return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
  };
  return {
    min: sorted[0] ?? 0,
    max: sorted.at(-1) ?? 0,
    avg: sorted.length ? Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length) : 0,
    p50: quantile(0.5),
    p90: quantile(0.9),
    p95: quantile(0.95),
    p99: quantile(0.99),
    p999: quantile(0.999),
  };
}

/** `/jobs/:id/checkpoints/config`: Flink's CheckpointConfigInfo; undefined when checkpointing is off. */
export function checkpointConfig(graph: JobGraph) {
  const config = new Configuration(Object.entries(graph.config));
  const interval = config.get(CHECKPOINTING_INTERVAL);
  if (interval === undefined || interval <= 0) return undefined;
  const retention = config.require(CHECKPOINTING_EXTERNALIZED_RETENTION);
  const filesystem = config.require(CHECKPOINT_STORAGE) === 'filesystem';
  return {
    mode: config.require(CHECKPOINTING_MODE).toLowerCase(),
    interval,
    timeout: config.require(CHECKPOINTING_TIMEOUT),
    min_pause: config.require(CHECKPOINTING_MIN_PAUSE),
    max_concurrent: config.require(CHECKPOINTING_MAX_CONCURRENT),
    externalization: {
      enabled: filesystem && retention !== 'NO_EXTERNALIZED_CHECKPOINTS',
      delete_on_cancellation: retention !== 'RETAIN_ON_CANCELLATION',
    },
    state_backend:
      config.require(STATE_BACKEND) === 'rocksdb' ? 'EmbeddedRocksDBStateBackend' : 'HashMapStateBackend',
    checkpoint_storage: filesystem ? 'FileSystemCheckpointStorage' : 'JobManagerCheckpointStorage',
    unaligned_checkpoints: config.require(CHECKPOINTING_UNALIGNED),
    tolerable_failed_checkpoints: config.require(CHECKPOINTING_TOLERABLE_FAILURES),
    aligned_checkpoint_timeout: config.require(CHECKPOINTING_ALIGNED_TIMEOUT),
    // Bounded inputs end with one last checkpoint (FLIP-147), as in Flink by default.
    checkpoints_after_tasks_finish: true,
    state_changelog_enabled: false,
  };
}
