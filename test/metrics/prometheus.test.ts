import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { useTestDatabase } from '../infra/context.js';
import { brokers, createTopic, produce, unique } from '../kafka/kafka-helpers.js';
import { startJobWithRest } from './helpers.js';

const db = useTestDatabase(import.meta.url);

interface Sample {
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** Prometheus' text format: the declared type of each metric, and its samples. */
function parseExposition(text: string): { types: Map<string, string>; samples: Map<string, Sample[]> } {
  const types = new Map<string, string>();
  const samples = new Map<string, Sample[]>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1], type[2]);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample) continue;
    const labels: Record<string, string> = {};
    for (const m of (sample[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]] = m[2];
    const list = samples.get(sample[1]) ?? [];
    list.push({ labels, value: Number(sample[3]) });
    samples.set(sample[1], list);
  }
  return { types, samples };
}

const JOB = 'flink_jobmanager_job_';
const TASK = 'flink_taskmanager_job_task_';
const OPERATOR = 'flink_taskmanager_job_task_operator_';
const LAG = `${OPERATOR}KafkaSourceReader_topic_partition_records_lag`;

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('Prometheus scrape of a Kafka → PostgreSQL job', () => {
  it('has every metric with its type, labels and sane values', async () => {
    const topic = unique('weir-metrics');
    const records = 4000;
    await createTopic(topic, 2);
    const values = Array.from({ length: records }, (_, i) => ({ id: i + 1, amount: i % 100 }));
    await produce(topic, values, { partitions: 2 });
    const valueBytes = values.reduce((sum, v) => sum + Buffer.byteLength(JSON.stringify(v)), 0);
    const admin = new pg.Client({ connectionString: db().url });
    await admin.connect();
    cleanup.push(() => admin.end());
    await admin.query('CREATE TABLE metrics_out (id bigint PRIMARY KEY, amount int)');
    const url = new URL(db().url);
    const { job, base, logs, stop } = await startJobWithRest(
      `SET 'parallelism.default' = '2';
       SET 'execution.checkpointing.interval' = '200ms';
       SET 'execution.checkpointing.storage' = 'jobmanager';
       CREATE TABLE src (id BIGINT, amount INT) WITH (
         'connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${brokers().join(',')}',
         'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
       CREATE TABLE metrics_out (id BIGINT, amount INT, PRIMARY KEY (id) NOT ENFORCED) WITH (
         'connector' = 'jdbc', 'url' = 'jdbc:postgresql://${url.host}${url.pathname}',
         'username' = '${url.username || 'postgres'}', 'password' = '${decodeURIComponent(url.password)}',
         'table-name' = 'metrics_out', 'sink.delivery-guarantee' = 'exactly-once');
       INSERT INTO metrics_out SELECT id, amount FROM src WHERE amount >= 50;`,
    );
    cleanup.push(stop);

    // Half the records pass the filter; they are in PostgreSQL once a checkpoint has committed them.
    await waitFor(
      async () =>
        Number((await admin.query('SELECT count(*) AS n FROM metrics_out')).rows[0].n) === records / 2,
      { timeoutMs: 60_000, intervalMs: 100, what: 'every filtered record committed' },
    ).catch((err) => {
      throw new Error(`${err.message}; job log: ${logs.join('\n')}`);
    });
    const scrape = async () => {
      const res = await fetch(`${base}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/plain');
      return parseExposition(await res.text());
    };
    // The reader's lag reaches 0 on both partitions once it has read to the end.
    let lastLag: Sample[] = [];
    const { types, samples } = await waitFor(
      async () => {
        const s = await scrape();
        const lag = s.samples.get(LAG) ?? [];
        lastLag = lag;
        return lag.length === 2 && lag.every((l) => l.value === 0) && s;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'records-lag 0 on both partitions' },
    ).catch((err) => {
      throw new Error(`${err.message}; last records-lag samples: ${JSON.stringify(lastLag)}`);
    });

    const expected = [
      ...[
        'lastCheckpointDuration',
        'lastCheckpointSize',
        'numberOfCompletedCheckpoints',
        'numberOfFailedCheckpoints',
        'numberOfInProgressCheckpoints',
        'totalNumberOfCheckpoints',
        'numRestarts',
        'uptime',
      ].map((n) => JOB + n),
      ...[
        'numRecordsIn',
        'numRecordsOut',
        'numRecordsInPerSecond',
        'numRecordsOutPerSecond',
        'numBytesIn',
        'numBytesOut',
        'numBytesInPerSecond',
        'numBytesOutPerSecond',
        'busyTimeMsPerSecond',
        'backPressuredTimeMsPerSecond',
        'idleTimeMsPerSecond',
      ].map((n) => TASK + n),
      ...[
        'numRecordsIn',
        'numRecordsOut',
        'numRecordsInPerSecond',
        'numRecordsOutPerSecond',
        'numBytesIn',
        'numBytesOut',
        'numBytesInPerSecond',
        'numBytesOutPerSecond',
        'currentInputWatermark',
        'currentOutputWatermark',
        'pendingRecords',
      ].map((n) => OPERATOR + n),
      LAG,
      `${OPERATOR}KafkaSourceReader_topic_partition_currentOffset`,
    ];
    for (const name of expected) {
      // Flink's Prometheus reporter exports counters, gauges and meters all as gauges.
      expect(types.get(name), name).toBe('gauge');
      expect(samples.get(name)?.length, name).toBeGreaterThan(0);
    }
    const one = (name: string) => samples.get(name)![0];
    expect(one(`${JOB}numberOfCompletedCheckpoints`).value).toBeGreaterThanOrEqual(1);
    expect(one(`${JOB}numberOfFailedCheckpoints`).value).toBe(0);
    expect(one(`${JOB}numRestarts`).value).toBe(0);
    expect(one(`${JOB}uptime`).value).toBeGreaterThan(0);
    expect(one(`${JOB}lastCheckpointDuration`).value).toBeGreaterThanOrEqual(0);
    expect(one(`${JOB}lastCheckpointSize`).value).toBeGreaterThan(0);
    expect(one(`${JOB}uptime`).labels).toEqual({ job_id: job.jobId, job_name: job.jobName });

    // Per subtask, per operator: the source read every record, the filter passed half to the sink.
    const byOperator = (name: string, operator: RegExp) =>
      samples
        .get(OPERATOR + name)!
        .filter((s) => operator.test(s.labels.operator_name))
        .reduce((sum, s) => sum + s.value, 0);
    const opLabels = samples.get(`${OPERATOR}numRecordsOut`)![0].labels;
    expect(Object.keys(opLabels).sort()).toEqual(
      ['job_id', 'job_name', 'operator_id', 'operator_name', 'subtask_index', 'task_id', 'task_name'].sort(),
    );
    expect(
      samples
        .get(`${OPERATOR}numRecordsOut`)!
        .map((s) => s.labels.subtask_index)
        .sort(),
    ).toContain('1');
    expect(byOperator('numRecordsOut', /TableSourceScan/)).toBe(records);
    expect(byOperator('numRecordsIn', /^Calc/)).toBe(records);
    expect(byOperator('numRecordsOut', /^Calc/)).toBe(records / 2);
    expect(byOperator('numRecordsIn', /^Sink/)).toBe(records / 2);
    expect(byOperator('pendingRecords', /TableSourceScan/)).toBe(0);
    const offsets = samples.get(`${OPERATOR}KafkaSourceReader_topic_partition_currentOffset`)!;
    expect(offsets.map((s) => [s.labels.topic, s.labels.partition, s.value]).sort()).toEqual([
      [topic, '0', records / 2],
      [topic, '1', records / 2],
    ]);
    for (const s of samples.get(`${TASK}busyTimeMsPerSecond`)!) {
      expect(s.value).toBeGreaterThanOrEqual(0);
      expect(s.value).toBeLessThanOrEqual(1000);
    }
    // The source task reads no network input: its task-level numRecordsIn is 0, as in Flink.
    expect(samples.get(`${TASK}numRecordsIn`)!.every((s) => s.value === 0)).toBe(true);
    // The chain ends in the sink, which sends nothing downstream.
    expect(samples.get(`${TASK}numRecordsOut`)!.every((s) => s.value === 0)).toBe(true);
    // Bytes: the source read every message's value (no keys); nothing crosses a task boundary in
    // this one chain, so no operator and no task counts serialized bytes.
    expect(byOperator('numBytesIn', /TableSourceScan/)).toBe(valueBytes);
    for (const op of [/^Calc/, /^Sink/]) expect(byOperator('numBytesIn', op)).toBe(0);
    for (const op of [/TableSourceScan/, /^Calc/, /^Sink/]) expect(byOperator('numBytesOut', op)).toBe(0);
    for (const name of ['numBytesIn', 'numBytesOut'])
      expect(samples.get(TASK + name)!.every((s) => s.value === 0)).toBe(true);
    for (const s of samples.get(`${OPERATOR}numBytesInPerSecond`)!) expect(s.value).toBeGreaterThanOrEqual(0);
  }, 120_000);
});
