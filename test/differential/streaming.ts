import { createSession } from '../../src/api/session.js';
import type { JobGraph, JobVertex, ValuesSpec } from '../../src/common/jobgraph.js';
import { RowKind, type RowType } from '../../src/common/types.js';
import { FileSystemSourceReader } from '../../src/connectors/filesystem/index.js';
import { BUILTIN_WORKER_CONNECTORS } from '../../src/connectors/worker-registry.js';
import {
  executeJob,
  type OperatorContext,
  type OperatorStateSnapshot,
  type Output,
  type PollResult,
  type RuntimeConnector,
  type SourceReader,
} from '../../src/runtime/index.js';
import { ValuesSourceReader } from '../../src/runtime/operators/values/values-source.js';
import { type CommittedStore, CommittingSink } from '../helpers/committing-sink.js';
import { canonicalRow } from './canonical.js';

/** How a case runs on the streaming engine. */
export interface RunMode {
  readonly parallelism: number;
  /**
   * Fail once after the first completed checkpoint and restart from it: every source pauses
   * after its first batch until a checkpoint completes, then the first source to poll again
   * throws; the restart strategy restores the job from that checkpoint.
   */
  readonly restore?: boolean;
  /** Sources emit one row a batch and watermarks follow every batch: deterministic late rows. */
  readonly rowAtATime?: boolean;
  /** More options for the job (e.g. 'state.backend.type'). */
  readonly config?: readonly [string, string][];
  /**
   * The script ends with an INSERT into a table of this connector (instead of a bare SELECT into
   * 'collect'); its writers are replaced by the committing sink. With `upsertKey`, the committed
   * changes are applied as an upsert sink does: +I/+U replace the key's row, -U/-D delete the key.
   */
  readonly sink?: { readonly connector: string; readonly upsertKey?: readonly number[] };
}

export interface StreamingResult {
  /** The final table: the committed changelog applied, one canonical string per row. */
  readonly rows: string[];
  readonly columns: readonly string[];
  readonly restarts: number;
}

const quiet = { write: () => true, once: () => undefined };

/**
 * Plans the script's statements with weir's planner (the last one a bare SELECT) and runs the
 * SELECT's job in this process into an exactly-once committing sink; returns the committed
 * changelog applied to a table. A -U/-D of a row the table does not hold fails the run.
 */
export async function runStreaming(script: string, mode: RunMode): Promise<StreamingResult> {
  const { session, runtimeConnectors } = createSession(
    [
      ['parallelism.default', String(mode.parallelism)],
      // Only the final checkpoint at the end of the bounded input commits, unless restoring.
      ['execution.checkpointing.interval', mode.restore ? '20 ms' : '1 h'],
      ['execution.checkpointing.min-pause', '0 ms'],
      ['restart-strategy.type', 'fixed-delay'],
      ['restart-strategy.fixed-delay.attempts', '1'],
      ['restart-strategy.fixed-delay.delay', '0 ms'],
      ...(mode.rowAtATime ? [['pipeline.auto-watermark-interval', '0'] as [string, string]] : []),
      ...(mode.config ?? []),
    ],
    { stdout: quiet, stderr: quiet },
  );
  let job: JobGraph | undefined;
  for (const statement of session.parseScript(script, 'case.sql')) {
    const result = session.execute(statement);
    if (result.kind === 'job') job = result.jobGraph;
  }
  if (!job) throw new Error('the case has no SELECT');

  const committed: CommittedStore = new Map();
  const sinkVertex = job.vertices.find((v) => v.operator.kind === 'sink')!;
  const schema = sinkVertex.operator.kind === 'sink' ? sinkVertex.operator.connector.schema : undefined;
  const control = new RestoreControl();
  const connectors = new Map<string, RuntimeConnector>(runtimeConnectors);
  const sinkConnector = mode.sink?.connector ?? 'collect';
  connectors.set(sinkConnector, {
    identifier: sinkConnector,
    sink: { createWriter: () => new CommittingSink(committed) },
  });
  const batchRows = mode.rowAtATime ? 1 : 2;
  if (mode.restore || mode.rowAtATime) {
    job = sourcesAsConnectors(job, connectors, batchRows);
    // Small batches, so that the pausing wrapper stops each file midway.
    connectors.set('filesystem', {
      identifier: 'filesystem',
      source: { createReader: (spec) => new FileSystemSourceReader(spec, { maxBatchRows: batchRows }) },
    });
  }
  if (mode.restore) {
    for (const [name, connector] of connectors) {
      const source = connector.source;
      if (!source) continue;
      connectors.set(name, {
        ...connector,
        source: { createReader: (spec) => new PausingSource(source.createReader(spec), control) },
      });
    }
  }
  const client = executeJob(job, {
    connectors,
    // The parallelism-4 runs put the plan's operators on worker threads, so every case also runs
    // with exchanges across threads; the committing sink is this file's object and stays on the
    // main thread. (Workers cost each job a few hundred ms of start-up; the other runs stay in-thread.)
    workerConnectors: mode.parallelism >= 4 && !mode.restore ? BUILTIN_WORKER_CONNECTORS : undefined,
    log: { info: () => {}, warn: () => {} },
  });
  const result = await client.result;
  if (result.status !== 'FINISHED')
    throw new Error(`the job ended ${result.status}: ${result.error?.stack ?? result.error?.message}`);
  return {
    rows: mode.sink?.upsertKey
      ? applyUpserts(committed, schema!, mode.sink.upsertKey)
      : applyChangelog(committed, schema!),
    columns: schema!.fields.map((f) => f.name),
    restarts: result.restarts,
  };
}

/**
 * Applies each sink subtask's committed transactions in checkpoint order: +I/+U add a row, -U/-D
 * remove one equal row, which must be there. Subtasks are applied separately (a change and its
 * retraction always reach the same subtask) and their tables then added up.
 */
function applyChangelog(store: CommittedStore, schema: RowType): string[] {
  const types = schema.fields.map((f) => f.type);
  const bySubtask = new Map<
    number,
    { checkpoint: number; changes: readonly (readonly [number, unknown[]])[] }[]
  >();
  for (const [txn, t] of store) {
    const checkpoint = Number(txn.slice(txn.lastIndexOf('-') + 1));
    bySubtask.set(t.subtask, [...(bySubtask.get(t.subtask) ?? []), { checkpoint, changes: t.changes }]);
  }
  const rows: string[] = [];
  for (const [subtask, txns] of bySubtask) {
    const table = new Map<string, number>();
    for (const { changes } of txns.sort((a, b) => a.checkpoint - b.checkpoint)) {
      for (const [kind, row] of changes) {
        const key = canonicalRow(types, row);
        if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER)
          table.set(key, (table.get(key) ?? 0) + 1);
        else {
          const n = table.get(key) ?? 0;
          if (n === 0)
            throw new Error(
              `sink subtask ${subtask} received a retraction of a row it does not hold: ${key}`,
            );
          if (n === 1) table.delete(key);
          else table.set(key, n - 1);
        }
      }
    }
    for (const [key, n] of table) for (let i = 0; i < n; i++) rows.push(key);
  }
  return rows.sort();
}

/**
 * Applies each sink subtask's committed changes as an upsert sink (JDBC, upsert-kafka) does, by
 * key: +I/+U write the key's row, -U/-D delete the key, whatever row they carry.
 */
function applyUpserts(store: CommittedStore, schema: RowType, key: readonly number[]): string[] {
  const types = schema.fields.map((f) => f.type);
  const table = new Map<string, string>();
  const txns = [...store.entries()].map(([txn, t]) => ({
    checkpoint: Number(txn.slice(txn.lastIndexOf('-') + 1)),
    t,
  }));
  for (const { t } of txns.sort((a, b) => a.checkpoint - b.checkpoint)) {
    for (const [kind, row] of t.changes) {
      const id = canonicalRow(
        key.map((k) => types[k]),
        key.map((k) => row[k]),
      );
      if (kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER) table.set(id, canonicalRow(types, row));
      else table.delete(id);
    }
  }
  return [...table.values()].sort();
}

/** Shared by a job's sources: whether a checkpoint has completed, and whether the failure was injected. */
export class RestoreControl {
  checkpointCompleted = false;
  failed = false;
  private waiters: (() => void)[] = [];

  completed(): void {
    this.checkpointCompleted = true;
    for (const w of this.waiters.splice(0)) w();
  }

  whenCompleted(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * A source that emits its first batch, then waits until a checkpoint has completed (so the
 * checkpoint holds a position in the middle of the input), and then fails once; after the
 * restore it reads on from the checkpointed position.
 */
export class PausingSource implements SourceReader {
  private batches = 0;

  constructor(
    private readonly inner: SourceReader,
    private readonly control: RestoreControl,
  ) {}

  initializeState(restored: OperatorStateSnapshot | undefined) {
    return this.inner.initializeState(restored);
  }

  open(ctx: OperatorContext) {
    return this.inner.open(ctx);
  }

  async poll(output: Output): Promise<PollResult> {
    if (this.batches > 0 && !this.control.checkpointCompleted)
      return { status: 'wait', available: this.control.whenCompleted() };
    if (this.control.checkpointCompleted && !this.control.failed) {
      this.control.failed = true;
      throw new Error('injected failure after the first completed checkpoint');
    }
    const result = await this.inner.poll(output);
    if (result.status === 'emitted') this.batches++;
    return result;
  }

  snapshotState(checkpointId: number) {
    return this.inner.snapshotState(checkpointId);
  }

  async notifyCheckpointComplete(checkpointId: number) {
    await this.inner.notifyCheckpointComplete?.(checkpointId);
    this.control.completed();
  }

  close() {
    return this.inner.close();
  }
}

/**
 * For restore runs, VALUES vertices become connector sources (same vertex ids, so state still
 * matches) whose reader emits two rows a batch, so that the pausing wrapper can stop them midway.
 */
function sourcesAsConnectors(
  job: JobGraph,
  connectors: Map<string, RuntimeConnector>,
  batchSize: number,
): JobGraph {
  const specs = new Map<string, ValuesSpec>();
  const vertices = job.vertices.map((v): JobVertex => {
    if (v.operator.kind !== 'values') return v;
    specs.set(v.id, v.operator);
    return {
      ...v,
      operator: {
        kind: 'source',
        connector: {
          table: v.id,
          connector: 'differential-values',
          options: {},
          schema: v.operator.outputType,
        },
      },
    };
  });
  connectors.set('differential-values', {
    identifier: 'differential-values',
    source: { createReader: (spec) => new ValuesSourceReader(specs.get(spec.table)!, { batchSize }) },
  });
  return { ...job, vertices };
}
