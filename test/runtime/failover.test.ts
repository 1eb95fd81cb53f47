import { describe, expect, it } from 'vitest';
import { WeirError } from '../../src/common/errors.js';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type { OperatorContext, RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob } from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink, committedRows } from '../helpers/committing-sink.js';

function job(end: number, config: Record<string, string>): JobGraph {
  const schema = { fields: [{ name: 'id', type: Types.BIGINT() }] };
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'failover',
    config,
    vertices: [
      {
        id: '1'.repeat(32),
        name: 'source',
        operator: {
          kind: 'source',
          connector: {
            table: 'numbers',
            connector: 'datagen',
            options: {
              'rows-per-second': '20000',
              'fields.id.kind': 'sequence',
              'fields.id.start': '1',
              'fields.id.end': String(end),
            },
            schema,
          },
        },
      },
      {
        id: '2'.repeat(32),
        name: 'sink',
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: 'test-2pc', options: {}, schema },
        },
      },
    ],
    edges: [{ source: '1'.repeat(32), target: '2'.repeat(32), partitioner: 'forward' }],
  };
}

describe('failover', () => {
  it('restarts from the latest checkpoint and a 2PC sink commits every row exactly once', async () => {
    const committed: CommittedStore = new Map();
    const seen = { count: 0 };
    const failWhen = (_row: unknown[], ctx: OperatorContext) =>
      ++seen.count === 3_000 && ctx.attemptNumber === 0;
    const noOutput = { write: () => true, once: () => undefined };
    const connectors = new Map<string, RuntimeConnector>([
      ...builtinConnectors({ stdout: noOutput, stderr: noOutput }).map(
        (c) => [c.runtime.identifier, c.runtime] as const,
      ),
      [
        'test-2pc',
        {
          identifier: 'test-2pc',
          sink: {
            createWriter: () => new CommittingSink(committed, { failWhen }),
          },
        },
      ],
    ]);
    const warnings: string[] = [];
    const client = executeJob(
      job(6_000, {
        'execution.checkpointing.interval': '10ms',
        'execution.checkpointing.storage': 'jobmanager',
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '1',
        'restart-strategy.fixed-delay.delay': '0 ms',
      }),
      { connectors, log: { info: () => {}, warn: (m) => warnings.push(m) } },
    );
    const result = await client.result;
    expect(result.status).toBe('FINISHED');
    expect(result.restarts).toBe(1);
    expect(warnings.some((w) => /failpoint at row \[3000\].*Restarting in 0 ms \(fixed-delay/.test(w))).toBe(
      true,
    );
    const rows = committedRows(committed).map((r) => r[0] as number);
    expect(rows).toEqual(Array.from({ length: 6_000 }, (_, i) => i + 1));
    // The sink saw more than 6000 rows: what came after the last checkpoint was replayed.
    expect(seen.count).toBeGreaterThan(6_000);
  });

  it('does not restart a job whose error is in its definition (a user error)', async () => {
    const connectors = new Map<string, RuntimeConnector>([
      ...builtinConnectors({
        stdout: { write: () => true, once: () => undefined },
        stderr: { write: () => true, once: () => undefined },
      }).map((c) => [c.runtime.identifier, c.runtime] as const),
      [
        'test-2pc',
        {
          identifier: 'test-2pc',
          sink: {
            createWriter: () => ({
              open: () => {},
              processBatch: () => {
                throw new WeirError('TEST_BAD_SCHEMA', 'this sink cannot take these rows');
              },
            }),
          },
        },
      ],
    ]);
    const warnings: string[] = [];
    const result = await executeJob(
      job(100, {
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.attempts': '5',
        'restart-strategy.fixed-delay.delay': '0 ms',
      }),
      { connectors, log: { info: () => {}, warn: (m) => warnings.push(m) } },
    ).result;
    expect(result.status).toBe('FAILED');
    expect(result.restarts).toBe(0);
    expect(result.error?.message).toBe('this sink cannot take these rows');
    expect(warnings.some((w) => /not restarted: the error is in the job's definition/.test(w))).toBe(true);
  });

  it('fails the job when the restart strategy gives up', async () => {
    const connectors = new Map<string, RuntimeConnector>([
      ...builtinConnectors({
        stdout: { write: () => true, once: () => undefined },
        stderr: { write: () => true, once: () => undefined },
      }).map((c) => [c.runtime.identifier, c.runtime] as const),
      [
        'test-2pc',
        {
          identifier: 'test-2pc',
          sink: { createWriter: () => new CommittingSink(new Map(), { failWhen: (row) => row[0] === 10 }) },
        },
      ],
    ]);
    const result = await executeJob(job(100, { 'restart-strategy.type': 'none' }), {
      connectors,
      log: { info: () => {}, warn: () => {} },
    }).result;
    expect(result.status).toBe('FAILED');
    expect(result.error?.message).toBe('failpoint at row [10]');
    expect(result.restarts).toBe(0);
  });
});
