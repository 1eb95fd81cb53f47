import { randomBytes } from 'node:crypto';
import { Admin, Consumer, Producer } from '@platformatic/kafka';
import { kafkaConnection } from '../infra/context.js';

export const unique = (prefix: string) => `${prefix}-${Date.now()}-${randomBytes(3).toString('hex')}`;

export function brokers(): string[] {
  return [...kafkaConnection().brokers];
}

/** Creates a topic on the run's broker, or on `servers` (a test's private broker). */
export async function createTopic(topic: string, partitions: number, servers = brokers()): Promise<void> {
  const admin = new Admin({ clientId: 'weir-test', bootstrapBrokers: [...servers] });
  try {
    await admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  } finally {
    await admin.close();
  }
}

/** Writes values (JSON-encoded when not strings) round-robin over the partitions, or in a transaction. */
export async function produce(
  topic: string,
  values: readonly unknown[],
  options: {
    partitions?: number;
    transactionalId?: string;
    abort?: boolean;
    servers?: readonly string[];
  } = {},
): Promise<void> {
  const producer = new Producer({
    clientId: 'weir-test',
    bootstrapBrokers: [...(options.servers ?? brokers())],
    // Idempotent: a send retried under load must not write a batch twice (tests compute offsets from ids).
    idempotent: true,
    ...(options.transactionalId ? { transactionalId: options.transactionalId } : {}),
  });
  try {
    const messages = values.map((v, i) => ({
      topic,
      value: Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)),
      partition: options.partitions ? i % options.partitions : 0,
    }));
    if (options.transactionalId) {
      const txn = await producer.beginTransaction();
      await txn.send({ messages });
      if (options.abort) await txn.abort();
      else await txn.commit();
    } else {
      for (let i = 0; i < messages.length; i += 5000)
        await producer.send({ messages: messages.slice(i, i + 5000) });
    }
  } finally {
    await producer.close();
  }
}

/**
 * Every value in the topic up to its current end, as a read_committed (or read_uncommitted)
 * consumer sees it, with the partition it came from; on the run's broker or on `servers`.
 */
export async function readTopic(
  topic: string,
  isolation: 'read_committed' | 'read_uncommitted' = 'read_committed',
  servers = brokers(),
): Promise<{ partition: number; value: string; key: string | undefined; tombstone: boolean }[]> {
  const consumer = new Consumer({
    clientId: 'weir-test',
    groupId: unique('weir-test'),
    bootstrapBrokers: [...servers],
  });
  const level = isolation === 'read_committed' ? 1 : 0;
  try {
    const metadata = await consumer.metadata({ topics: [topic], forceUpdate: true });
    const info = metadata.topics.get(topic)!;
    const ends = (await consumer.listOffsets({ topics: [topic], timestamp: -1n, isolationLevel: level })).get(
      topic,
    )!;
    const out: { partition: number; value: string; key: string | undefined; tombstone: boolean }[] = [];
    for (let partition = 0; partition < info.partitionsCount; partition++) {
      let offset = 0n;
      while (offset < ends[partition]) {
        const response = await consumer.fetch({
          node: info.partitions[partition].leader,
          maxWaitTime: 100,
          minBytes: 1,
          maxBytes: 10 << 20,
          isolationLevel: level,
          topics: [
            {
              topicId: info.id,
              partitions: [
                {
                  partition,
                  fetchOffset: offset,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                  partitionMaxBytes: 4 << 20,
                },
              ],
            },
          ],
        });
        for (const batch of response.responses[0].partitions[0].records ?? []) {
          const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
          if (!(batch.attributes & 32)) {
            for (const r of batch.records) {
              if (batch.firstOffset + BigInt(r.offsetDelta) < offset) continue;
              out.push({
                partition,
                value: r.value?.toString() ?? '',
                key: r.key?.toString(),
                tombstone: r.value == null,
              });
            }
          }
          offset = end > offset ? end : offset;
        }
      }
    }
    return out;
  } finally {
    await consumer.close(true);
  }
}
