import { RowKind } from '../../src/common/types.js';
import type {
  OperatorContext,
  OperatorStateSnapshot,
  RecordBatch,
  StreamOperator,
} from '../../src/runtime/index.js';

/** What one committed transaction wrote: its subtask and its changes ([row kind, row]). */
export interface CommittedTransaction {
  readonly subtask: number;
  readonly changes: readonly (readonly [kind: number, row: unknown[]])[];
}

/** The committed store: it outlives the job's attempts, as an external system would. */
export type CommittedStore = Map<string, CommittedTransaction>;

export interface CommittingSinkOptions {
  /** Throws (a failpoint) when this returns true for a row about to be written. */
  readonly failWhen?: (row: unknown[], ctx: OperatorContext) => boolean;
}

interface Pending {
  readonly txn: string;
  readonly changes: [number, unknown[]][];
}

/**
 * A two-phase-commit sink in miniature, following the runtime's sink contract: changes written
 * since the last barrier are pre-committed into a transaction at the barrier (its id is chosen
 * then and kept in checkpointed state), and committed only when a checkpoint or savepoint
 * completes — again after a restore, idempotently, as with a real transactional system.
 */
export class CommittingSink implements StreamOperator {
  private buffered: [number, unknown[]][] = [];
  private readonly pending = new Map<number, Pending>();
  private ctx!: OperatorContext;

  constructor(
    private readonly committed: CommittedStore,
    private readonly options: CommittingSinkOptions = {},
  ) {}

  /** Transactions of the restored checkpoint; after a rescale, several old subtasks' may share an id. */
  private restoredPending: Pending[] = [];

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    this.restoredPending = (restored?.pending ?? []) as Pending[];
  }

  open(ctx: OperatorContext): void {
    this.ctx = ctx;
    // Recovery: a checkpoint that completed may have crashed before its commit ran.
    for (const { txn, changes } of this.restoredPending.splice(0)) {
      if (!this.committed.has(txn)) this.committed.set(txn, { subtask: ctx.subtaskIndex, changes });
    }
  }

  processBatch(batch: RecordBatch): void {
    for (let i = 0; i < batch.rows.length; i++) {
      const row = batch.rows[i];
      if (this.options.failWhen?.(row, this.ctx)) throw new Error(`failpoint at row ${JSON.stringify(row)}`);
      this.buffered.push([batch.kinds?.[i] ?? RowKind.INSERT, row]);
    }
  }

  snapshotState(checkpointId: number): OperatorStateSnapshot {
    const txn = `${this.ctx.jobId}-${this.ctx.subtaskIndex}-${checkpointId}`;
    this.pending.set(checkpointId, { txn, changes: this.buffered });
    this.buffered = [];
    return { pending: [...this.pending].map(([id, p]) => ({ id, ...p })) };
  }

  notifyCheckpointComplete(checkpointId: number): void {
    for (const id of [...this.pending.keys()]) if (id <= checkpointId) this.commit(id);
  }

  private commit(id: number): void {
    const { txn, changes } = this.pending.get(id)!;
    if (!this.committed.has(txn)) this.committed.set(txn, { subtask: this.ctx.subtaskIndex, changes });
    this.pending.delete(id);
  }
}

/** Every committed row, in no particular order. */
export function committedRows(store: CommittedStore): unknown[][] {
  return [...store.values()].flatMap((t) => t.changes.map(([, row]) => row));
}

/** Fails once, at the first row for which `predicate` holds. */
export function failOnce(predicate: (row: unknown[], ctx: OperatorContext) => boolean) {
  let failed = false;
  return (row: unknown[], ctx: OperatorContext) => {
    if (failed || !predicate(row, ctx)) return false;
    failed = true;
    return true;
  };
}
