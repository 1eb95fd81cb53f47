import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Configuration } from '../../src/common/config.js';
import { isWeirError } from '../../src/common/errors.js';
import { Types } from '../../src/common/types.js';
import { JdbcSinkWriter } from '../../src/connectors/jdbc/index.js';
import { formatGid } from '../../src/connectors/jdbc/xa.js';
import type { OperatorStateSnapshot } from '../../src/runtime/index.js';
import { useTestDatabase } from '../infra/context.js';
import { batch, operatorContext, preparedGids, sinkSpec, tableName, useResources } from './helpers.js';

const db = useTestDatabase(import.meta.url);

const EXACTLY_ONCE = { 'sink.delivery-guarantee': 'exactly-once', 'sink.buffer-flush.interval': '0' };

/** The server at 127.0.0.1:5432 when it is a default one (max_prepared_transactions = 0). */
async function serverWithout2pc(): Promise<string | undefined> {
  const url = 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query('SHOW max_prepared_transactions');
    return Number(rows[0].max_prepared_transactions) === 0 ? url : undefined;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}
const without2pc = await serverWithout2pc();

describe('jdbc sink, exactly-once', () => {
  const res = useResources();

  const setup = async (what: string) => {
    const admin = await res.client(db().url);
    const table = tableName(what);
    await admin.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, v text)`);
    const spec = sinkSpec(
      db().url,
      table,
      [
        ['id', Types.BIGINT(false)],
        ['v', Types.STRING()],
      ],
      EXACTLY_ONCE,
    );
    const ids = async () =>
      (await admin.query<{ id: string }>(`SELECT id FROM ${table} ORDER BY id`)).rows.map((r) =>
        Number(r.id),
      );
    return { admin, table, spec, ids };
  };

  it('prepares at the checkpoint and commits when it completes', async () => {
    const { admin, spec, ids } = await setup('committed');
    const ctx = operatorContext();
    const sink = res.track(new JdbcSinkWriter(spec));
    sink.initializeState(undefined);
    await sink.open(ctx);
    await sink.processBatch(
      batch([
        [1, 'a'],
        [2, 'b'],
      ]),
    );
    const state = await sink.snapshotState(1);
    const gid = formatGid({ jobId: ctx.jobId, operatorId: ctx.operatorId, subtask: 0, checkpointId: 1 });
    expect(state['jdbc-committables']).toEqual([{ gid, checkpointId: 1 }]);
    expect(await preparedGids(admin)).toEqual([gid]);
    expect(await ids()).toEqual([]);
    // Rows after the barrier wait in the buffer until the prepared transaction is committed.
    await sink.processBatch(batch([[3, 'c']]));
    await sink.notifyCheckpointComplete(1);
    expect(await ids()).toEqual([1, 2]);
    expect(await preparedGids(admin)).toEqual([]);
    // A checkpoint with nothing written prepares nothing.
    expect((await sink.snapshotState(2))['jdbc-committables']).toHaveLength(1);
    await sink.notifyCheckpointComplete(2);
    expect(await ids()).toEqual([1, 2, 3]);
    expect((await sink.snapshotState(3))['jdbc-committables']).toEqual([]);
  });

  it('upserts: a checkpoint while the previous transaction awaits its commit carries the changes instead of waiting on its locks', async () => {
    const admin = await res.client(db().url);
    const table = tableName('carried');
    await admin.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, v text)`);
    const fields: [string, ReturnType<typeof Types.STRING>][] = [
      ['id', Types.BIGINT(false)],
      ['v', Types.STRING()],
    ];
    const spec = sinkSpec(db().url, table, fields, EXACTLY_ONCE, ['id']);
    const values = async () =>
      (await admin.query<{ id: string; v: string }>(`SELECT id, v FROM ${table} ORDER BY id`)).rows.map(
        (r) => `${r.id}=${r.v}`,
      );
    const first = new JdbcSinkWriter(spec);
    first.initializeState(undefined);
    await first.open(operatorContext());
    await first.processBatch(
      batch([
        [1, 'a'],
        [2, 'b'],
      ]),
    );
    const one = await first.snapshotState(1);
    // Checkpoint 2's barrier comes before checkpoint 1's notification, with the same keys changed:
    // writing them now would wait on transaction 1's row locks. They are carried instead.
    await first.processBatch(
      batch([
        [1, 'a2'],
        [3, 'c'],
      ]),
    );
    const two = await first.snapshotState(2);
    expect(two['jdbc-committables']).toEqual(one['jdbc-committables']);
    expect(two['jdbc-carried-changes']).toEqual([
      [[1, 'a2'], false],
      [[3, 'c'], false],
    ]);
    expect(await preparedGids(admin)).toHaveLength(1);
    // Checkpoint 2 completes, but the process dies before its notification: a restore from it
    // commits transaction 1, then writes the carried changes, before any new row.
    await first.close();
    const restored = res.track(new JdbcSinkWriter(spec));
    restored.initializeState(two);
    await restored.open(operatorContext());
    expect(await values()).toEqual(['1=a2', '2=b', '3=c']);
    expect(await preparedGids(admin)).toEqual([]);
    // Without a failure, the changes are written once the notification has committed transaction 1.
    const live = res.track(new JdbcSinkWriter(spec));
    live.initializeState(undefined);
    await live.open(operatorContext());
    await live.processBatch(batch([[2, 'b2']]));
    await live.snapshotState(3);
    await live.processBatch(batch([[2, 'b3']]));
    expect((await live.snapshotState(4))['jdbc-carried-changes']).toEqual([[[2, 'b3'], false]]);
    await live.notifyCheckpointComplete(4);
    expect(await values()).toEqual(['1=a2', '2=b2', '3=c']);
    await live.snapshotState(5);
    await live.notifyCheckpointComplete(5);
    expect(await values()).toEqual(['1=a2', '2=b3', '3=c']);
    expect(await preparedGids(admin)).toEqual([]);
    // At the end of input the final checkpoint may carry the last changes: no checkpoint comes
    // after it to prepare them, so its completion writes them.
    await live.processBatch(batch([[2, 'b4']]));
    await live.snapshotState(6);
    await live.processBatch(batch([[3, 'c2']]));
    await live.endInput();
    expect((await live.snapshotState(7))['jdbc-carried-changes']).toEqual([[[3, 'c2'], false]]);
    await live.notifyCheckpointComplete(7);
    expect(await values()).toEqual(['1=a2', '2=b4', '3=c2']);
    expect(await preparedGids(admin)).toEqual([]);
  });

  it('keeps the transaction of an aborted checkpoint and commits it with the next completed one', async () => {
    const { admin, spec, ids } = await setup('aborted');
    const sink = res.track(new JdbcSinkWriter(spec));
    await sink.open(operatorContext());
    await sink.processBatch(batch([[1, 'a']]));
    await sink.snapshotState(1);
    sink.notifyCheckpointAborted();
    await sink.processBatch(batch([[2, 'b']]));
    await sink.snapshotState(2);
    expect(await preparedGids(admin)).toHaveLength(2);
    await sink.notifyCheckpointComplete(2);
    expect(await ids()).toEqual([1, 2]);
    expect(await preparedGids(admin)).toEqual([]);
  });

  it('after a crash commits the restored gids and rolls back those of checkpoints that never completed', async () => {
    const { admin, spec, ids } = await setup('recovered');
    const ctx = operatorContext();
    const first = new JdbcSinkWriter(spec);
    await first.open(ctx);
    await first.processBatch(
      batch([
        [1, 'a'],
        [2, 'b'],
      ]),
    );
    const completed: OperatorStateSnapshot = await first.snapshotState(1);
    // Checkpoint 1 completes, but the process dies before notifyCheckpointComplete; checkpoint 2
    // prepares, and never completes.
    await first.processBatch(batch([[3, 'c']]));
    await first.snapshotState(2);
    await first.processBatch(batch([[4, 'never prepared']]));
    await first.close();
    expect(await preparedGids(admin)).toHaveLength(2);
    expect(await ids()).toEqual([]);

    // The restart is a new job (as after `weir run -s`), with the same operator id.
    const restarted = res.track(new JdbcSinkWriter(spec));
    const ctx2 = operatorContext({ operatorId: ctx.operatorId, attemptNumber: 0 });
    restarted.initializeState(completed);
    await restarted.open(ctx2);
    expect(await ids()).toEqual([1, 2]);
    expect(await preparedGids(admin)).toEqual([]);
    expect(ctx2.infos.join('\n')).toMatch(/committed prepared transaction weir:.*:1 of checkpoint 1/);
    expect(ctx2.infos.join('\n')).toMatch(/rolled back prepared transaction weir:.*:2 of a checkpoint/);

    // Restoring the same checkpoint again: its gid is gone, which counts as committed because the
    // checkpoint says it was prepared.
    const again = res.track(new JdbcSinkWriter(spec));
    const ctx3 = operatorContext({ operatorId: ctx.operatorId });
    again.initializeState(completed);
    await again.open(ctx3);
    expect(ctx3.infos.join('\n')).toMatch(/found already committed prepared transaction/);
    expect(await ids()).toEqual([1, 2]);
  });

  it('leaves prepared transactions of other operators and of other subtasks alone', async () => {
    const { admin, spec } = await setup('neighbours');
    const operatorId = operatorContext().operatorId;
    const sub0 = new JdbcSinkWriter(spec);
    const ctx0 = operatorContext({ operatorId, parallelism: 2, subtaskIndex: 0 });
    await sub0.open(ctx0);
    await sub0.processBatch(batch([[1, 'a']]));
    await sub0.snapshotState(5);
    await sub0.close();
    const other = new JdbcSinkWriter(spec);
    await other.open(operatorContext());
    await other.processBatch(batch([[2, 'b']]));
    await other.snapshotState(5);
    await other.close();
    expect(await preparedGids(admin)).toHaveLength(2);

    // Subtask 1 of the same job starts fresh: neither gid is its own.
    const sub1 = res.track(new JdbcSinkWriter(spec));
    await sub1.open(operatorContext({ jobId: ctx0.jobId, operatorId, parallelism: 2, subtaskIndex: 1 }));
    expect(await preparedGids(admin)).toHaveLength(2);
    // Subtask 0 of the same job restarting without a checkpoint rolls its own back.
    const sub0again = res.track(new JdbcSinkWriter(spec));
    await sub0again.open(operatorContext({ jobId: ctx0.jobId, operatorId, parallelism: 2, subtaskIndex: 0 }));
    expect(await preparedGids(admin)).toHaveLength(1);
    for (const gid of await preparedGids(admin))
      await admin.query(`ROLLBACK PREPARED ${admin.escapeLiteral(gid)}`);
  });

  it('upserts inside the transaction, and a later checkpoint may update the same key', async () => {
    const { admin, table, ids } = await setup('upsert');
    const spec = sinkSpec(
      db().url,
      table,
      [
        ['id', Types.BIGINT(false)],
        ['v', Types.STRING()],
      ],
      { ...EXACTLY_ONCE, 'sink.buffer-flush.max-rows': '1' },
      ['id'],
    );
    const sink = res.track(new JdbcSinkWriter(spec));
    await sink.open(operatorContext());
    await sink.processBatch(batch([[1, 'a']]));
    await sink.snapshotState(1);
    // max-rows = 1 would write now, but key 1 is locked by the prepared transaction: it waits.
    await sink.processBatch(batch([[1, 'b']], [2]));
    await sink.notifyCheckpointComplete(1);
    await sink.snapshotState(2);
    await sink.notifyCheckpointComplete(2);
    expect(await ids()).toEqual([1]);
    expect((await admin.query(`SELECT v FROM ${table}`)).rows).toEqual([{ v: 'b' }]);
  });

  it('commits on a fresh session when the idle committer session was dropped', async () => {
    const { admin, spec, ids } = await setup('dropped');
    const sink = res.track(new JdbcSinkWriter(spec));
    await sink.open(operatorContext());
    await sink.processBatch(batch([[1, 'a']]));
    await sink.snapshotState(1);
    const committerPid = (sink as unknown as { committer: { processID: number } }).committer.processID;
    await admin.query('SELECT pg_terminate_backend($1)', [committerPid]);
    await sink.notifyCheckpointComplete(1);
    expect(await ids()).toEqual([1]);
  });

  it('refuses to run without checkpointing, which is what commits', async () => {
    const { spec } = await setup('unchecked');
    const sink = res.track(new JdbcSinkWriter(spec));
    const err = await Promise.resolve(sink.open(operatorContext({ config: new Configuration() }))).catch(
      (e: unknown) => e,
    );
    expect(isWeirError(err) && err.code).toBe('JDBC_EXACTLY_ONCE_WITHOUT_CHECKPOINTS');
  });

  it.skipIf(!without2pc)('says to set max_prepared_transactions when the server has it at 0', async () => {
    const spec = sinkSpec(without2pc!, 'any_table', [['id', Types.INT()]], EXACTLY_ONCE);
    const sink = res.track(new JdbcSinkWriter(spec));
    const err = await Promise.resolve(sink.open(operatorContext())).catch((e: unknown) => e);
    expect(isWeirError(err) && err.code).toBe('JDBC_PREPARED_TRANSACTIONS_DISABLED');
    expect(isWeirError(err) && err.kind).toBe('external');
    expect(isWeirError(err) && err.hint).toMatch(/max_prepared_transactions/);
  });
});
