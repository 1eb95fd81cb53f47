import { Admin, compatibilityPartitioner, type MessageToProduce, Producer } from '@platformatic/kafka';
import { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import { failpoint } from '../../common/failpoints.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { CHECKPOINTING_INTERVAL } from '../../common/options.js';
import { RowKind } from '../../common/types.js';
import type { RecordBatch } from '../../runtime/api/batch.js';
import type { OperatorContext, OperatorStateSnapshot, StreamOperator } from '../../runtime/api/operator.js';
import type { SinkFactory } from '../../runtime/api/sink.js';
import { brokerError, type KafkaClientSettings, kafkaClientSettings } from './client.js';
import { createRowCodec, type RowCodec } from './codec.js';
import {
  type DeliveryGuarantee,
  SINK_DELIVERY_GUARANTEE,
  SINK_PARTITIONER,
  SINK_TRANSACTIONAL_ID_PREFIX,
  TOPIC,
} from './options.js';
import { type Committable, TransactionAdmin } from './transactions.js';

/** Operator state: pre-committed transactions not yet known to be committed. */
export const COMMITTABLES_STATE = 'kafka-committables';
/** Operator state: the checkpoint the state belongs to (transactions named after it are lingering). */
export const CHECKPOINT_STATE = 'kafka-sink-checkpoint';

/** Most messages gathered while a produce request is in flight; more wait for it (backpressure). */
const SEND_BATCH = 2000;
/**
 * Most bytes (keys and values) in one produce request. The client puts a request's records for a
 * partition into one record batch, and records without a key may all go to one partition, so a
 * request must stay under the broker's default 'message.max.bytes' (1 MiB) as a batch: 2000 records
 * of 1 KB in one request were refused with MESSAGE_TOO_LARGE. Kafka's Java producer keeps batches
 * small ('batch.size', 16 KB) for the same reason.
 */
const SEND_BYTES = 256 * 1024;
/** Kafka's Java producer refuses larger records itself ('max.request.size', 1 MiB by default). */
const DEFAULT_MAX_REQUEST_SIZE = 1_048_576;
/** Kafka brokers cap transaction.timeout.ms at transaction.max.timeout.ms, 15 minutes by default. */
const DEFAULT_TRANSACTION_TIMEOUT_MS = 900_000;

type Transaction = Awaited<ReturnType<Producer['beginTransaction']>>;

interface OpenTransaction {
  readonly transactionalId: string;
  readonly producer: Producer;
  readonly transaction: Transaction;
}

interface PreCommitted {
  readonly committable: Committable;
  readonly open: OpenTransaction;
}

/**
 * The Kafka table sink. 'exactly-once' follows Flink's KafkaSink: rows between two barriers go into
 * one transaction of its own producer, transactional id `<prefix>-<subtask>-<n>` where n is the
 * checkpoint the transaction belongs to. At the barrier the transaction is flushed and left open
 * (pre-committed); its id, producer id and epoch go into the checkpoint; it is committed when the
 * checkpoint completes — or, after a crash, by the restored job, from those three values alone.
 * On start, open transactions of this prefix that no checkpoint vouches for are aborted.
 */
export class KafkaSinkWriter implements StreamOperator {
  private restoredCommittables: Committable[] = [];
  private lastCheckpoint = 0;
  private ctx!: OperatorContext;
  private settings!: KafkaClientSettings;
  private codec!: RowCodec;
  private topic!: string;
  private guarantee: DeliveryGuarantee = 'at-least-once';
  private prefix = '';
  private clientId = '';
  private transactionTimeoutMs = DEFAULT_TRANSACTION_TIMEOUT_MS;
  private maxRequestSize = DEFAULT_MAX_REQUEST_SIZE;
  private fixedPartition: ((row: number) => number) | undefined;
  private producer: Producer | undefined;
  private current: OpenTransaction | undefined;
  private opening: Promise<OpenTransaction> | undefined;
  /** The producer of `opening`, so a task that fails meanwhile still closes it. */
  private openingProducer: Producer | undefined;
  private readonly pending: PreCommitted[] = [];
  private buffer: MessageToProduce<Buffer, Buffer>[] = [];
  private bufferedBytes = 0;
  private inflight: Promise<void> | undefined;
  private failure: unknown;
  private txnAdmin: TransactionAdmin | undefined;

  constructor(protected readonly spec: ConnectorSpec) {}

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    this.restoredCommittables = [...((restored?.[COMMITTABLES_STATE] ?? []) as Committable[])];
    const checkpoints = (restored?.[CHECKPOINT_STATE] ?? []) as number[];
    this.lastCheckpoint = checkpoints.length > 0 ? Math.max(...checkpoints) : 0;
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const table = this.spec.table;
    const options = new Configuration(Object.entries(this.spec.options));
    this.settings = kafkaClientSettings(this.spec.options, table);
    this.codec = createRowCodec(this.spec, 'sink');
    const topics = (options.get(TOPIC) ?? '').split(';').filter((t) => t.trim() !== '');
    if (topics.length !== 1) {
      throw new WeirError(
        'KAFKA_SINK_TOPIC',
        `The Kafka sink ${table} needs exactly one 'topic' to write to`,
        {
          hint: "Set 'topic' to a single topic name ('topic-pattern' is for sources).",
        },
      );
    }
    this.topic = topics[0].trim();
    this.guarantee = options.require(SINK_DELIVERY_GUARANTEE);
    const props = this.settings.properties;
    this.clientId = props.get('client.id') ?? `weir-sink-${ctx.subtaskIndex}`;
    if (props.has('transaction.timeout.ms'))
      this.transactionTimeoutMs = Number(props.get('transaction.timeout.ms'));
    if (props.has('max.request.size')) this.maxRequestSize = Number(props.get('max.request.size'));
    await this.configurePartitioner(options.require(SINK_PARTITIONER));
    if (this.guarantee !== 'exactly-once') {
      this.producer = new Producer({
        ...this.settings.base,
        clientId: this.clientId,
        idempotent: this.guarantee === 'at-least-once',
        acks: this.guarantee === 'none' ? 1 : -1,
        partitioner: compatibilityPartitioner,
      });
      return;
    }
    const prefix = options.get(SINK_TRANSACTIONAL_ID_PREFIX);
    if (!prefix) {
      throw new WeirError(
        'KAFKA_TRANSACTIONAL_ID_PREFIX',
        `The exactly-once Kafka sink ${table} needs 'sink.transactional-id-prefix'`,
        {
          hint: 'Choose a prefix unique to this job: transactions of other jobs with the same prefix would be aborted.',
        },
      );
    }
    const interval = ctx.config.get(CHECKPOINTING_INTERVAL);
    if (interval === undefined || interval <= 0) {
      throw new WeirError(
        'KAFKA_EXACTLY_ONCE_WITHOUT_CHECKPOINTS',
        `The exactly-once Kafka sink ${table} commits on checkpoints, but checkpointing is off`,
        {
          hint: "Set 'execution.checkpointing.interval' (e.g. SET 'execution.checkpointing.interval' = '10s'), or use 'at-least-once'.",
        },
      );
    }
    this.prefix = prefix;
    this.txnAdmin = new TransactionAdmin(this.settings, this.clientId);
    await this.recover();
  }

  /** Commits what the restored checkpoint pre-committed, then aborts what no checkpoint knows of. */
  private async recover(): Promise<void> {
    const admin = this.txnAdmin!;
    for (const c of this.restoredCommittables) {
      const outcome = await admin.commit(c);
      if (outcome === 'already-completed') {
        this.ctx.log.info(
          `Kafka transaction '${c.transactionalId}' of checkpoint ${c.checkpointId} was already committed.`,
        );
      }
      failpoint('restore.commit');
    }
    this.restoredCommittables = [];
    const brokers = await this.withAdmin(async (a) => [
      ...(await a.metadata({ topics: [this.topic], autocreateTopics: true })).brokers.values(),
    ]);
    let ongoing: string[];
    try {
      ongoing = await admin.ongoing(brokers);
    } catch (err) {
      throw brokerError(this.settings, `Listing open transactions for ${this.spec.table} failed`, err);
    }
    const own = new RegExp(`^${escapeRegExp(this.prefix)}-(\\d+)-(\\d+)$`);
    for (const id of ongoing) {
      const m = own.exec(id);
      if (!m) continue;
      const subtask = Number(m[1]);
      const checkpoint = Number(m[2]);
      // Transactions of checkpoints up to the restored one were in its committables (committed
      // above); later ones belong to attempts that never completed a checkpoint. Subtask indexes
      // of an earlier, larger parallelism are taken modulo the current one, so each is aborted once.
      if (subtask % this.ctx.parallelism !== this.ctx.subtaskIndex || checkpoint <= this.lastCheckpoint)
        continue;
      try {
        await admin.abort(id, this.transactionTimeoutMs);
        this.ctx.log.info(`Aborted lingering Kafka transaction '${id}' of ${this.spec.table}.`);
      } catch (err) {
        throw brokerError(this.settings, `Aborting lingering transaction '${id}' failed`, err);
      }
    }
  }

  /**
   * Metadata requests ask the broker to create a missing topic, as Kafka's Java producer (and so
   * Flink's sink) does; brokers with auto.create.topics.enable=false refuse and the error says so.
   */
  private async withAdmin<T>(fn: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = new Admin({ ...this.settings.base, clientId: this.clientId });
    try {
      return await fn(admin);
    } catch (err) {
      throw brokerError(this.settings, `Reading metadata of topic '${this.topic}' failed`, err);
    } finally {
      await admin.close().catch(() => {});
    }
  }

  private async configurePartitioner(name: string): Promise<void> {
    if (name === 'default') return;
    if (name !== 'fixed' && name !== 'round-robin') {
      throw new WeirError(
        'KAFKA_SINK_PARTITIONER',
        `Unknown 'sink.partitioner' '${name}' for ${this.spec.table}`,
        {
          hint: "Use 'default', 'fixed' or 'round-robin'.",
        },
      );
    }
    const count = await this.withAdmin(
      async (a) =>
        (await a.metadata({ topics: [this.topic], autocreateTopics: true })).topics.get(this.topic)
          ?.partitionsCount ?? 0,
    );
    if (count <= 0)
      throw new WeirError('KAFKA_SINK_TOPIC', `Topic '${this.topic}' has no partitions`, {
        kind: 'external',
      });
    let next = this.ctx.subtaskIndex;
    // Flink's FlinkFixedPartitioner: subtask i writes partition i mod n.
    this.fixedPartition = name === 'fixed' ? () => this.ctx.subtaskIndex % count : () => next++ % count;
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    if (this.failure !== undefined) throw this.failure;
    const topic = this.topic;
    const { rows, kinds } = batch;
    for (let i = 0; i < rows.length; i++) {
      const kind = kinds ? kinds[i] : RowKind.INSERT;
      // An upsert changelog (upsert-kafka): -U is implied by the +U that follows; a -D is a
      // tombstone, the key with a null value. Append-only tables only ever see +I here.
      if (kind === RowKind.UPDATE_BEFORE) continue;
      const { key, value } = this.codec.encode(rows[i]);
      const size = (key?.length ?? 0) + (kind === RowKind.DELETE ? 0 : (value?.length ?? 0));
      if (size > this.maxRequestSize) this.tooLarge(size);
      const message: MessageToProduce<Buffer, Buffer> = {
        topic,
        key,
        value: kind === RowKind.DELETE ? (null as unknown as Buffer) : value,
      };
      if (this.fixedPartition) message.partition = this.fixedPartition(0);
      this.buffer.push(message);
      this.bufferedBytes += size;
    }
    // Like Kafka's producer: send at once when idle, batch up while a request is in flight.
    if (this.buffer.length >= SEND_BATCH || this.bufferedBytes >= SEND_BYTES || !this.inflight)
      return this.sendBuffered();
  }

  /** Hands the buffer to Kafka; waits only for the request before it (backpressure). */
  private async sendBuffered(): Promise<void> {
    if (this.inflight) await this.inflight;
    if (this.failure !== undefined) throw this.failure;
    if (this.buffer.length === 0) return;
    const messages = this.buffer;
    this.buffer = [];
    this.bufferedBytes = 0;
    const send = async () => {
      for (const chunk of requests(messages)) {
        if (this.guarantee === 'exactly-once') {
          const open = await this.openTransaction();
          await open.transaction.send({ messages: chunk, partitioner: compatibilityPartitioner });
        } else {
          await this.producer!.send({ messages: chunk });
        }
      }
    };
    const promise = send()
      .catch((err) => {
        const largest = Math.max(...messages.map((m) => (m.key?.length ?? 0) + (m.value?.length ?? 0)));
        this.failure = brokerError(
          this.settings,
          `Writing to topic '${this.topic}' of ${this.spec.table} failed (${messages.length} records, the largest ${largest} bytes)`,
          err,
        );
        // As Flink's KafkaWriter puts a failed send into the mailbox: the task fails now, with this
        // error, not only at the next row or barrier (where the checkpoint would be declined).
        const failure = this.failure;
        this.ctx.processingTimeService.registerTimer(this.ctx.processingTimeService.now(), () => {
          throw failure;
        });
      })
      .finally(() => {
        if (this.inflight === promise) this.inflight = undefined;
      });
    this.inflight = promise;
  }

  /** As Kafka's Java producer (RecordTooLargeException): a record that no request may carry fails the task. */
  private tooLarge(size: number): never {
    throw new WeirError(
      'KAFKA_RECORD_TOO_LARGE',
      `A record for topic '${this.topic}' of ${this.spec.table} is ${size} bytes (key and value), larger than 'properties.max.request.size' = ${this.maxRequestSize}`,
      {
        kind: 'external',
        hint: "Write smaller records, or raise 'properties.max.request.size' (and the broker's 'message.max.bytes' or the topic's 'max.message.bytes' with it).",
      },
    );
  }

  /** Everything handed to the sink so far is acknowledged by the brokers. */
  private async flush(): Promise<void> {
    while (this.inflight || this.buffer.length > 0) {
      if (this.inflight) await this.inflight;
      else await this.sendBuffered();
    }
    if (this.failure !== undefined) throw this.failure;
  }

  private openTransaction(): Promise<OpenTransaction> {
    if (this.current) return Promise.resolve(this.current);
    if (!this.opening) {
      const transactionalId = `${this.prefix}-${this.ctx.subtaskIndex}-${this.lastCheckpoint + 1}`;
      const producer = new Producer({
        ...this.settings.base,
        clientId: this.clientId,
        transactionalId,
        idempotent: true,
        acks: -1,
        // The producer's timeout is also its transaction timeout (InitProducerId).
        timeout: this.transactionTimeoutMs,
        // A fresh InitProducerId (-1/-1): the client's default 0/0 asks to bump an epoch the broker
        // does not know, and is fenced when the id was used before (e.g. aborted at recovery).
        producerId: -1n,
        producerEpoch: -1,
      });
      this.openingProducer = producer;
      this.opening = producer.beginTransaction().then(
        (transaction) => {
          this.current = { transactionalId, producer, transaction };
          this.opening = undefined;
          this.openingProducer = undefined;
          return this.current;
        },
        async (err) => {
          this.opening = undefined;
          this.openingProducer = undefined;
          await Promise.resolve(producer.close(true)).catch(() => {});
          throw err;
        },
      );
    }
    return this.opening;
  }

  /** Flushes before the barrier, as Flink's KafkaWriter: a send the brokers refused fails the task here. */
  async prepareSnapshotPreBarrier(_checkpointId: number): Promise<void> {
    if (this.guarantee !== 'none') await this.flush();
  }

  async snapshotState(checkpointId: number): Promise<OperatorStateSnapshot> {
    if (this.guarantee !== 'none') await this.flush();
    if (this.guarantee === 'exactly-once') {
      const open = this.current;
      if (open) {
        const { producerId, producerEpoch } = open.producer;
        if (producerId === undefined || producerEpoch === undefined) {
          throw new Error(`transaction '${open.transactionalId}' has no producer id after writing`);
        }
        this.pending.push({
          committable: {
            transactionalId: open.transactionalId,
            producerId: producerId.toString(),
            epoch: producerEpoch,
            checkpointId,
          },
          open,
        });
        this.current = undefined;
      }
      this.lastCheckpoint = checkpointId;
    }
    return {
      [COMMITTABLES_STATE]: this.pending.map((p) => p.committable),
      [CHECKPOINT_STATE]: [checkpointId],
    };
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    if (this.pending[0]?.committable.checkpointId <= checkpointId) failpoint('sink.before-commit');
    while (this.pending.length > 0 && this.pending[0].committable.checkpointId <= checkpointId) {
      const { committable, open } = this.pending[0];
      try {
        await open.transaction.commit();
      } catch (err) {
        // The restart restores this committable and commits it again from its ids.
        throw brokerError(
          this.settings,
          `Committing Kafka transaction '${committable.transactionalId}' of checkpoint ${committable.checkpointId} failed`,
          err,
        );
      }
      this.pending.shift();
      await open.producer.close().catch(() => {});
      if (this.pending[0]?.committable.checkpointId <= checkpointId) failpoint('sink.commit');
    }
  }

  async endInput(): Promise<void> {
    // Exactly-once rows are committed by the final checkpoint that follows the end of input.
    await this.flush();
  }

  async close(): Promise<void> {
    // Open and pre-committed transactions are left as they are: a checkpoint may vouch for them,
    // and the next start commits or aborts them.
    const producers = [
      this.producer,
      this.current?.producer,
      this.openingProducer,
      ...this.pending.map((p) => p.open.producer),
    ];
    if (this.guarantee !== 'exactly-once' && this.failure === undefined) await this.flush().catch(() => {});
    await Promise.allSettled(producers.map((p) => p?.close(true)));
    await this.txnAdmin?.close();
  }
}

/** Messages cut into produce requests of at most SEND_BYTES (a larger record goes alone). */
function* requests(
  messages: MessageToProduce<Buffer, Buffer>[],
): Generator<MessageToProduce<Buffer, Buffer>[]> {
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < messages.length; i++) {
    const size = (messages[i].key?.length ?? 0) + (messages[i].value?.length ?? 0);
    if (i > start && bytes + size > SEND_BYTES) {
      yield messages.slice(start, i);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (start < messages.length) yield start === 0 ? messages : messages.slice(start);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const kafkaSinkFactory: SinkFactory = {
  createWriter: (spec) => new KafkaSinkWriter(spec),
};
