import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type { OperatorContext, RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob, RestServer } from '../../src/runtime/index.js';
import { waitFor } from '../helpers/wait.js';
import { startJobWithRest } from './helpers.js';

const SCRIPT = `
SET 'parallelism.default' = '2';
SET 'execution.checkpointing.interval' = '200ms';
SET 'execution.checkpointing.storage' = 'jobmanager';
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

async function startJob(script = SCRIPT) {
  const started = await startJobWithRest(script);
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

  it('counts serialized bytes where records cross tasks, and the bytes a source reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-bytes-'));
    cleanup.push(async () => rmSync(dir, { recursive: true, force: true }));
    // Two files, one per source subtask; tags of one character, so every row crossing the
    // exchange is a BinaryRowData of two fixed slots: 8 (null bits) + 2 * 8 bytes, plus 9 of framing.
    const lines = (from: number) =>
      Array.from({ length: 500 }, (_, i) => `${from + i},${'abc'[i % 3]}\n`).join('');
    writeFileSync(join(dir, 'a.csv'), lines(0));
    writeFileSync(join(dir, 'b.csv'), lines(500));
    const fileBytes = statSync(join(dir, 'a.csv')).size + statSync(join(dir, 'b.csv')).size;
    const { job, base } = await startJob(`
SET 'parallelism.default' = '2';
CREATE TABLE src (id BIGINT, tag STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv');
CREATE TABLE out (tag STRING, total BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO out SELECT tag, SUM(id) FROM src WHERE id >= 0 GROUP BY tag;
`);
    await job.result;
    const details = await get<Details>(`${base}/jobs/${job.jobId}`);
    const vertex = (prefix: string) => details.vertices.find((v) => v.name.startsWith(prefix))!;
    const source = vertex('TableSourceScan');
    const calc = vertex('Calc');
    const aggregate = vertex('GroupAggregate');
    const sink = vertex('Sink');
    // Source and filter are one task, aggregate and sink another: bytes only between the two.
    expect(details.chains.map((c) => c.operators)).toEqual([
      [source.id, calc.id],
      [aggregate.id, sink.id],
    ]);
    expect(calc.metrics['write-records']).toBe(1000);
    expect(calc.metrics['write-bytes']).toBe(1000 * (9 + 8 + 2 * 8));
    expect(aggregate.metrics['read-bytes']).toBe(calc.metrics['write-bytes']);
    for (const v of [source, sink]) {
      expect(v.metrics['read-bytes'], v.name).toBe(0);
      expect(v.metrics['write-bytes'], v.name).toBe(0);
    }
    expect(calc.metrics['read-bytes']).toBe(0);
    expect(aggregate.metrics['write-bytes']).toBe(0);

    // Per subtask under Flink's names: the source operator's numBytesIn is the file bytes it read.
    const metric = async (v: Vertex, name: string) => {
      const values = await get<{ id: string; value: string }[]>(
        `${base}/jobs/${job.jobId}/vertices/${v.id}/metrics?get=0.${name},1.${name}`,
      );
      expect(values.map((m) => m.id)).toEqual([`0.${name}`, `1.${name}`]);
      return values.reduce((sum, m) => sum + Number(m.value), 0);
    };
    expect(await metric(source, 'numBytesIn')).toBe(fileBytes);
    expect(await metric(calc, 'numBytesOut')).toBe(calc.metrics['write-bytes']);
    expect(await metric(aggregate, 'numBytesIn')).toBe(calc.metrics['write-bytes']);
    expect(await metric(sink, 'numBytesOut')).toBe(0);
    const rates = await metric(calc, 'numBytesOutPerSecond');
    expect(rates).toBeGreaterThanOrEqual(0);
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

  it('records a failure in the exception history and counts the restart', async () => {
    const schema = { fields: [{ name: 'id', type: Types.BIGINT() }] };
    const graph: JobGraph = {
      version: JOB_GRAPH_VERSION,
      jobName: 'failing',
      config: {
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '1',
        'restart-strategy.fixed-delay.delay': '0 ms',
      },
      vertices: [
        {
          id: '1'.repeat(32),
          name: 'source',
          operator: {
            kind: 'source',
            connector: { table: 'n', connector: 'datagen', options: { 'rows-per-second': '5000' }, schema },
          },
        },
        {
          id: '2'.repeat(32),
          name: 'sink',
          operator: {
            kind: 'sink',
            inputChangelogMode: 'insert-only',
            connector: { table: 'out', connector: 'failing', options: {}, schema },
          },
        },
      ],
      edges: [{ source: '1'.repeat(32), target: '2'.repeat(32), partitioner: 'forward' }],
    };
    const quiet = { write: () => true, once: () => undefined };
    let seen = 0;
    const failing: RuntimeConnector = {
      identifier: 'failing',
      sink: {
        createWriter: () => {
          let ctx: OperatorContext;
          return {
            open: (c: OperatorContext) => {
              ctx = c;
            },
            processBatch: (batch: { rows: unknown[][] }) => {
              seen += batch.rows.length;
              if (seen > 200 && ctx.attemptNumber === 0) throw new Error('the sink failed on purpose');
            },
          };
        },
      },
    };
    const connectors = new Map<string, RuntimeConnector>([
      ...builtinConnectors({ stdout: quiet, stderr: quiet }).map(
        (c) => [c.runtime.identifier, c.runtime] as const,
      ),
      ['failing', failing],
    ]);
    const job = executeJob(graph, { connectors, log: { info: () => {}, warn: () => {} } });
    const server = new RestServer();
    server.register(job, graph);
    const base = await server.listen(0, '127.0.0.1');
    cleanup.push(
      () => server.close(0),
      () => job.cancel(),
    );
    const details = await waitFor(
      async () => {
        const d = await get<{ restarts: number; vertices: Vertex[] }>(`${base}/jobs/${job.jobId}`);
        // Records flow again in the second attempt.
        return d.restarts === 1 && d.vertices[1].metrics['read-records'] > 0 && d;
      },
      { what: 'a restart and records after it' },
    );
    expect(details.restarts).toBe(1);
    const exceptions = await get<{
      'root-exception': string;
      timestamp: number;
      exceptionHistory: { entries: { exceptionName: string; stacktrace: string; timestamp: number }[] };
    }>(`${base}/jobs/${job.jobId}/exceptions`);
    expect(exceptions['root-exception']).toContain('the sink failed on purpose');
    expect(exceptions.exceptionHistory.entries).toHaveLength(1);
    expect(exceptions.exceptionHistory.entries[0].exceptionName).toBe('Error');
    expect(exceptions.exceptionHistory.entries[0].timestamp).toBe(exceptions.timestamp);
    const [restarts] = await get<{ value: string }[]>(`${base}/jobs/${job.jobId}/metrics?get=numRestarts`);
    expect(restarts.value).toBe('1');
  });
});
