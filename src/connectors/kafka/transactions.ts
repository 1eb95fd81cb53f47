import {
  Connection,
  endTxnV4,
  findCoordinatorV6,
  initProducerIdV5,
  listTransactionsV1,
} from '@platformatic/kafka';
import { brokerError, errorIds, type KafkaClientSettings } from './client.js';

/** What a pre-committed transaction needs to be committed by anyone, later: Flink's KafkaCommittable. */
export interface Committable {
  readonly transactionalId: string;
  /** A bigint in Kafka; a decimal string in checkpoints. */
  readonly producerId: string;
  readonly epoch: number;
  readonly checkpointId: number;
}

const RETRIABLE = new Set([
  'CONCURRENT_TRANSACTIONS',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR',
  'NETWORK_EXCEPTION',
  'REQUEST_TIMED_OUT',
]);
/** The transaction is over, committed or aborted: after a restore this means someone committed it. */
const ALREADY_COMPLETED = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'INVALID_TXN_STATE']);
const TRANSACTION_KEY = 1;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Transaction coordinator requests the Producer API does not offer: committing a transaction of a
 * producer that is gone (by transactional id, producer id and epoch), listing open transactions,
 * and fencing (= aborting) one by initializing its transactional id.
 */
export class TransactionAdmin {
  private readonly connections = new Map<string, Promise<Connection>>();

  constructor(
    private readonly settings: KafkaClientSettings,
    private readonly clientId: string,
    private readonly timeoutMs = 30_000,
  ) {}

  private connect(host: string, port: number): Promise<Connection> {
    const key = `${host}:${port}`;
    let connection = this.connections.get(key);
    if (!connection) {
      const { tls, sasl, requestTimeout, connectTimeout } = this.settings.base;
      // Only what is set: an explicit undefined would replace the client's defaults.
      const options = Object.fromEntries(
        Object.entries({ tls, sasl, requestTimeout, connectTimeout }).filter(([, v]) => v !== undefined),
      );
      const c = new Connection(this.clientId, options);
      connection = (c.connect(host, port) as Promise<void>).then(() => c);
      connection.catch(() => this.connections.delete(key));
      this.connections.set(key, connection);
    }
    return connection;
  }

  private async bootstrap(): Promise<Connection> {
    let last: unknown;
    for (const server of this.settings.base.bootstrapBrokers as string[]) {
      const at = server.lastIndexOf(':');
      try {
        return await this.connect(server.slice(0, at), Number(server.slice(at + 1)));
      } catch (err) {
        last = err;
      }
    }
    throw last;
  }

  private async coordinator(transactionalId: string): Promise<Connection> {
    const response = await findCoordinatorV6.api.async(await this.bootstrap(), TRANSACTION_KEY, [
      transactionalId,
    ]);
    const c = response.coordinators[0];
    return this.connect(c.host, c.port);
  }

  /** Runs a coordinator request, retrying while the coordinator is busy or moving. */
  private async withCoordinator<T>(
    transactionalId: string,
    request: (c: Connection) => Promise<T>,
  ): Promise<T> {
    const deadline = Date.now() + this.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(await this.coordinator(transactionalId));
      } catch (err) {
        const ids = errorIds(err);
        if (!ids.some((id) => RETRIABLE.has(id)) || Date.now() > deadline) throw err;
        await sleep(Math.min(20 * 2 ** attempt, 500));
      }
    }
  }

  /**
   * Commits a pre-committed transaction. Idempotent: a transaction that is already over (a retry of
   * a commit that went through before a crash) reports 'already-completed' instead of failing.
   */
  async commit(c: Committable): Promise<'committed' | 'already-completed'> {
    try {
      await this.withCoordinator(c.transactionalId, (conn) =>
        endTxnV4.api.async(conn, c.transactionalId, BigInt(c.producerId), c.epoch, true),
      );
      return 'committed';
    } catch (err) {
      if (errorIds(err).some((id) => ALREADY_COMPLETED.has(id))) return 'already-completed';
      throw brokerError(
        this.settings,
        `Committing Kafka transaction '${c.transactionalId}' of checkpoint ${c.checkpointId} failed`,
        err,
        'The broker must keep the transaction open until the job is back: restore before transaction.timeout.ms passes.',
      );
    }
  }

  /** Transactional ids of open ('Ongoing') transactions on every broker. */
  async ongoing(brokers: readonly { host: string; port: number }[]): Promise<string[]> {
    const ids: string[] = [];
    for (const b of brokers) {
      const response = await listTransactionsV1.api.async(
        await this.connect(b.host, b.port),
        // The client's type lists upper-case states, the broker speaks Kafka's own names.
        ['Ongoing'] as unknown as Parameters<typeof listTransactionsV1.api.async>[1],
        [],
        -1n,
        null,
      );
      for (const t of response.transactionStates) ids.push(t.transactionalId);
    }
    return ids;
  }

  /** Aborts whatever transaction `transactionalId` has open, fencing its producer (InitProducerId). */
  async abort(transactionalId: string, transactionTimeoutMs: number): Promise<void> {
    await this.withCoordinator(transactionalId, (conn) =>
      initProducerIdV5.api.async(conn, transactionalId, transactionTimeoutMs, -1n, -1),
    );
  }

  async close(): Promise<void> {
    const all = [...this.connections.values()];
    this.connections.clear();
    await Promise.allSettled(all.map(async (c) => (await c).close()));
  }
}
