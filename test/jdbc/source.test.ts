import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { JdbcSourceReader } from '../../src/connectors/jdbc/index.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type { OperatorStateSnapshot, RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob } from '../../src/runtime/index.js';
import { runWeir } from '../helpers/cli.js';
import { useTestDatabase } from '../infra/context.js';
import { jdbcUrl, operatorContext, sinkSpec, tableName, useResources } from './helpers.js';

const db = useTestDatabase(import.meta.url);
const FIELDS: [string, ReturnType<typeof Types.BIGINT>][] = [
  ['id', Types.BIGINT(false)],
  ['amount', Types.DECIMAL(12, 2)],
];

async function fill(admin: { query: (sql: string) => Promise<unknown> }, table: string, n: number) {
  await admin.query(`CREATE TABLE ${table} (id bigint PRIMARY KEY, amount numeric(12, 2))`);
  await admin.query(`INSERT INTO ${table} SELECT g, g / 100.0 FROM generate_series(1, ${n}) AS g`);
}

async function readAll(reader: JdbcSourceReader, limit = Number.POSITIVE_INFINITY): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  const output = { emit: (b: { rows: unknown[][] }) => void rows.push(...b.rows), emitWatermark: () => {} };
  for (let polls = 0; polls < limit; polls++) {
    if ((await reader.poll(output)).status === 'end') break;
  }
  return rows;
}

describe('jdbc scan source', () => {
  const res = useResources();

  it('reads the table in fetch-size batches and resumes exactly at its checkpointed position', async () => {
    const admin = await res.client(db().url);
    const table = tableName('scanned');
    await fill(admin, table, 95);
    const spec = sinkSpec(db().url, table, FIELDS, { 'scan.fetch-size': '10' }, ['id']);

    const first = new JdbcSourceReader(spec);
    first.initializeState(undefined);
    await first.open(operatorContext());
    const before = await readAll(first, 3);
    expect(before).toHaveLength(30);
    expect(before[0]).toEqual([1, 1n]);
    const snapshot: OperatorStateSnapshot = first.snapshotState();
    expect(snapshot['jdbc-splits']).toEqual([{ index: 0, rows: 30, done: false }]);
    await first.close();

    const resumed = new JdbcSourceReader(spec);
    resumed.initializeState(snapshot);
    await resumed.open(operatorContext());
    const after = await readAll(resumed);
    await resumed.close();
    expect([...before, ...after].map((r) => r[0])).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
    expect(after.at(-1)).toEqual([95, 95n]);
  });

  it('splits scan.partition ranges across subtasks, parameterized, and copies a table with parallelism 2', async () => {
    const admin = await res.client(db().url);
    const from = tableName('origin');
    const to = tableName('copy');
    await fill(admin, from, 1000);
    await admin.query(`CREATE TABLE ${to} (id bigint, amount numeric(12, 2))`);
    const schema = { fields: FIELDS.map(([name, type]) => ({ name, type })) };
    const url = jdbcUrl(db().url);
    const job: JobGraph = {
      version: JOB_GRAPH_VERSION,
      jobName: 'jdbc-copy',
      config: {
        'parallelism.default': '2',
        'execution.checkpointing.interval': '20ms',
        'execution.checkpointing.storage': 'jobmanager',
      },
      vertices: [
        {
          id: 'c'.repeat(32),
          name: 'Source: origin',
          operator: {
            kind: 'source',
            connector: {
              table: from,
              connector: 'jdbc',
              options: {
                url,
                'table-name': from,
                'scan.partition.column': 'id',
                'scan.partition.num': '5',
                'scan.partition.lower-bound': '1',
                // Rows above the upper bound are not read, as in Flink.
                'scan.partition.upper-bound': '900',
                'scan.fetch-size': '64',
              },
              schema,
            },
          },
        },
        {
          id: 'd'.repeat(32),
          name: 'Sink: copy',
          operator: {
            kind: 'sink',
            inputChangelogMode: 'insert-only',
            connector: {
              table: to,
              connector: 'jdbc',
              options: { url, 'table-name': to, 'sink.delivery-guarantee': 'exactly-once' },
              schema,
            },
          },
        },
      ],
      edges: [{ source: 'c'.repeat(32), target: 'd'.repeat(32), partitioner: 'forward' }],
    };
    const noOutput = { write: () => true, once: () => undefined };
    const connectors = new Map<string, RuntimeConnector>(
      builtinConnectors({ stdout: noOutput, stderr: noOutput }).map(
        (c) => [c.runtime.identifier, c.runtime] as const,
      ),
    );
    const result = await executeJob(job, { connectors, log: { info: () => {}, warn: () => {} } }).result;
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('FINISHED');
    const { rows } = await admin.query(
      `SELECT count(*) AS n, count(DISTINCT id) AS distinct, min(id), max(id), sum(amount)::text AS total FROM ${to}`,
    );
    expect(rows[0]).toEqual({ n: '900', distinct: '900', min: '1', max: '900', total: '4054.50' });
  });

  it('reports incomplete scan.partition options', async () => {
    const spec = sinkSpec(db().url, 'whatever', FIELDS, { 'scan.partition.column': 'id' });
    const reader = new JdbcSourceReader(spec);
    await expect(Promise.resolve(reader.open(operatorContext()))).rejects.toMatchObject({
      code: 'JDBC_INCOMPLETE_PARTITION_OPTIONS',
    });
  });

  it('runs through the CLI: jdbc source to print, a bounded job that finishes', async () => {
    const admin = await res.client(db().url);
    const table = tableName('printed');
    await fill(admin, table, 5);
    const dir = await mkdtemp(join(tmpdir(), 'weir-jdbc-print-'));
    try {
      const file = join(dir, 'job.sql');
      await writeFile(
        file,
        `CREATE TABLE payments (id BIGINT, amount DECIMAL(12, 2)) WITH (
           'connector' = 'jdbc', 'url' = '${jdbcUrl(db().url)}', 'table-name' = '${table}',
           'username' = 'postgres', 'password' = 'not-a-real-secret', 'driver' = 'org.postgresql.Driver');
         CREATE TABLE out (id BIGINT, amount DECIMAL(12, 2)) WITH ('connector' = 'print');
         INSERT INTO out SELECT id, amount FROM payments WHERE amount > 0.02;`,
      );
      const { code, stdout, stderr } = await runWeir(['run', '-f', file]);
      expect(stderr).not.toContain('not-a-real-secret');
      expect(code).toBe(0);
      expect(stdout.trim().split('\n').sort()).toEqual(['+I[3, 0.03]', '+I[4, 0.04]', '+I[5, 0.05]']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
