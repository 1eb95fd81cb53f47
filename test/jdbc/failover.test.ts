import { describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { JdbcSinkWriter } from '../../src/connectors/jdbc/index.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type {
  OperatorContext,
  OperatorStateSnapshot,
  RecordBatch,
  RuntimeConnector,
  StreamOperator,
} from '../../src/runtime/index.js';
import { executeJob } from '../../src/runtime/index.js';
import { useTestDatabase } from '../infra/context.js';
import { jdbcUrl, preparedGids, tableName, useResources } from './helpers.js';

const db = useTestDatabase(import.meta.url);

/** The JDBC sink behind a failpoint: in the first attempt it fails once, after `failAtRow` rows. */
class FailingOnce implements StreamOperator {
  private ctx!: OperatorContext;
  constructor(
    private readonly inner: JdbcSinkWriter,
    private readonly seen: { rows: number; failAtRow: number },
  ) {}
  initializeState(restored: OperatorStateSnapshot | undefined) {
    return this.inner.initializeState(restored);
  }
  open(ctx: OperatorContext) {
    this.ctx = ctx;
    return this.inner.open(ctx);
  }
  processBatch(batch: RecordBatch) {
    this.seen.rows += batch.rows.length;
    if (this.ctx.attemptNumber === 0 && this.seen.rows >= this.seen.failAtRow) {
      throw new Error(`failpoint: jdbc sink fails after ${this.seen.rows} rows`);
    }
    return this.inner.processBatch(batch);
  }
  snapshotState(id: number) {
    return this.inner.snapshotState(id);
  }
  notifyCheckpointComplete(id: number) {
    return this.inner.notifyCheckpointComplete(id);
  }
  notifyCheckpointAborted() {
    return this.inner.notifyCheckpointAborted();
  }
  endInput() {
    return this.inner.endInput();
  }
  close() {
    return this.inner.close();
  }
}

function job(url: string, table: string, end: number, parallelism: number): JobGraph {
  const schema = { fields: [{ name: 'id', type: Types.BIGINT() }] };
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'jdbc-failover',
    config: {
      'execution.checkpointing.interval': '20ms',
      'execution.checkpointing.storage': 'jobmanager',
      'parallelism.default': String(parallelism),
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '1',
      'restart-strategy.fixed-delay.delay': '0 ms',
    },
    vertices: [
      {
        id: 'a'.repeat(32),
        name: 'Source: numbers',
        operator: {
          kind: 'source',
          connector: {
            table: 'numbers',
            connector: 'datagen',
            options: {
              'rows-per-second': '40000',
              'fields.id.kind': 'sequence',
              'fields.id.start': '1',
              'fields.id.end': String(end),
            },
            schema,
          },
        },
      },
      {
        id: 'b'.repeat(32),
        name: 'Sink: out',
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: {
            table: table,
            connector: 'jdbc-failing',
            options: {
              connector: 'jdbc',
              url: jdbcUrl(url),
              'table-name': table,
              'sink.delivery-guarantee': 'exactly-once',
              'sink.buffer-flush.max-rows': '500',
            },
            schema,
          },
        },
      },
    ],
    edges: [{ source: 'a'.repeat(32), target: 'b'.repeat(32), partitioner: 'forward' }],
  };
}

describe('jdbc sink, exactly-once through a failover', () => {
  const res = useResources();

  it.each([1, 2])(
    'writes every row once when the sink fails and the job restarts (parallelism %i)',
    async (parallelism) => {
      const admin = await res.client(db().url);
      const table = tableName('failover');
      // No key: a duplicate would show as a second row, not hide as an upsert.
      await admin.query(`CREATE TABLE ${table} (id bigint)`);
      const seen = { rows: 0, failAtRow: 4_000 };
      const noOutput = { write: () => true, once: () => undefined };
      const connectors = new Map<string, RuntimeConnector>([
        ...builtinConnectors({ stdout: noOutput, stderr: noOutput }).map(
          (c) => [c.runtime.identifier, c.runtime] as const,
        ),
        [
          'jdbc-failing',
          {
            identifier: 'jdbc-failing',
            sink: { createWriter: (spec) => new FailingOnce(new JdbcSinkWriter(spec), seen) },
          },
        ],
      ]);
      const warnings: string[] = [];
      const infos: string[] = [];
      const result = await executeJob(job(db().url, table, 10_000, parallelism), {
        connectors,
        log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m) },
      }).result;
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('FINISHED');
      expect(result.restarts).toBe(1);
      // The failure came after a completed checkpoint, whose transactions the restart had to deal with.
      expect(warnings.some((w) => /failpoint: jdbc sink fails.*from checkpoint \d+/.test(w))).toBe(true);
      const { rows } = await admin.query<{ n: string; distinct: string; min: string; max: string }>(
        `SELECT count(*) AS n, count(DISTINCT id) AS distinct, min(id), max(id) FROM ${table}`,
      );
      expect(rows[0]).toEqual({ n: '10000', distinct: '10000', min: '1', max: '10000' });
      expect(seen.rows).toBeGreaterThan(10_000);
      expect(await preparedGids(admin)).toEqual([]);
    },
  );
});
