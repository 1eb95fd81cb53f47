import { describe, expect, it } from 'vitest';
import { brokers, createTopic, readTopic, unique } from './kafka-helpers.js';
import { startSqlJob } from './sql-job.js';

const script = (topic: string, n: number, sinkOptions: string) => `
  CREATE TABLE src (id BIGINT, name STRING) WITH (
    'connector' = 'datagen', 'rows-per-second' = '100000',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${n}',
    'fields.name.length' = '5'
  );
  CREATE TABLE out (id BIGINT, name STRING) WITH (
    'connector' = 'kafka', 'topic' = '${topic}',
    'properties.bootstrap.servers' = '${brokers().join(',')}',
    'format' = 'json'${sinkOptions}
  );
  INSERT INTO out SELECT id, name FROM src;`;

describe('kafka sink', () => {
  it('exactly-once: a bounded job commits every row once, in transactions named after checkpoints', async () => {
    const topic = unique('weir-sink-eo');
    await createTopic(topic, 3);
    const n = 20_000;
    const prefix = unique('weir-eo');
    const { job, logs } = await startSqlJob(
      script(
        topic,
        n,
        `, 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${prefix}', 'key.format' = 'raw', 'key.fields' = 'name'`,
      ),
      {
        'execution.checkpointing.interval': '100ms',
        'execution.checkpointing.storage': 'jobmanager',
        'parallelism.default': '2',
      },
    );
    const result = await job.result;
    expect(result.status, logs.join('\n')).toBe('FINISHED');
    const records = await readTopic(topic);
    const ids = records.map((r) => JSON.parse(r.value).id as number).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    // The key is the raw name; the default partitioner hashes it as Kafka's Java client does.
    for (const r of records.slice(0, 20)) expect(r.key).toBe(JSON.parse(r.value).name);
  });

  it('at-least-once and none write every row of a bounded job', async () => {
    for (const guarantee of ['at-least-once', 'none']) {
      const topic = unique(`weir-sink-${guarantee}`);
      await createTopic(topic, 2);
      const { job } = await startSqlJob(
        script(
          topic,
          5000,
          `, 'sink.delivery-guarantee' = '${guarantee}', 'sink.partitioner' = 'round-robin'`,
        ),
      );
      expect((await job.result).status).toBe('FINISHED');
      const records = await readTopic(topic);
      expect(records.length).toBe(5000);
      expect(records.filter((r) => r.partition === 0).length).toBe(2500);
    }
  });

  it('1 KB records in bursts of thousands go out in requests a broker accepts (they were refused as MESSAGE_TOO_LARGE)', async () => {
    const topic = unique('weir-sink-1kb');
    await createTopic(topic, 1);
    const n = 6000;
    const { job, logs } = await startSqlJob(
      `CREATE TABLE src (id BIGINT, name STRING) WITH (
         'connector' = 'datagen', 'number-of-rows' = '${n}',
         'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${n}',
         'fields.name.length' = '1000'
       );
       CREATE TABLE out (id BIGINT, name STRING) WITH (
         'connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${brokers().join(',')}', 'format' = 'json',
         'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${topic}'
       );
       INSERT INTO out SELECT id, name FROM src;`,
      {
        'execution.checkpointing.interval': '1s',
        'execution.checkpointing.storage': 'jobmanager',
        'restart-strategy.type': 'none',
      },
    );
    const result = await job.result;
    expect(result.status, `${result.error?.message}\n${logs.join('\n')}`).toBe('FINISHED');
    const ids = (await readTopic(topic)).map((r) => JSON.parse(r.value).id as number).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  });

  it('exactly-once without checkpointing is refused with what to do', async () => {
    const topic = unique('weir-sink-nochk');
    await createTopic(topic, 1);
    const { job } = await startSqlJob(
      script(topic, 10, `, 'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = 'x'`),
      { 'restart-strategy.type': 'none' },
    );
    const result = await job.result;
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toMatch(/checkpointing is off/);
  });
});
