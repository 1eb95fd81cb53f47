import { randomBytes } from 'node:crypto';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { kafkaConnection } from './context.js';

const unique = (prefix: string) => `${prefix}-${Date.now()}-${randomBytes(3).toString('hex')}`;

describe('the test Kafka broker', () => {
  const kafka = new Kafka({
    clientId: 'weir-infra-test',
    brokers: [...kafkaConnection().brokers],
    logLevel: logLevel.NOTHING,
  });
  const consumers: Consumer[] = [];
  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect()));
  });

  async function readAll(topic: string, readUncommitted: boolean, until: (values: string[]) => boolean) {
    const consumer = kafka.consumer({ groupId: unique('weir-infra'), readUncommitted });
    consumers.push(consumer);
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value?.toString() ?? '');
      },
    });
    await waitFor(() => until(values), { timeoutMs: 20_000, what: `records on ${topic}` });
    await consumer.stop();
    return values;
  }

  it('serves transactions: read_committed sees committed records only, in order', async () => {
    const topic = unique('weir-infra-tx');
    const admin = kafka.admin();
    await admin.connect();
    try {
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true })).toBe(
        true,
      );
    } finally {
      await admin.disconnect();
    }

    const producer = kafka.producer({
      transactionalId: unique('weir-infra-tx'),
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    try {
      const first = await producer.transaction();
      await first.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
      await first.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: 'aborted-1' }, { value: 'aborted-2' }] });
      await aborted.abort();
      // A commit after the abort, so "the consumer reached it" proves the aborted records were skipped,
      // not merely not yet read.
      const last = await producer.transaction();
      await last.send({ topic, messages: [{ value: 'committed-3' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }

    const committed = await readAll(topic, false, (v) => v.includes('committed-3'));
    expect(committed).toEqual(['committed-1', 'committed-2', 'committed-3']);

    // The aborted records are in the log all the same; only the isolation level hides them.
    const everything = await readAll(topic, true, (v) => v.length >= 5);
    expect(everything).toEqual(['committed-1', 'committed-2', 'aborted-1', 'aborted-2', 'committed-3']);

    // Five records plus one commit or abort marker per transaction.
    const admin2 = kafka.admin();
    await admin2.connect();
    try {
      const [partition] = await admin2.fetchTopicOffsets(topic);
      expect(partition.high).toBe('8');
    } finally {
      await admin2.disconnect();
    }
  });
});
