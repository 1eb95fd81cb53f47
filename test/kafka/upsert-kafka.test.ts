import { Producer } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { brokers, createTopic, readTopic, unique } from './kafka-helpers.js';
import { startSqlJob } from './sql-job.js';

/** Writes keyed records in order to partition 0; a null value is a tombstone. */
async function produceKeyed(topic: string, records: readonly [key: unknown, value: unknown | null][]) {
  const producer = new Producer({ clientId: 'weir-test', bootstrapBrokers: brokers() });
  try {
    await producer.send({
      messages: records.map(([key, value]) => ({
        topic,
        partition: 0,
        key: Buffer.from(JSON.stringify(key)),
        value: (value === null ? null : Buffer.from(JSON.stringify(value))) as Buffer,
      })),
    });
  } finally {
    await producer.close();
  }
}

/** The table as a compacted topic holds it: the last record per key, tombstoned keys gone. */
function lastPerKey(records: Awaited<ReturnType<typeof readTopic>>): Map<string, unknown> {
  const table = new Map<string, unknown>();
  for (const r of records) {
    if (r.tombstone) table.delete(r.key ?? '');
    else table.set(r.key ?? '', JSON.parse(r.value));
  }
  return table;
}

const upsertTable = (name: string, columns: string, topic: string, extra = '') => `
  CREATE TABLE ${name} (${columns}) WITH (
    'connector' = 'upsert-kafka', 'topic' = '${topic}',
    'properties.bootstrap.servers' = '${brokers().join(',')}',
    'key.format' = 'json', 'value.format' = 'json'${extra}
  );`;

describe('upsert-kafka', () => {
  it('a GROUP BY count writes one record per change keyed by the primary key, -U dropped', async () => {
    const topic = unique('weir-upsert-counts');
    await createTopic(topic, 3);
    const { job, logs } = await startSqlJob(`
      ${upsertTable('counts', 'word STRING, cnt BIGINT, PRIMARY KEY (word) NOT ENFORCED', topic)}
      INSERT INTO counts SELECT w, COUNT(*) FROM (VALUES ('a'), ('b'), ('a'), ('c'), ('a')) AS t(w) GROUP BY w;`);
    expect((await job.result).status, logs.join('\n')).toBe('FINISHED');
    const records = await readTopic(topic);
    // +I a, +I b, +U a, +I c, +U a: five records, no -U among them.
    expect(records.length).toBe(5);
    expect(Object.fromEntries(lastPerKey(records))).toEqual({
      '{"word":"a"}': { word: 'a', cnt: 3 },
      '{"word":"b"}': { word: 'b', cnt: 1 },
      '{"word":"c"}': { word: 'c', cnt: 1 },
    });
    // All changes of a key are in one partition, in order.
    const aRecords = records.filter((r) => r.key === '{"word":"a"}');
    expect(new Set(aRecords.map((r) => r.partition)).size).toBe(1);
    expect(aRecords.map((r) => JSON.parse(r.value).cnt)).toEqual([1, 2, 3]);
  });

  it("'sink.buffer-flush.*' keeps only the last change per key between flushes", async () => {
    const topic = unique('weir-upsert-buffer');
    await createTopic(topic, 1);
    const { job, logs } = await startSqlJob(`
      ${upsertTable(
        'counts',
        'word STRING, cnt BIGINT, PRIMARY KEY (word) NOT ENFORCED',
        topic,
        `, 'sink.buffer-flush.max-rows' = '1000', 'sink.buffer-flush.interval' = '1h'`,
      )}
      INSERT INTO counts SELECT w, COUNT(*) FROM (VALUES ('a'), ('b'), ('a'), ('c'), ('a')) AS t(w) GROUP BY w;`);
    expect((await job.result).status, logs.join('\n')).toBe('FINISHED');
    const records = await readTopic(topic);
    expect(records.map((r) => JSON.parse(r.value))).toEqual([
      { word: 'a', cnt: 3 },
      { word: 'b', cnt: 1 },
      { word: 'c', cnt: 1 },
    ]);
  });

  it('the source reads upserts and tombstones as a changelog, normalized per key', async () => {
    const topic = unique('weir-upsert-src');
    await createTopic(topic, 1);
    await produceKeyed(topic, [
      [{ id: 1 }, { id: 1, name: 'ann', region: 'eu' }],
      [{ id: 2 }, { id: 2, name: 'bob', region: 'us' }],
      [{ id: 1 }, { id: 1, name: 'ann', region: 'us' }],
      [{ id: 2 }, null],
      [{ id: 3 }, null],
      [{ id: 1 }, { id: 1, name: 'ann', region: 'us' }],
      [{ id: 2 }, { id: 2, name: 'bo', region: 'eu' }],
    ]);
    const { job, printed, logs } = await startSqlJob(`
      ${upsertTable(
        'users',
        'id BIGINT, name STRING, region STRING, PRIMARY KEY (id) NOT ENFORCED',
        topic,
        `, 'scan.bounded.mode' = 'latest-offset'`,
      )}
      CREATE TABLE out (id BIGINT, name STRING, region STRING) WITH ('connector' = 'print');
      INSERT INTO out SELECT * FROM users;`);
    expect((await job.result).status, logs.join('\n')).toBe('FINISHED');
    expect(printed).toEqual([
      '+I[1, ann, eu]',
      '+I[2, bob, us]',
      '-U[1, ann, eu]',
      '+U[1, ann, us]',
      '-D[2, bob, us]',
      '+I[2, bo, eu]',
    ]);
  });

  it('a GROUP BY over an upsert-kafka source into upsert-kafka: counts follow moves, emptied groups are tombstoned', async () => {
    const input = unique('weir-upsert-users');
    const output = unique('weir-upsert-regions');
    await createTopic(input, 2);
    await createTopic(output, 2);
    await produceKeyed(input, [
      [{ id: 1 }, { id: 1, region: 'eu' }],
      [{ id: 2 }, { id: 2, region: 'us' }],
      [{ id: 3 }, { id: 3, region: 'eu' }],
      [{ id: 2 }, { id: 2, region: 'eu' }],
      [{ id: 3 }, null],
      [{ id: 4 }, { id: 4, region: 'apac' }],
    ]);
    const { job, logs } = await startSqlJob(
      `
      ${upsertTable(
        'users',
        'id BIGINT, region STRING, PRIMARY KEY (id) NOT ENFORCED',
        input,
        `, 'scan.bounded.mode' = 'latest-offset'`,
      )}
      ${upsertTable('regions', 'region STRING, cnt BIGINT, PRIMARY KEY (region) NOT ENFORCED', output)}
      INSERT INTO regions SELECT region, COUNT(*) FROM users GROUP BY region;`,
      { 'parallelism.default': '2' },
    );
    expect((await job.result).status, logs.join('\n')).toBe('FINISHED');
    const records = await readTopic(output);
    // 'us' lost its only user: its count row was deleted, a tombstone is its last record.
    const us = records.filter((r) => r.key === '{"region":"us"}');
    expect(us.at(-1)?.tombstone).toBe(true);
    expect(Object.fromEntries(lastPerKey(records))).toEqual({
      '{"region":"eu"}': { region: 'eu', cnt: 2 },
      '{"region":"apac"}': { region: 'apac', cnt: 1 },
    });
  });
});
