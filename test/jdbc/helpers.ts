import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterEach } from 'vitest';
import { Configuration } from '../../src/common/config.js';
import type { ConnectorSpec } from '../../src/common/jobgraph.js';
import type { LogicalType } from '../../src/common/types.js';
import type { OperatorContext, RecordBatch, StreamOperator } from '../../src/runtime/index.js';

/** A JDBC url as a Flink user writes it, for a test database's postgres:// url. */
export function jdbcUrl(postgresUrl: string): string {
  return postgresUrl.replace(/^postgres(ql)?:\/\//, 'jdbc:postgresql://');
}

export function sinkSpec(
  url: string,
  table: string,
  fields: readonly [string, LogicalType][],
  options: Record<string, string> = {},
  primaryKey?: readonly string[],
): ConnectorSpec {
  return {
    table: `default_catalog.default_database.${table}`,
    connector: 'jdbc',
    options: { connector: 'jdbc', url: jdbcUrl(url), 'table-name': table, ...options },
    schema: { fields: fields.map(([name, type]) => ({ name, type })) },
    primaryKey,
  };
}

/** An operator context as the runtime gives one, with real processing-time timers. */
export function operatorContext(overrides: Partial<OperatorContext> = {}): OperatorContext & {
  warnings: string[];
  infos: string[];
} {
  const warnings: string[] = [];
  const infos: string[] = [];
  return {
    jobId: randomBytes(16).toString('hex'),
    jobName: 'jdbc-test',
    operatorId: randomBytes(16).toString('hex'),
    operatorName: 'Sink',
    subtaskIndex: 0,
    parallelism: 1,
    maxParallelism: 128,
    attemptNumber: 0,
    config: new Configuration([['execution.checkpointing.interval', '1s']]),
    log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m) },
    processingTimeService: {
      now: () => Date.now(),
      registerTimer: (timestamp, callback) => {
        const t = setTimeout(() => void callback(timestamp), Math.max(0, timestamp - Date.now()));
        return () => clearTimeout(t);
      },
    },
    warnings,
    infos,
    ...overrides,
  };
}

export const noOutput = { emit: () => {}, emitWatermark: () => {} };

export function batch(rows: unknown[][], kinds?: number[]): RecordBatch {
  return kinds ? { rows, kinds: Uint8Array.from(kinds) } : { rows };
}

/** pg clients and operators that a test opens, ended after it whatever happens. */
export function useResources() {
  const clients: pg.Client[] = [];
  const operators: StreamOperator[] = [];
  afterEach(async () => {
    await Promise.all(operators.splice(0).map((o) => Promise.resolve(o.close?.()).catch(() => {})));
    await Promise.all(clients.splice(0).map((c) => c.end().catch(() => {})));
  });
  return {
    async client(url: string): Promise<pg.Client> {
      const client = new pg.Client(url);
      client.on('error', () => {});
      clients.push(client);
      await client.connect();
      return client;
    },
    track<T extends StreamOperator>(op: T): T {
      operators.push(op);
      return op;
    },
  };
}

export async function preparedGids(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ gid: string }>(
    'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid',
  );
  return rows.map((r) => r.gid);
}

/** A table name no other test in the file uses. */
export const tableName = (what: string) => `${what}_${randomBytes(3).toString('hex')}`;
