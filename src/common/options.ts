import {
  booleanOption,
  doubleOption,
  durationOption,
  enumOption,
  integerOption,
  memoryOption,
  OptionRegistry,
  stringOption,
} from './config.js';

/**
 * The job and session options weir understands, under Flink's keys. Both the Flink 2.x spelling and
 * the 1.x spelling are accepted (the first listed is the one documented). Connector options are
 * declared by each connector, not here.
 */

export const PIPELINE_NAME = stringOption({
  key: 'pipeline.name',
  description: 'The name of the job, shown by `weir list` and in checkpoint metadata.',
});

export const PARALLELISM_DEFAULT = integerOption({
  key: 'parallelism.default',
  defaultValue: 1,
  min: 1,
  description: 'Parallelism of operators that do not set their own.',
});

export const MAX_PARALLELISM = integerOption({
  key: 'pipeline.max-parallelism',
  defaultValue: 128,
  min: 1,
  max: 32768,
  description: 'Number of key groups keyed state is split into; the upper bound for rescaling.',
});

export const CHECKPOINTING_INTERVAL = durationOption({
  key: 'execution.checkpointing.interval',
  description: 'Interval between checkpoints. Checkpointing is disabled when unset.',
});

export const CHECKPOINTING_MODE = enumOption({
  key: 'execution.checkpointing.mode',
  values: ['EXACTLY_ONCE', 'AT_LEAST_ONCE'] as const,
  defaultValue: 'EXACTLY_ONCE',
  description: 'EXACTLY_ONCE aligns barriers across input channels; AT_LEAST_ONCE does not block them.',
});

export const CHECKPOINTING_TIMEOUT = durationOption({
  key: 'execution.checkpointing.timeout',
  defaultValue: 600_000,
  description: 'A checkpoint that has not completed within this time is expired.',
});

export const CHECKPOINTING_MIN_PAUSE = durationOption({
  key: 'execution.checkpointing.min-pause',
  defaultValue: 0,
  description: 'Minimal pause between the end of one checkpoint and the start of the next.',
});

export const CHECKPOINTING_MAX_CONCURRENT = integerOption({
  key: 'execution.checkpointing.max-concurrent-checkpoints',
  defaultValue: 1,
  min: 1,
  description: 'How many checkpoints may be in progress at once.',
});

export const CHECKPOINTING_TOLERABLE_FAILURES = integerOption({
  key: 'execution.checkpointing.tolerable-failed-checkpoints',
  defaultValue: 0,
  min: 0,
  description: 'Consecutive failed or expired checkpoints tolerated before the job fails over.',
});

export const CHECKPOINTING_EXTERNALIZED_RETENTION = enumOption({
  key: 'execution.checkpointing.externalized-checkpoint-retention',
  values: ['DELETE_ON_CANCELLATION', 'RETAIN_ON_CANCELLATION', 'NO_EXTERNALIZED_CHECKPOINTS'] as const,
  // Flink defaults to NO_EXTERNALIZED_CHECKPOINTS because its cluster outlives the job. A weir job
  // lives in the process that runs it, so the retained checkpoint is what `weir run -s` resumes
  // from after Ctrl-C: weir keeps it unless told otherwise.
  defaultValue: 'RETAIN_ON_CANCELLATION',
  description:
    'Whether completed checkpoints are kept when the job is cancelled (Ctrl-C). weir retains them by default.',
});

export const CHECKPOINTING_UNALIGNED = booleanOption({
  key: 'execution.checkpointing.unaligned.enabled',
  fallbackKeys: ['execution.checkpointing.unaligned'],
  defaultValue: false,
  description: 'Let barriers overtake in-flight records; the records are stored with the checkpoint.',
});

export const CHECKPOINTING_ALIGNED_TIMEOUT = durationOption({
  key: 'execution.checkpointing.aligned-checkpoint-timeout',
  fallbackKeys: ['execution.checkpointing.alignment-timeout'],
  defaultValue: 0,
  description: 'With unaligned checkpoints enabled: align first, switch to unaligned after this time.',
});

export const CHECKPOINTS_NUM_RETAINED = integerOption({
  key: 'execution.checkpointing.num-retained',
  fallbackKeys: ['state.checkpoints.num-retained'],
  defaultValue: 1,
  min: 1,
  description: 'How many completed checkpoints are kept; older ones are deleted when subsumed.',
});

export const CHECKPOINTS_DIRECTORY = stringOption({
  key: 'execution.checkpointing.dir',
  fallbackKeys: ['state.checkpoints.dir'],
  defaultValue: '.weir/checkpoints',
  description: 'Where the filesystem checkpoint storage writes <job-id>/chk-<n>/_metadata.',
});

export const SAVEPOINTS_DIRECTORY = stringOption({
  key: 'execution.checkpointing.savepoint-dir',
  fallbackKeys: ['state.savepoints.dir'],
  defaultValue: '.weir/savepoints',
  description: 'Default directory for savepoints.',
});

export const STATE_RECOVERY_PATH = stringOption({
  key: 'execution.state-recovery.path',
  fallbackKeys: ['execution.savepoint.path'],
  description: 'A checkpoint or savepoint to restore the next job from (what `weir run -s` sets).',
});

export const STATE_RECOVERY_IGNORE_UNCLAIMED = booleanOption({
  key: 'execution.state-recovery.ignore-unclaimed-state',
  fallbackKeys: ['execution.savepoint.ignore-unclaimed-state'],
  defaultValue: false,
  description: 'Restore even if the checkpoint has state for operators the job no longer has (`-n`).',
});

export const CHECKPOINT_STORAGE = enumOption({
  key: 'execution.checkpointing.storage',
  fallbackKeys: ['state.checkpoint-storage'],
  values: ['jobmanager', 'filesystem'] as const,
  defaultValue: 'filesystem',
  description:
    'jobmanager keeps checkpoints in memory (small state); filesystem writes them to the checkpoint dir.',
});

export const NETWORK_BUFFERS_PER_CHANNEL = integerOption({
  key: 'taskmanager.network.memory.buffers-per-channel',
  defaultValue: 2,
  min: 1,
  description:
    'Batches a channel between two subtasks may hold before its sender waits (credit-based backpressure).',
});

export const NETWORK_FLOATING_BUFFERS_PER_GATE = integerOption({
  key: 'taskmanager.network.memory.floating-buffers-per-gate',
  defaultValue: 8,
  min: 0,
  description:
    "Extra batches in flight for an input gate's channels that cross worker threads, shared out equally among them (at least 1 each, none with 0): they cover the time a credit takes to come back from another thread.",
});

export const WORKER_THREADS = integerOption({
  key: 'taskmanager.worker-threads',
  min: 0,
  description:
    "Worker threads a job's subtasks run on (Flink's task slots, with slot sharing): subtask i of every operator chain runs on worker i mod N. Unset: the job's highest parallelism, at most the number of cores, and the main thread alone for a job of parallelism 1. 0 runs every subtask on the main thread.",
});

export const STATE_BACKEND = stringOption({
  key: 'state.backend.type',
  fallbackKeys: ['state.backend'],
  defaultValue: 'hashmap',
  description:
    "hashmap (state on the heap) or rocksdb (weir's embedded disk-backed backend, for state larger than memory; see docs/state-backends.md).",
});

export const STATE_BACKEND_LOCAL_DIRECTORY = stringOption({
  key: 'state.backend.rocksdb.localdir',
  description:
    "Where the disk-backed backend keeps its working files (default: the system's temporary directory, under weir-state/).",
});

export const STATE_BACKEND_WRITE_BUFFER = memoryOption({
  key: 'state.backend.rocksdb.writebuffer.size',
  defaultValue: 64 * 1024 * 1024,
  description:
    'Memtable size (estimated) at which the disk-backed backend writes it out as a sorted run file.',
});

export const STATE_BACKEND_BLOCK_CACHE = memoryOption({
  key: 'state.backend.rocksdb.block.cache-size',
  defaultValue: 64 * 1024 * 1024,
  description:
    'Memory for decoded blocks of sorted run files, per keyed operator subtask (disk-backed backend).',
});

export const STATE_BACKEND_BLOCK_SIZE = memoryOption({
  key: 'state.backend.rocksdb.block.blocksize',
  defaultValue: 16 * 1024,
  description: 'Size of the blocks a sorted run file is read in (disk-backed backend).',
});

export const STATE_BACKEND_INCREMENTAL = booleanOption({
  key: 'execution.checkpointing.incremental',
  fallbackKeys: ['state.backend.incremental'],
  defaultValue: false,
  description: 'Upload only new state files, shared between checkpoints.',
});

export const RESTART_STRATEGY = enumOption({
  key: 'restart-strategy.type',
  fallbackKeys: ['restart-strategy'],
  values: [
    'none',
    'off',
    'disable',
    'fixed-delay',
    'fixeddelay',
    'failure-rate',
    'failurerate',
    'exponential-delay',
    'exponentialdelay',
  ] as const,
  description:
    'What to do when a task fails. Unset: exponential-delay when checkpointing is enabled, none otherwise (as Flink 1.19+).',
});

export const RESTART_FIXED_DELAY_ATTEMPTS = integerOption({
  key: 'restart-strategy.fixed-delay.attempts',
  defaultValue: 1,
  min: 0,
  description: 'fixed-delay: restarts attempted before the job is declared failed.',
});

export const RESTART_FIXED_DELAY_DELAY = durationOption({
  key: 'restart-strategy.fixed-delay.delay',
  defaultValue: 1000,
  description: 'fixed-delay: delay between two restart attempts.',
});

export const RESTART_FAILURE_RATE_MAX_FAILURES = integerOption({
  key: 'restart-strategy.failure-rate.max-failures-per-interval',
  defaultValue: 1,
  min: 1,
  description: 'failure-rate: failures within one interval before the job is declared failed.',
});

export const RESTART_FAILURE_RATE_INTERVAL = durationOption({
  key: 'restart-strategy.failure-rate.failure-rate-interval',
  defaultValue: 60_000,
  description: 'failure-rate: the interval failures are counted in.',
});

export const RESTART_FAILURE_RATE_DELAY = durationOption({
  key: 'restart-strategy.failure-rate.delay',
  defaultValue: 1000,
  description: 'failure-rate: delay between two restart attempts.',
});

export const RESTART_EXPONENTIAL_INITIAL_BACKOFF = durationOption({
  key: 'restart-strategy.exponential-delay.initial-backoff',
  defaultValue: 1000,
  description: 'exponential-delay: delay before the first restart.',
});

export const RESTART_EXPONENTIAL_MAX_BACKOFF = durationOption({
  key: 'restart-strategy.exponential-delay.max-backoff',
  defaultValue: 60_000,
  description: 'exponential-delay: the longest delay between restarts.',
});

export const RESTART_EXPONENTIAL_MULTIPLIER = doubleOption({
  key: 'restart-strategy.exponential-delay.backoff-multiplier',
  defaultValue: 1.5,
  min: 1,
  description: 'exponential-delay: factor the delay grows by after each failure.',
});

export const RESTART_EXPONENTIAL_RESET_THRESHOLD = durationOption({
  key: 'restart-strategy.exponential-delay.reset-backoff-threshold',
  defaultValue: 3_600_000,
  description:
    'exponential-delay: after running this long without failure, the delay starts again from the initial backoff.',
});

export const RESTART_EXPONENTIAL_JITTER = doubleOption({
  key: 'restart-strategy.exponential-delay.jitter-factor',
  defaultValue: 0.1,
  min: 0,
  max: 1,
  description: 'exponential-delay: random share (0 to 1) added to or taken from each delay.',
});

export const RESTART_EXPONENTIAL_ATTEMPTS = integerOption({
  key: 'restart-strategy.exponential-delay.attempts-before-reset-backoff',
  defaultValue: 2147483647,
  min: 0,
  description:
    'exponential-delay: restarts attempted before the job is declared failed (the count resets with the backoff).',
});

export const AUTO_WATERMARK_INTERVAL = durationOption({
  key: 'pipeline.auto-watermark-interval',
  defaultValue: 200,
  description: 'How often generated watermarks are emitted; 0 disables periodic watermarks.',
});

export const SOURCE_IDLE_TIMEOUT = durationOption({
  key: 'table.exec.source.idle-timeout',
  defaultValue: 0,
  description: 'A source split that has sent no record for this long is marked idle for watermarks.',
});

export const SINK_NOT_NULL_ENFORCER = enumOption({
  key: 'table.exec.sink.not-null-enforcer',
  values: ['ERROR', 'DROP'] as const,
  defaultValue: 'ERROR',
  description:
    'A NULL written into a NOT NULL sink column: ERROR fails the job with the column named, DROP drops the row silently.',
});

export const STATE_TTL = durationOption({
  key: 'table.exec.state.ttl',
  defaultValue: 0,
  description: 'Idle state is dropped after this time; 0 keeps it forever.',
});

export const TOPN_CACHE_SIZE = integerOption({
  key: 'table.exec.topn.cache-size',
  defaultValue: 10000,
  min: 1,
  description:
    "Rank's cache size in Flink; accepted for compatibility. weir's Top-N reads its partition's rows from heap keyed state directly, so there is nothing to size.",
});

export const MINI_BATCH_ENABLED = booleanOption({
  key: 'table.exec.mini-batch.enabled',
  defaultValue: false,
  description:
    "Group aggregations buffer input rows per key and fold them into state once per key per batch (Flink's MiniBatchGroupAggFunction): fewer state accesses and fewer -U/+U for hot keys. Needs 'table.exec.mini-batch.allow-latency' and 'table.exec.mini-batch.size'.",
});

export const MINI_BATCH_ALLOW_LATENCY = durationOption({
  key: 'table.exec.mini-batch.allow-latency',
  defaultValue: 0,
  description:
    'With mini-batch, the longest a row is buffered before its batch is finished; must be greater than 0 when mini-batch is enabled. A batch also ends before every checkpoint barrier and at the end of input.',
});

export const MINI_BATCH_SIZE = integerOption({
  key: 'table.exec.mini-batch.size',
  defaultValue: -1,
  description:
    'With mini-batch, the most rows an operator buffers before it finishes the batch; must be positive when mini-batch is enabled.',
});

export const AGG_PHASE_STRATEGY = enumOption({
  key: 'table.optimizer.agg-phase-strategy',
  values: ['AUTO', 'ONE_PHASE', 'TWO_PHASE'] as const,
  defaultValue: 'AUTO',
  description:
    'AUTO and TWO_PHASE split a group aggregation into a LocalGroupAggregate before the hash exchange and a GlobalGroupAggregate after it, when mini-batch is enabled and every call can merge partial results (COUNT, SUM, AVG, and MIN/MAX over an insert-only input, without DISTINCT); otherwise, and with ONE_PHASE, one GroupAggregate.',
});

export const DISTINCT_AGG_SPLIT_ENABLED = booleanOption({
  key: 'table.optimizer.distinct-agg.split.enabled',
  defaultValue: false,
  description:
    "Splits a DISTINCT aggregation in two levels, as Flink does against skew: a PARTIAL GroupAggregate by the keys and a bucket of the distinct value (MOD(HASH_CODE(value), bucket-num)), then a FINAL one by the keys that adds the buckets' results up. For COUNT, SUM, MIN and MAX calls without FILTER whose DISTINCT calls take one same column; other aggregations stay one GroupAggregate.",
});

export const DISTINCT_AGG_SPLIT_BUCKET_NUM = integerOption({
  key: 'table.optimizer.distinct-agg.split.bucket-num',
  defaultValue: 1024,
  min: 1,
  description: 'How many buckets a split distinct aggregation spreads the distinct values of one group over.',
});

export const SINK_UPSERT_MATERIALIZE = enumOption({
  key: 'table.exec.sink.upsert-materialize',
  values: ['NONE', 'AUTO', 'FORCE'] as const,
  defaultValue: 'AUTO',
  description:
    "A SinkUpsertMaterializer before a sink with a primary key keeps the rows of each key, so that out-of-order retractions do not delete the key's current row: AUTO adds it when the query's upsert key is not contained in the sink's primary key (or is unknown), FORCE whenever the input has updates, NONE never.",
});

export const LOCAL_TIME_ZONE = stringOption({
  key: 'table.local-time-zone',
  defaultValue: 'default',
  description: 'Session time zone for TIMESTAMP_LTZ conversions.',
});

export const RUNTIME_MODE = enumOption({
  key: 'execution.runtime-mode',
  values: ['streaming', 'batch'] as const,
  defaultValue: 'streaming',
  description: 'weir runs streaming; batch is accepted for bounded inputs and runs the same way.',
});

export const JOBMANAGER_STORAGE_MAX_STATE = memoryOption({
  key: 'state.storage.jobmanager.max-state-size',
  defaultValue: 5 * 1024 * 1024,
  description: 'The largest checkpoint the jobmanager (in-memory) storage accepts.',
});

export const SQL_CLIENT_RESULT_MODE = enumOption({
  key: 'sql-client.execution.result-mode',
  values: ['table', 'changelog', 'tableau'] as const,
  defaultValue: 'table',
  description:
    "How the SQL client shows a SELECT's result: `table` (the result as a table, redrawn in place as it changes), `changelog` or `tableau` (one line per change, with its row kind). When the client's input is not a terminal, `tableau` unless set explicitly.",
});

export const SQL_CLIENT_MAX_TABLE_RESULT_ROWS = integerOption({
  key: 'sql-client.execution.max-table-result.rows',
  defaultValue: 1_000_000,
  min: 1,
  description: 'The most rows the `table` result mode keeps; beyond it the oldest rows are dropped.',
});

export const REST_PORT = integerOption({
  key: 'rest.port',
  defaultValue: 0,
  min: 0,
  max: 65535,
  description:
    "Port of the REST API a running `weir run` serves (Flink's paths); 0 picks a free port, which `weir list` finds.",
});

export const REST_BIND_ADDRESS = stringOption({
  key: 'rest.bind-address',
  defaultValue: '127.0.0.1',
  description: 'Address the REST API listens on. Loopback by default.',
});

/**
 * Flink's source reuse: scans of one table with the same options read it once and feed every
 * branch, instead of one reader (and one parse of every record) per reference.
 */
export const REUSE_SOURCE = booleanOption({
  key: 'table.optimizer.reuse-source-enabled',
  defaultValue: true,
  description:
    'Read a table once when a job scans it more than once with the same options (a self-join, a table used by several INSERTs of a statement set).',
});

export const CORE_OPTIONS = new OptionRegistry([
  REST_PORT,
  REST_BIND_ADDRESS,
  PIPELINE_NAME,
  PARALLELISM_DEFAULT,
  MAX_PARALLELISM,
  CHECKPOINTING_INTERVAL,
  CHECKPOINTING_MODE,
  CHECKPOINTING_TIMEOUT,
  CHECKPOINTING_MIN_PAUSE,
  CHECKPOINTING_MAX_CONCURRENT,
  CHECKPOINTING_TOLERABLE_FAILURES,
  CHECKPOINTING_EXTERNALIZED_RETENTION,
  CHECKPOINTING_UNALIGNED,
  CHECKPOINTING_ALIGNED_TIMEOUT,
  CHECKPOINTS_NUM_RETAINED,
  CHECKPOINTS_DIRECTORY,
  SAVEPOINTS_DIRECTORY,
  STATE_RECOVERY_PATH,
  STATE_RECOVERY_IGNORE_UNCLAIMED,
  CHECKPOINT_STORAGE,
  NETWORK_BUFFERS_PER_CHANNEL,
  NETWORK_FLOATING_BUFFERS_PER_GATE,
  WORKER_THREADS,
  STATE_BACKEND,
  STATE_BACKEND_INCREMENTAL,
  STATE_BACKEND_LOCAL_DIRECTORY,
  STATE_BACKEND_WRITE_BUFFER,
  STATE_BACKEND_BLOCK_CACHE,
  STATE_BACKEND_BLOCK_SIZE,
  RESTART_STRATEGY,
  RESTART_FIXED_DELAY_ATTEMPTS,
  RESTART_FIXED_DELAY_DELAY,
  RESTART_FAILURE_RATE_MAX_FAILURES,
  RESTART_FAILURE_RATE_INTERVAL,
  RESTART_FAILURE_RATE_DELAY,
  RESTART_EXPONENTIAL_INITIAL_BACKOFF,
  RESTART_EXPONENTIAL_MAX_BACKOFF,
  RESTART_EXPONENTIAL_MULTIPLIER,
  RESTART_EXPONENTIAL_RESET_THRESHOLD,
  RESTART_EXPONENTIAL_JITTER,
  RESTART_EXPONENTIAL_ATTEMPTS,
  AUTO_WATERMARK_INTERVAL,
  SOURCE_IDLE_TIMEOUT,
  SINK_NOT_NULL_ENFORCER,
  STATE_TTL,
  TOPN_CACHE_SIZE,
  MINI_BATCH_ENABLED,
  MINI_BATCH_ALLOW_LATENCY,
  MINI_BATCH_SIZE,
  AGG_PHASE_STRATEGY,
  DISTINCT_AGG_SPLIT_ENABLED,
  DISTINCT_AGG_SPLIT_BUCKET_NUM,
  SINK_UPSERT_MATERIALIZE,
  LOCAL_TIME_ZONE,
  RUNTIME_MODE,
  JOBMANAGER_STORAGE_MAX_STATE,
  SQL_CLIENT_RESULT_MODE,
  SQL_CLIENT_MAX_TABLE_RESULT_ROWS,
  REUSE_SOURCE,
]);
