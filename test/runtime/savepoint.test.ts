import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import type { RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob, loadCheckpointMetadata } from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink, committedRows } from '../helpers/committing-sink.js';
import { waitFor } from '../helpers/wait.js';

function job(sinkParallelism: number, rate: number, config: Record<string, string>): JobGraph {
  const schema = { fields: [{ name: 'id', type: Types.BIGINT() }] };
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'savepoints',
    config,
    vertices: [
      {
        id: 'a'.repeat(32),
        name: 'source',
        parallelism: 2,
        operator: {
          kind: 'source',
          connector: {
            table: 'numbers',
            connector: 'datagen',
            options: {
              'rows-per-second': String(rate),
              'fields.id.kind': 'sequence',
              'fields.id.start': '1',
              'fields.id.end': '5000',
            },
            schema,
          },
        },
      },
      {
        id: 'b'.repeat(32),
        name: 'sink',
        parallelism: sinkParallelism,
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: 'commit', options: {}, schema },
        },
      },
    ],
    edges: [{ source: 'a'.repeat(32), target: 'b'.repeat(32), partitioner: 'hash', keys: [0] }],
  };
}

function connectors(committed: CommittedStore): Map<string, RuntimeConnector> {
  const quiet = { write: () => true, once: () => undefined };
  return new Map<string, RuntimeConnector>([
    ...builtinConnectors({ stdout: quiet, stderr: quiet }).map(
      (c) => [c.runtime.identifier, c.runtime] as const,
    ),
    ['commit', { identifier: 'commit', sink: { createWriter: () => new CommittingSink(committed) } }],
  ]);
}

const log = { info: () => {}, warn: () => {} };
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const tempDir = async () => {
  const d = await mkdtemp(join(tmpdir(), 'weir-savepoint-'));
  dirs.push(d);
  return d;
};
const ids = (committed: CommittedStore) =>
  committedRows(committed)
    .map((r) => r[0] as number)
    .sort((a, b) => a - b);

describe('savepoints', () => {
  it('stop-with-savepoint commits what was written, and the savepoint, moved elsewhere, resumes at another parallelism exactly once', async () => {
    const dir = await tempDir();
    const config = { 'execution.checkpointing.interval': '50ms', 'state.checkpoints.dir': join(dir, 'ck') };
    const committed: CommittedStore = new Map();
    const first = executeJob(job(3, 2_000, config), { connectors: connectors(committed), log });
    await waitFor(() => first.coordinator.latestCompleted, { what: 'a checkpoint' });
    const { savepoint, result } = await first.stop({ savepointDirectory: join(dir, 'savepoints') });
    expect(result.status).toBe('FINISHED');
    expect(savepoint).toMatch(new RegExp(`savepoints/savepoint-${first.jobId.slice(0, 6)}-[0-9a-f]{12}$`));
    // Everything read before the stop is committed: stop-with-savepoint commits on the savepoint.
    const beforeStop = ids(committed);
    const metadata = await loadCheckpointMetadata(savepoint!);
    expect(metadata.kind).toBe('savepoint');
    const positions = metadata.operators['a'.repeat(32)].subtasks.map(
      (s) => (s['datagen-splits'][0] as { emitted: number }).emitted,
    );
    expect(beforeStop).toHaveLength(positions[0] + positions[1]);

    // A savepoint is self-contained: a copy in another folder restores.
    const moved = join(dir, 'elsewhere');
    await cp(savepoint!, moved, { recursive: true });
    const second = executeJob(job(1, 100_000, config), {
      connectors: connectors(committed),
      log,
      restoreFrom: await loadCheckpointMetadata(moved),
    });
    expect((await second.result).status).toBe('FINISHED');
    expect(ids(committed)).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1));
  });

  it('a savepoint taken while running leaves the job running, and is kept when the job ends', async () => {
    const dir = await tempDir();
    const committed: CommittedStore = new Map();
    const client = executeJob(
      job(2, 1_000, { 'execution.checkpointing.interval': '1h', 'state.savepoints.dir': dir }),
      {
        connectors: connectors(committed),
        log,
      },
    );
    const location = await client.triggerSavepoint();
    expect(client.status).toBe('RUNNING');
    expect(location.startsWith(dir)).toBe(true);
    expect(client.coordinator.statistics.at(-1)).toMatchObject({ isSavepoint: true, status: 'COMPLETED' });
    await client.cancel();
    expect(await readdir(location)).toEqual(['_metadata']);
  });

  it('stop --drain ends the input before the savepoint and finishes the job', async () => {
    const dir = await tempDir();
    const committed: CommittedStore = new Map();
    const client = executeJob(job(2, 1_000, { 'state.savepoints.dir': dir }), {
      connectors: connectors(committed),
      log,
    });
    const { savepoint, result } = await client.stop({ drain: true });
    expect(result.status).toBe('FINISHED');
    expect((await loadCheckpointMetadata(savepoint!)).kind).toBe('savepoint');
  });
});
