import type pg from 'pg';
import { WeirError } from '../../common/errors.js';
import { failpoint as failpointAt } from '../../common/failpoints.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { CHECKPOINTING_INTERVAL, CHECKPOINTING_TIMEOUT } from '../../common/options.js';
import type { RecordBatch } from '../../runtime/api/batch.js';
import type { OperatorContext, OperatorStateSnapshot, StreamOperator } from '../../runtime/api/operator.js';
import type { SinkFactory } from '../../runtime/api/sink.js';
import { executeStatements, primaryKeyIndexes, type Statement, WriteBuffer } from './buffer.js';
import {
  connect,
  databaseError,
  describeTable,
  type JdbcTable,
  preparedTransactionsDisabled,
} from './connection.js';
import { failpoint } from './failpoints.js';
import {
  type DeliveryGuarantee,
  SINK_BUFFER_FLUSH_INTERVAL,
  SINK_BUFFER_FLUSH_MAX_ROWS,
  SINK_DELIVERY_GUARANTEE,
  SINK_MAX_RETRIES,
} from './options.js';
import { checkSinkTable } from './schema-check.js';
import {
  commitPrepared,
  formatGid,
  lingeringToRollBack,
  preparedOfOperator,
  rollbackPrepared,
  type TransactionMarker,
} from './xa.js';

/** Operator-state names of the exactly-once sink. */
export const COMMITTABLES_STATE = 'jdbc-committables';
export const MARKER_STATE = 'jdbc-transactions';
/**
 * Upserts and deletes buffered at a checkpoint that came while an earlier checkpoint's prepared
 * transaction still waited for its commit: written then, they would wait on that transaction's
 * row locks, which only this task's own notification can release. They are carried in the
 * checkpoint instead, and written once the earlier transaction is committed.
 */
export const CARRIED_STATE = 'jdbc-carried-changes';

interface Committable {
  readonly gid: string;
  readonly checkpointId: number;
}

/** Rows per statement when 'sink.buffer-flush.max-rows' is 0 (no row limit). */
const DEFAULT_CHUNK = 1000;

/** Errors a retry on a fresh session can get past: a lost connection, a restart, an overload. */
function isTransient(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return (
    /^(08|53|57P0)/.test(code) ||
    code === '40001' ||
    code === '40P01' ||
    ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(code) ||
    /Connection terminated|Client has encountered a connection error|not queryable/i.test(
      String((err as Error).message),
    )
  );
}

/**
 * The 'jdbc' sink for PostgreSQL. Rows are buffered and written as multi-row parameterized
 * statements — appends, or upserts and deletes by the primary key.
 *
 * - at-least-once: the buffer is written (and committed) at every checkpoint, so a completed
 *   checkpoint never acknowledges rows the database does not have; a replay after a failure may
 *   write rows again, which upserts absorb.
 * - none: the buffer is written by size and interval only.
 * - exactly-once: the rows between two checkpoints go into one transaction on a dedicated session;
 *   at the checkpoint it is PREPAREd and its gid kept in the checkpoint as the committable; when
 *   the checkpoint completes — or after a restore from it — COMMIT PREPARED makes it visible.
 */
export class JdbcSinkWriter implements StreamOperator {
  private table!: JdbcTable;
  private ctx!: OperatorContext;
  private guarantee: DeliveryGuarantee = 'at-least-once';
  private buffer!: WriteBuffer;
  private maxRows = 0;
  private maxRetries = 0;
  private writer?: pg.Client;
  private committer?: pg.Client;
  private cancelTimer?: () => void;
  /** exactly-once: a transaction is open on the writer session. */
  private transactionOpen = false;
  /** exactly-once: prepared, not yet committed. */
  private pending: Committable[] = [];
  /** Whether the input has ended: no row comes after the checkpoints still to come. */
  private inputEnded = false;
  /**
   * A checkpoint taken after the end of input that carried the buffered changes (see
   * CARRIED_STATE): no later checkpoint will prepare them, so its completion writes them.
   */
  private finalCarriedAt?: number;
  private restoredCommittables: Committable[] = [];
  private restoredMarkers: TransactionMarker[] = [];
  private restoredCarried: [row: unknown[], deleted: boolean][] = [];
  private lineage: string[] = [];
  /**
   * exactly-once: set when the open transaction broke. Its rows are lost to the database, so no
   * checkpoint may complete after it: every later call fails the task, which restarts from the
   * last completed checkpoint and replays them.
   */
  private broken?: Error;

  constructor(private readonly spec: ConnectorSpec) {}

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    this.restoredCommittables = [...((restored?.[COMMITTABLES_STATE] ?? []) as Committable[])];
    this.restoredMarkers = [...((restored?.[MARKER_STATE] ?? []) as TransactionMarker[])];
    this.restoredCarried = [...((restored?.[CARRIED_STATE] ?? []) as [unknown[], boolean][])];
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.table = describeTable(this.spec);
    const options = this.table.options;
    this.guarantee = options.require(SINK_DELIVERY_GUARANTEE);
    this.maxRows = options.require(SINK_BUFFER_FLUSH_MAX_ROWS);
    this.maxRetries = this.guarantee === 'exactly-once' ? 0 : options.require(SINK_MAX_RETRIES);
    const key = primaryKeyIndexes(this.spec);
    this.buffer = new WriteBuffer(
      this.spec,
      this.table,
      key,
      this.maxRows > 0 ? this.maxRows : DEFAULT_CHUNK,
    );
    if (this.guarantee === 'exactly-once' && !((ctx.config.get(CHECKPOINTING_INTERVAL) ?? 0) > 0)) {
      // Without checkpoints nothing would ever be committed: the rows would vanish with the session.
      throw new WeirError(
        'JDBC_EXACTLY_ONCE_WITHOUT_CHECKPOINTS',
        `jdbc sink ${this.spec.table}: 'sink.delivery-guarantee' = 'exactly-once' commits at checkpoints, but checkpointing is off`,
        {
          hint: "Set 'execution.checkpointing.interval' (e.g. SET 'execution.checkpointing.interval' = '10s'), or use 'sink.delivery-guarantee' = 'at-least-once'.",
        },
      );
    }
    this.writer = await connect(this.table);
    if (this.guarantee === 'exactly-once') {
      // A prepared transaction holds its locks until committed; a write that waits on one of them
      // longer than a checkpoint may take would otherwise hang the task instead of failing over.
      const lockTimeout = Math.round(ctx.config.require(CHECKPOINTING_TIMEOUT));
      await this.writer.query("SELECT set_config('lock_timeout', $1, false)", [String(lockTimeout)]);
      this.committer = await connect(this.table);
      await this.checkPreparedTransactions(this.committer);
      await this.recover(this.committer);
    }
    // A missing table or column, or a column of another kind, fails here, before any row is taken
    // (after recovery, which commits what completed checkpoints hold whatever the job is now).
    await checkSinkTable(this.writer, this.table, this.spec);
    if (this.restoredCarried.length > 0) {
      if (!this.buffer.keyed)
        throw new WeirError(
          'RESTORE_INCOMPATIBLE',
          `jdbc sink ${this.spec.table}: the checkpoint carries upserts by primary key, but the table now has no PRIMARY KEY`,
          { hint: 'Restore with the PRIMARY KEY the job had, or start without the checkpoint.' },
        );
      await this.writeCarried();
    }
    const interval = options.require(SINK_BUFFER_FLUSH_INTERVAL);
    if (interval > 0) this.scheduleFlush(interval);
  }

  async processBatch(batch: RecordBatch): Promise<void> {
    this.throwIfBroken();
    this.buffer.add(batch);
    if (this.maxRows > 0 && this.buffer.size >= this.maxRows && this.mayWriteNow()) await this.flush();
  }

  async snapshotState(checkpointId: number): Promise<OperatorStateSnapshot> {
    this.throwIfBroken();
    if (this.guarantee === 'at-least-once') await this.flush();
    if (this.guarantee !== 'exactly-once') return {};
    const marker: TransactionMarker = {
      jobIds: this.lineage,
      checkpointId,
      parallelism: this.ctx.parallelism,
    };
    if (this.buffer.keyed && this.pending.length > 0) {
      // Nothing was written since the earlier transaction was prepared (see mayWriteNow), so there
      // is no transaction to prepare: the buffered changes go into the checkpoint instead.
      if (this.inputEnded) this.finalCarriedAt ??= checkpointId;
      return {
        [COMMITTABLES_STATE]: [...this.pending],
        [MARKER_STATE]: [marker],
        [CARRIED_STATE]: this.buffer.keyedChanges(),
      };
    }
    await this.flush();
    if (this.transactionOpen) {
      const gid = formatGid({
        jobId: this.ctx.jobId,
        operatorId: this.ctx.operatorId,
        subtask: this.ctx.subtaskIndex,
        checkpointId,
      });
      await this.inTransaction('preparing the transaction', (c) =>
        c.query(`PREPARE TRANSACTION ${c.escapeLiteral(gid)}`),
      );
      this.transactionOpen = false;
      this.pending.push({ gid, checkpointId });
    }
    return { [COMMITTABLES_STATE]: [...this.pending], [MARKER_STATE]: [marker] };
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    if (this.guarantee !== 'exactly-once') return;
    // As Flink's committer: a completed checkpoint commits every committable up to it, including
    // those of earlier checkpoints that were aborted after their transaction was prepared.
    if (failpoint('jdbc-sink.skip-commit')) return;
    const due = this.pending.filter((c) => c.checkpointId <= checkpointId);
    if (due.length > 0) failpointAt('sink.before-commit');
    for (const c of due) {
      if (!(await this.commitWithReconnect(c.gid))) {
        this.ctx.log.warn(
          `jdbc sink ${this.spec.table}: prepared transaction ${c.gid} was already ended by someone else`,
        );
      }
      this.pending = this.pending.filter((p) => p !== c);
      if (this.pending.some((p) => p.checkpointId <= checkpointId)) failpointAt('sink.commit');
    }
    this.throwIfBroken();
    if (this.finalCarriedAt !== undefined && checkpointId >= this.finalCarriedAt && this.mayWriteNow()) {
      // The input has ended and this completed checkpoint holds every buffered change: the job
      // finishes without another checkpoint to prepare them, so they are written and committed
      // now. After a failure, a restore from the checkpoint writes them again, which changes
      // nothing (they are upserts by key).
      await this.writeCarried();
      this.finalCarriedAt = undefined;
      return;
    }
    if (this.maxRows > 0 && this.buffer.size >= this.maxRows && this.mayWriteNow()) await this.flush();
  }

  /**
   * The committer session idles between checkpoints, and a server or proxy may drop it: one fresh
   * session is tried before the task fails (its restore would commit the same gids anyway). Only
   * one attempt: a server that is down would otherwise hold the task here, inside the checkpoint
   * notification, for all of 'connection.max-retry-timeout' before it fails over.
   */
  private async commitWithReconnect(gid: string): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.committer ??= await connect(this.table, { once: attempt > 0 });
        return await commitPrepared(this.committer, gid);
      } catch (err) {
        if (attempt > 0 || !isTransient(err))
          throw databaseError(err, this.table, `committing prepared transaction ${gid}`);
        await this.committer?.end().catch(() => {});
        this.committer = undefined;
      }
    }
  }

  /** An aborted checkpoint's transaction stays prepared; the next completed checkpoint commits it. */
  notifyCheckpointAborted(): void {}

  async endInput(): Promise<void> {
    // exactly-once rows wait for the final checkpoint, which prepares and commits them.
    if (this.guarantee !== 'exactly-once') await this.flush();
    this.inputEnded = true;
  }

  async close(): Promise<void> {
    this.cancelTimer?.();
    // Ending the session rolls back a transaction still open; prepared ones survive it, as they must.
    await Promise.all([this.writer?.end().catch(() => {}), this.committer?.end().catch(() => {})]);
    this.writer = undefined;
    this.committer = undefined;
  }

  private async checkPreparedTransactions(client: pg.Client): Promise<void> {
    const { rows } = await client
      .query<{ max_prepared_transactions: string }>('SHOW max_prepared_transactions')
      .catch((err) => {
        throw databaseError(err, this.table, 'reading max_prepared_transactions');
      });
    if (Number(rows[0]?.max_prepared_transactions ?? 0) === 0) throw preparedTransactionsDisabled(this.table);
  }

  /**
   * After a restore: commit what completed checkpoints prepared, then roll back what this sink
   * prepared for checkpoints that never completed, which would otherwise hold locks forever.
   */
  private async recover(client: pg.Client): Promise<void> {
    const ctx = this.ctx;
    const lineage = new Set(this.restoredMarkers.flatMap((m) => m.jobIds));
    lineage.add(ctx.jobId);
    this.lineage = [...lineage];
    try {
      for (const c of this.restoredCommittables) {
        // The checkpoint that holds this gid completed, and it was taken after the PREPARE
        // succeeded: the transaction was prepared. If the server no longer has it, it can only
        // have been committed (before the crash, or by an earlier recovery), never lost.
        const committed = await commitPrepared(client, c.gid);
        ctx.log.info(
          `jdbc sink ${this.spec.table}: ${committed ? 'committed' : 'found already committed'} prepared transaction ${c.gid} of checkpoint ${c.checkpointId}`,
        );
        failpointAt('restore.commit');
      }
      const prepared = await preparedOfOperator(client, ctx.operatorId);
      const restored = new Set(this.restoredCommittables.map((c) => c.gid));
      const rollBack = lingeringToRollBack(prepared, restored, this.restoredMarkers, {
        jobId: ctx.jobId,
        subtask: ctx.subtaskIndex,
        parallelism: ctx.parallelism,
      });
      for (const gid of rollBack) {
        await rollbackPrepared(client, gid);
        ctx.log.info(
          `jdbc sink ${this.spec.table}: rolled back prepared transaction ${gid} of a checkpoint that did not complete`,
        );
      }
    } catch (err) {
      throw databaseError(err, this.table, 'recovering prepared transactions');
    }
    this.restoredCommittables = [];
  }

  /**
   * After a restore, the changes a checkpoint carried are written and committed at once, after
   * recovery committed the transactions before them and before any new row: an upsert by key is
   * idempotent, so writing them again after another failure changes nothing, and committing now
   * leaves no lock for another subtask's rows to wait on after a change of parallelism.
   */
  private async writeCarried(): Promise<void> {
    this.buffer.addKeyedChanges(this.restoredCarried);
    this.restoredCarried = [];
    if (this.buffer.size === 0) return;
    const statements = this.buffer.drain();
    const c = this.writer!;
    try {
      await c.query('BEGIN');
      await executeStatements(c, statements);
      await c.query('COMMIT');
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw databaseError(err, this.table, 'writing the changes carried by the checkpoint');
    }
  }

  /**
   * exactly-once writes only while none of this subtask's prepared transactions is waiting for
   * its commit: a prepared transaction keeps its row locks, and a write of the same key would wait
   * for a commit that this very task has to run. Until then rows stay buffered; a checkpoint in
   * the meantime carries upserts in its state (CARRIED_STATE) and writes appends, which take no
   * lock another insert waits on.
   */
  private mayWriteNow(): boolean {
    return this.guarantee !== 'exactly-once' || this.pending.length === 0;
  }

  private scheduleFlush(interval: number): void {
    const pts = this.ctx.processingTimeService;
    this.cancelTimer = pts.registerTimer(pts.now() + interval, async () => {
      if (this.buffer.size > 0 && this.mayWriteNow() && !this.broken) await this.flush();
      this.scheduleFlush(interval);
    });
  }

  private async flush(): Promise<void> {
    if (this.buffer.size === 0) return;
    const statements = this.buffer.drain();
    if (this.guarantee === 'exactly-once') {
      await this.inTransaction('writing rows', async (c) => {
        if (!this.transactionOpen) {
          await c.query('BEGIN');
          this.transactionOpen = true;
        }
        await executeStatements(c, statements);
      });
      return;
    }
    await this.writeWithRetries(statements);
  }

  private async writeWithRetries(statements: readonly Statement[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const client = this.writer ?? (this.writer = await connect(this.table));
        if (statements.length === 1) await executeStatements(client, statements);
        else {
          await client.query('BEGIN');
          try {
            await executeStatements(client, statements);
            await client.query('COMMIT');
          } catch (err) {
            await client.query('ROLLBACK').catch(() => {});
            throw err;
          }
        }
        return;
      } catch (err) {
        if (attempt >= this.maxRetries || !isTransient(err))
          throw databaseError(err, this.table, 'writing rows');
        this.ctx.log.warn(
          `jdbc sink ${this.spec.table}: write failed (${(err as Error).message}); retry ${attempt + 1} of ${this.maxRetries}`,
        );
        await this.writer?.end().catch(() => {});
        this.writer = undefined;
        // As Flink's JDBC writer: wait a second per attempt before retrying.
        await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
      }
    }
  }

  private async inTransaction<T>(doing: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    try {
      return await work(this.writer!);
    } catch (err) {
      const error =
        (err as { code?: string }).code === '55000' &&
        /prepared transactions are disabled/i.test(String((err as Error).message))
          ? preparedTransactionsDisabled(this.table)
          : databaseError(err, this.table, doing);
      this.broken = error;
      throw error;
    }
  }

  private throwIfBroken(): void {
    if (this.broken) {
      throw new WeirError(
        'JDBC_TRANSACTION_BROKEN',
        `The exactly-once transaction of jdbc sink ${this.spec.table} failed earlier: ${this.broken.message}`,
        {
          kind: 'external',
          hint: 'The job restarts from its last completed checkpoint and writes those rows again.',
          cause: this.broken,
        },
      );
    }
  }
}

export const jdbcSinkFactory: SinkFactory = {
  createWriter: (spec) => new JdbcSinkWriter(spec),
};
