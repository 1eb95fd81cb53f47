import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph, type Partitioner } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type { RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob, loadCheckpointMetadata } from '../../src/runtime/index.js';
import {
  assignToKeyGroup,
  hashFields,
  operatorIndexForKeyGroup,
} from '../../src/runtime/state/key-groups.js';
import { CHANNEL_STATE } from '../../src/runtime/task/stream-task.js';
import {
  type CommittedStore,
  CommittingSink,
  type CommittingSinkOptions,
  failOnce,
} from '../helpers/committing-sink.js';
import { waitFor } from '../helpers/wait.js';

function job(partitioner: Partitioner, config: Record<string, string>, sinkParallelism = 3): JobGraph {
  const schema = { fields: [{ name: 'id', type: Types.BIGINT() }] };
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'exchange',
    config,
    vertices: [
      {
        id: 's'.repeat(32),
        name: 'source',
        parallelism: 2,
        operator: {
          kind: 'source',
          connector: {
            table: 'numbers',
            connector: 'datagen',
            options: {
              'rows-per-second': '50000',
              'fields.id.kind': 'sequence',
              'fields.id.start': '1',
              'fields.id.end': '20000',
            },
            schema,
          },
        },
      },
      {
        id: 'k'.repeat(32),
        name: 'sink',
        parallelism: sinkParallelism,
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: 'collect', options: {}, schema },
        },
      },
    ],
    edges: [
      {
        source: 's'.repeat(32),
        target: 'k'.repeat(32),
        partitioner,
        keys: partitioner === 'hash' ? [0] : undefined,
      },
    ],
  };
}

/** The built-in connectors and `collect`, a two-phase-commit sink into `committed`. */
function connectorsInto(
  committed: CommittedStore,
  failWhen: CommittingSinkOptions['failWhen'],
): Map<string, RuntimeConnector> {
  const quiet = { write: () => true, once: () => undefined };
  return new Map<string, RuntimeConnector>([
    ...builtinConnectors({ stdout: quiet, stderr: quiet }).map(
      (c) => [c.runtime.identifier, c.runtime] as const,
    ),
    [
      'collect',
      { identifier: 'collect', sink: { createWriter: () => new CommittingSink(committed, { failWhen }) } },
    ],
  ]);
}

async function run(
  partitioner: Partitioner,
  mode: string,
  failAtRow?: number,
  extra: Record<string, string> = {},
) {
  const committed: CommittedStore = new Map();
  const connectors = connectorsInto(
    committed,
    failOnce((row) => row[0] === failAtRow),
  );
  const result = await executeJob(
    job(partitioner, {
      'execution.checkpointing.interval': '5ms',
      'execution.checkpointing.mode': mode,
      'execution.checkpointing.storage': 'jobmanager',
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.delay': '0 ms',
      ...extra,
    }),
    { connectors, log: { info: () => {}, warn: () => {} } },
  ).result;
  const entries = [...committed.values()].map((t) => ({
    subtask: t.subtask,
    rows: t.changes.map(([, row]) => row),
  }));
  return { result, entries, ids: entries.flatMap((e) => e.rows.map((r) => r[0] as number)) };
}

const all = Array.from({ length: 20_000 }, (_, i) => i + 1);

describe('network exchanges between parallel tasks', () => {
  it('hash partitioning sends every key to the subtask owning its key group', async () => {
    const { result, entries, ids } = await run('hash', 'EXACTLY_ONCE');
    expect(result.status).toBe('FINISHED');
    expect([...ids].sort((a, b) => a - b)).toEqual(all);
    for (const { subtask, rows } of entries) {
      for (const row of rows)
        expect(operatorIndexForKeyGroup(128, 3, assignToKeyGroup(hashFields(row, [0]), 128))).toBe(subtask);
    }
  });

  it('rebalance spreads rows over every subtask', async () => {
    const { entries, ids } = await run('rebalance', 'EXACTLY_ONCE');
    expect([...ids].sort((a, b) => a - b)).toEqual(all);
    expect(new Set(entries.filter((e) => e.rows.length > 0).map((e) => e.subtask))).toEqual(
      new Set([0, 1, 2]),
    );
  });

  it('EXACTLY_ONCE with aligned barriers: after a failure every row is committed exactly once', async () => {
    const { result, ids } = await run('hash', 'EXACTLY_ONCE', 12_345);
    expect(result.restarts).toBe(1);
    expect([...ids].sort((a, b) => a - b)).toEqual(all);
  });

  it('EXACTLY_ONCE with unaligned checkpoints: in-flight records are restored, every row committed exactly once', async () => {
    const { result, ids } = await run('hash', 'EXACTLY_ONCE', 12_345, {
      'execution.checkpointing.unaligned.enabled': 'true',
    });
    expect(result.restarts).toBe(1);
    expect([...ids].sort((a, b) => a - b)).toEqual(all);
  });

  it('EXACTLY_ONCE aligned with a 1 ms alignment timeout (switching to unaligned): exactly once', async () => {
    const { result, ids } = await run('hash', 'EXACTLY_ONCE', 12_345, {
      'execution.checkpointing.unaligned.enabled': 'true',
      'execution.checkpointing.aligned-checkpoint-timeout': '1 ms',
    });
    expect(result.restarts).toBe(1);
    expect([...ids].sort((a, b) => a - b)).toEqual(all);
  });

  it('EXACTLY_ONCE unaligned: in-flight records restore at another parallelism, each to the subtask owning its key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-unaligned-rescale-'));
    try {
      const committed: CommittedStore = new Map();
      let slow = true;
      // A sink much slower than its source: the exchange stays full for seconds, so unaligned
      // barriers overtake records and every checkpoint until the cancel holds some (a sink that
      // drained the exchange first could leave a later, empty checkpoint as the latest).
      const connectors = connectorsInto(committed, () => {
        if (slow) for (const end = performance.now() + 0.25; performance.now() < end; );
        return false;
      });
      const config = {
        'execution.checkpointing.interval': '20ms',
        'execution.checkpointing.unaligned.enabled': 'true',
        'execution.checkpointing.dir': `file://${dir}`,
        'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
      };
      const log = { info: () => {}, warn: () => {} };
      const first = executeJob(job('hash', config, 3), { connectors, log });
      const sinkId = 'k'.repeat(32);
      const inFlight = (meta: Awaited<ReturnType<typeof loadCheckpointMetadata>>) =>
        meta.operators[sinkId].subtasks.reduce((n, s) => n + (s[CHANNEL_STATE]?.length ?? 0), 0);
      await waitFor(
        async () => {
          const latest = first.coordinator.latestCompleted;
          return latest && inFlight(await loadCheckpointMetadata(latest.location)) > 0;
        },
        { what: 'a checkpoint holding in-flight records' },
      );
      const cancelled = await first.cancel();
      const checkpoint = await loadCheckpointMetadata(cancelled.retainedCheckpoints.at(-1)!.location);
      // The retained (latest) checkpoint may be a later one: it must hold in-flight records too.
      expect(inFlight(checkpoint)).toBeGreaterThan(0);
      const before = new Set(committed.keys());

      slow = false;
      const second = await executeJob(job('hash', config, 2), { connectors, log, restoreFrom: checkpoint })
        .result;
      expect(second.status).toBe('FINISHED');
      const ids = [...committed.values()].flatMap((t) => t.changes.map(([, row]) => row[0] as number));
      expect([...ids].sort((a, b) => a - b)).toEqual(all);
      for (const [txn, { subtask, changes }] of committed) {
        if (before.has(txn) || txn.startsWith(first.jobId)) continue;
        for (const [, row] of changes) {
          expect(operatorIndexForKeyGroup(128, 2, assignToKeyGroup(hashFields(row, [0]), 128))).toBe(subtask);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('AT_LEAST_ONCE: after a failure every row is committed at least once', async () => {
    const { result, ids } = await run('hash', 'AT_LEAST_ONCE', 12_345);
    expect(result.restarts).toBe(1);
    expect(new Set(ids)).toEqual(new Set(all));
  });
});
