import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type {
  OperatorContext,
  RecordBatch,
  RuntimeConnector,
  StreamOperator,
} from '../../src/runtime/index.js';
import { executeJob, loadCheckpointMetadata } from '../../src/runtime/index.js';
import { waitFor } from '../helpers/wait.js';

interface KeyResult {
  readonly subtask: number;
  readonly key: unknown;
  readonly ids: readonly number[];
}

/** A keyed sink: per key (field 1) the list of ids (field 0) it received, kept in keyed state. */
class KeyedListSink implements StreamOperator {
  private ctx!: OperatorContext;
  constructor(
    private readonly results: KeyResult[],
    private readonly failOnce: { remaining: number; atId: number },
  ) {}
  open(ctx: OperatorContext) {
    this.ctx = ctx;
  }
  processBatch(batch: RecordBatch) {
    const backend = this.ctx.keyedStateBackend!;
    const ids = backend.getListState<number>('ids');
    for (const row of batch.rows) {
      if (this.failOnce.remaining > 0 && row[0] === this.failOnce.atId) {
        this.failOnce.remaining--;
        throw new Error(`failpoint at id ${row[0]}`);
      }
      backend.setCurrentKey([row[1]]);
      ids.add(row[0] as number);
    }
  }
  endInput() {
    const backend = this.ctx.keyedStateBackend!;
    const ids = backend.getListState<number>('ids');
    backend.forEachKey('ids', (key) =>
      this.results.push({ subtask: this.ctx.subtaskIndex, key: key[0], ids: [...ids.get()] }),
    );
  }
}

function job(sinkParallelism: number, end: number, rate: number, config: Record<string, string>): JobGraph {
  const schema = {
    fields: [
      { name: 'id', type: Types.BIGINT() },
      { name: 'k', type: Types.INT() },
    ],
  };
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'keyed',
    config,
    vertices: [
      {
        id: 'f'.repeat(32),
        name: 'source',
        parallelism: 2,
        operator: {
          kind: 'source',
          connector: {
            table: 'events',
            connector: 'datagen',
            options: {
              'rows-per-second': String(rate),
              'fields.id.kind': 'sequence',
              'fields.id.start': '1',
              'fields.id.end': String(end),
              'fields.k.min': '1',
              'fields.k.max': '25',
            },
            schema,
          },
        },
      },
      {
        id: 'e'.repeat(32),
        name: 'keyed sink',
        parallelism: sinkParallelism,
        keyed: { fields: [1] },
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: 'keyed', options: {}, schema },
        },
      },
    ],
    edges: [{ source: 'f'.repeat(32), target: 'e'.repeat(32), partitioner: 'hash', keys: [1] }],
  };
}

function connectors(
  results: KeyResult[],
  failOnce = { remaining: 0, atId: -1 },
): Map<string, RuntimeConnector> {
  const quiet = { write: () => true, once: () => undefined };
  return new Map<string, RuntimeConnector>([
    ...builtinConnectors({ stdout: quiet, stderr: quiet }).map(
      (c) => [c.runtime.identifier, c.runtime] as const,
    ),
    ['keyed', { identifier: 'keyed', sink: { createWriter: () => new KeyedListSink(results, failOnce) } }],
  ]);
}

function expectEveryIdOnceUnderOneKeyOwner(results: readonly KeyResult[], end: number) {
  const keys = results.map((r) => r.key);
  expect(new Set(keys).size).toBe(keys.length); // no key's state is split over two subtasks
  const ids = results.flatMap((r) => r.ids).sort((a, b) => a - b);
  expect(ids).toEqual(Array.from({ length: end }, (_, i) => i + 1));
}

const log = { info: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('keyed state', () => {
  it('survives a failover exactly once', async () => {
    const results: KeyResult[] = [];
    const result = await executeJob(
      job(3, 20_000, 50_000, {
        'execution.checkpointing.interval': '5ms',
        'execution.checkpointing.storage': 'jobmanager',
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.delay': '0 ms',
      }),
      { connectors: connectors(results, { remaining: 1, atId: 15_000 }), log },
    ).result;
    expect(result.restarts).toBe(1);
    expectEveryIdOnceUnderOneKeyOwner(results, 20_000);
  });

  it('re-splits by key group when restored at another parallelism', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-keyed-'));
    dirs.push(dir);
    const config = { 'execution.checkpointing.interval': '10ms', 'state.checkpoints.dir': dir };
    const first = executeJob(job(2, 6_000, 3_000, config), { connectors: connectors([]), log });
    await waitFor(() => first.coordinator.statistics.filter((s) => s.status === 'COMPLETED').length >= 3, {
      what: 'three checkpoints',
    });
    const { retainedCheckpoints } = await first.cancel();
    const metadata = await loadCheckpointMetadata(retainedCheckpoints.at(-1)!.location);
    expect(Object.keys(metadata.operators['e'.repeat(32)].keyedState ?? {}).length).toBeGreaterThan(0);

    const results: KeyResult[] = [];
    const resumed = await executeJob(job(3, 6_000, 100_000, config), {
      connectors: connectors(results),
      log,
      restoreFrom: metadata,
    }).result;
    expect(resumed.status).toBe('FINISHED');
    expect(new Set(results.map((r) => r.subtask)).size).toBe(3);
    expectEveryIdOnceUnderOneKeyOwner(results, 6_000);
  });

  it('refuses to restore keyed state into a different max parallelism', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-keyed-'));
    dirs.push(dir);
    const config = { 'execution.checkpointing.interval': '10ms', 'state.checkpoints.dir': dir };
    const first = executeJob(job(2, 100_000, 2_000, config), { connectors: connectors([]), log });
    await waitFor(() => first.coordinator.latestCompleted, { what: 'a checkpoint' });
    const metadata = await loadCheckpointMetadata(
      (await first.cancel()).retainedCheckpoints.at(-1)!.location,
    );
    expect(() =>
      executeJob(job(2, 100_000, 2_000, { ...config, 'pipeline.max-parallelism': '256' }), {
        connectors: connectors([]),
        log,
        restoreFrom: metadata,
      }),
    ).toThrow(/max parallelism 128, but the job now has 256/);
  });
});
