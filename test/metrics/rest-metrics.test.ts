import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { startJobWithRest } from './helpers.js';

const SCRIPT = `
SET 'parallelism.default' = '2';
SET 'execution.checkpointing.interval' = '200ms';
SET 'state.checkpoints.dir' = 'jobmanager';
SET 'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required password="hunter2";';
CREATE TABLE orders (id BIGINT, amount INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
  WITH ('connector' = 'datagen', 'rows-per-second' = '2000', 'fields.amount.min' = '1', 'fields.amount.max' = '100');
CREATE TABLE big (id BIGINT, amount INT) WITH ('connector' = 'blackhole');
INSERT INTO big SELECT id, amount FROM orders WHERE amount > 50;
`;

let cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

async function startJob() {
  const started = await startJobWithRest(SCRIPT);
  cleanup.push(started.stop);
  return started;
}

interface Vertex {
  id: string;
  name: string;
  parallelism: number;
  metrics: Record<string, number>;
}
interface Details {
  vertices: Vertex[];
  chains: { name: string; operators: string[]; parallelism: number }[];
}
// Answers are checked field by field; a loose type keeps the assertions readable.
type Loose = Record<string, unknown> & Record<string, Record<string, Record<string, unknown>>>;

const get = async <T = Loose>(url: string): Promise<T> => {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  return (await res.json()) as T;
};

describe('job metrics on the REST API', () => {
  it('counts records per operator and subtask and serves them under Flink names and paths', async () => {
    const { job, base } = await startJob();
    const details = await waitFor(
      async () => {
        const d = await get<Details>(`${base}/jobs/${job.jobId}`);
        const sink = d.vertices.find((v) => v.name.startsWith('Sink'));
        return (sink?.metrics['read-records'] ?? 0) > 200 && d;
      },
      { what: 'records at the sink' },
    );
    const source = details.vertices.find((v) => v.name.startsWith('TableSourceScan'))!;
    const sink = details.vertices.find((v) => v.name.startsWith('Sink'))!;
    expect(source.parallelism).toBe(2);
    expect(source.metrics['write-records']).toBeGreaterThan(0);
    // Source, filter and sink are chained: one task of three operators, run by two subtasks.
    expect(details.chains).toHaveLength(1);
    expect(details.chains[0].parallelism).toBe(2);
    expect(details.chains[0].operators[0]).toBe(source.id);
    expect(details.chains[0].operators.at(-1)).toBe(sink.id);

    const available: { id: string }[] = await get(`${base}/jobs/${job.jobId}/vertices/${sink.id}/metrics`);
    const ids = available.map((m) => m.id);
    for (const name of [
      'numRecordsIn',
      'numRecordsOut',
      'numRecordsInPerSecond',
      'numRecordsOutPerSecond',
      'currentInputWatermark',
      'currentOutputWatermark',
      'busyTimeMsPerSecond',
      'backPressuredTimeMsPerSecond',
      'idleTimeMsPerSecond',
    ]) {
      expect(ids).toContain(`0.${name}`);
      expect(ids).toContain(`1.${name}`);
    }
    const values: { id: string; value: string }[] = await get(
      `${base}/jobs/${job.jobId}/vertices/${sink.id}/metrics?get=0.numRecordsIn,1.numRecordsIn,0.busyTimeMsPerSecond,0.nothing`,
    );
    expect(values.map((v) => v.id)).toEqual(['0.numRecordsIn', '1.numRecordsIn', '0.busyTimeMsPerSecond']);
    for (const v of values) expect(typeof v.value).toBe('string');
    expect(Number(values[0].value) + Number(values[1].value)).toBeGreaterThan(0);
    const busy = Number(values[2].value);
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(busy).toBeLessThanOrEqual(1000);

    // The watermark assigned at the source reaches the sink.
    await waitFor(
      async () => {
        const [wm] = await get<{ value: string }[]>(
          `${base}/jobs/${job.jobId}/vertices/${sink.id}/metrics?get=0.currentInputWatermark`,
        );
        return Number(wm.value) > Date.parse('2000-01-01');
      },
      { what: 'a watermark at the sink' },
    );

    const [sum] = await get<Record<string, number>[]>(
      `${base}/jobs/${job.jobId}/vertices/${source.id}/subtasks/metrics?get=numRecordsOut&agg=sum,max`,
    );
    expect(Object.keys(sum).sort()).toEqual(['id', 'max', 'sum']);
    expect(sum.sum).toBeGreaterThanOrEqual(sum.max);

    await waitFor(
      async () => {
        const [completed] = await get<{ value: string }[]>(
          `${base}/jobs/${job.jobId}/metrics?get=numberOfCompletedCheckpoints`,
        );
        return Number(completed?.value) >= 2;
      },
      { what: 'two completed checkpoints' },
    );
    const jobMetrics: { id: string; value: string }[] = await get(
      `${base}/jobs/${job.jobId}/metrics?get=lastCheckpointDuration,lastCheckpointSize,numberOfFailedCheckpoints,numRestarts,uptime`,
    );
    const byId = Object.fromEntries(jobMetrics.map((m) => [m.id, Number(m.value)]));
    expect(byId.lastCheckpointDuration).toBeGreaterThanOrEqual(0);
    expect(byId.lastCheckpointSize).toBeGreaterThan(0);
    expect(byId.numberOfFailedCheckpoints).toBe(0);
    expect(byId.numRestarts).toBe(0);
    expect(byId.uptime).toBeGreaterThan(0);
  });

  it('serves the configuration with secrets masked, and the exception history', async () => {
    const { job, base } = await startJob();
    const config = await get(`${base}/jobs/${job.jobId}/config`);
    expect(config.jid).toBe(job.jobId);
    expect(config['execution-config']['job-parallelism']).toBe(2);
    expect(config['execution-config']['user-config']['properties.sasl.jaas.config']).toBe('******');
    expect(JSON.stringify(config)).not.toContain('hunter2');
    expect(config['execution-config']['user-config']['execution.checkpointing.interval']).toBe('200ms');
    const exceptions = await get<{
      'root-exception': string | null;
      exceptionHistory: { entries: unknown[] };
    }>(`${base}/jobs/${job.jobId}/exceptions`);
    expect(exceptions['root-exception']).toBeNull();
    expect(exceptions.exceptionHistory.entries).toEqual([]);
    const missing = await fetch(`${base}/jobs/${job.jobId}/vertices/nope/metrics`);
    expect(missing.status).toBe(404);
  });
});
