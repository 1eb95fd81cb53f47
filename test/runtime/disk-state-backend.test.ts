import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/api/session.js';
import type { JobGraph } from '../../src/common/jobgraph.js';
import { RowKind } from '../../src/common/types.js';
import {
  type CheckpointMetadata,
  executeJob,
  type JobClient,
  loadCheckpointMetadata,
  type RuntimeConnector,
} from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink } from '../helpers/committing-sink.js';
import { waitFor } from '../helpers/wait.js';

// A keyed aggregation on the disk-backed backend ('state.backend.type' = 'rocksdb') through the
// whole lifecycle: incremental checkpoints sharing files under shared/, a restore from a retained
// checkpoint after the job was cancelled, native savepoints, and canonical savepoints moving the
// state between the heap and the disk backend. Every chain of runs must end with exactly the
// failure-free result.

const ROWS = 6000;
const KEYS = 700;
const quiet = { write: () => true, once: () => undefined };
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'weir-disk-e2e-'));
  dirs.push(d);
  return d;
}

const SCRIPT = `
CREATE TABLE seq (id BIGINT, k AS id % ${KEYS}) WITH (
  'connector' = 'datagen', 'rows-per-second' = '1500',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}'
);
SELECT k, COUNT(*) AS n, SUM(id) AS total, MAX(id) AS last_id FROM seq GROUP BY k`;

function plan(config: Record<string, string>): { job: JobGraph; connectors: Map<string, RuntimeConnector> } {
  const { session, runtimeConnectors } = createSession(
    [
      ['parallelism.default', config['parallelism.default'] ?? '2'],
      ['execution.checkpointing.min-pause', '0 ms'],
      ['restart-strategy.type', 'none'],
      // A small memtable: the state really goes through sorted run files, flushes and compactions.
      ['state.backend.rocksdb.writebuffer.size', '16 kb'],
      ...Object.entries(config),
    ],
    { stdout: quiet, stderr: quiet },
  );
  let job: JobGraph | undefined;
  for (const statement of session.parseScript(SCRIPT, 'disk.sql')) {
    const result = session.execute(statement);
    if (result.kind === 'job') job = result.jobGraph;
  }
  return { job: job!, connectors: new Map(runtimeConnectors) };
}

function start(
  config: Record<string, string>,
  store: CommittedStore,
  restoreFrom?: CheckpointMetadata,
): JobClient {
  const { job, connectors } = plan(config);
  connectors.set('collect', {
    identifier: 'collect',
    sink: { createWriter: () => new CommittingSink(store) },
  });
  return executeJob(job, { connectors, log: { info: () => {}, warn: () => {} }, restoreFrom });
}

/** The committed changelog applied in checkpoint order: the final table, one string per row. */
function finalTable(store: CommittedStore): string[] {
  const txns = [...store].sort(
    ([a], [b]) => Number(a.slice(a.lastIndexOf('-') + 1)) - Number(b.slice(b.lastIndexOf('-') + 1)),
  );
  const rows = new Map<string, number>();
  for (const [, t] of txns) {
    for (const [kind, row] of t.changes) {
      const text = JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? `${v}` : v));
      const delta = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER ? 1 : -1;
      const n = (rows.get(text) ?? 0) + delta;
      if (n < 0) throw new Error(`retraction of a row the table does not hold: ${text}`);
      if (n === 0) rows.delete(text);
      else rows.set(text, n);
    }
  }
  return [...rows.keys()].sort();
}

function expectedTable(): string[] {
  const byKey = new Map<number, { n: number; total: number; last: number }>();
  for (let id = 1; id <= ROWS; id++) {
    const a = byKey.get(id % KEYS) ?? { n: 0, total: 0, last: 0 };
    byKey.set(id % KEYS, { n: a.n + 1, total: a.total + id, last: id });
  }
  return [...byKey].map(([k, a]) => JSON.stringify([k, a.n, a.total, a.last])).sort();
}

/** The job's own shared/ files that a retained checkpoint's metadata refers to. */
async function sharedFilesOf(chk: string): Promise<string[]> {
  const meta = await loadCheckpointMetadata(chk);
  return Object.values(meta.operators).flatMap((op) =>
    (op.keyedStateHandles ?? []).flatMap((h) => h.files.map((f) => f.path)),
  );
}

async function finish(client: JobClient): Promise<void> {
  const result = await client.result;
  if (result.status !== 'FINISHED') throw result.error ?? new Error(`job ended ${result.status}`);
}

describe('disk-backed keyed state backend, end to end', () => {
  it('incremental checkpoints share files under shared/; a job cancelled mid-run resumes from its latest retained checkpoint exactly', async () => {
    const dir = await tempDir();
    const config = {
      'state.backend.type': 'rocksdb',
      'execution.checkpointing.incremental': 'true',
      'execution.checkpointing.interval': '100 ms',
      'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
      'state.checkpoints.num-retained': '2',
      'state.checkpoints.dir': join(dir, 'ck'),
      'state.backend.rocksdb.localdir': join(dir, 'local'),
    };
    const store: CommittedStore = new Map();
    const first = start(config, store);
    await waitFor(
      () =>
        first.coordinator.retainedCheckpoints.length >= 2 &&
        first.coordinator.latestCompleted!.checkpointId >= 4,
      {
        timeoutMs: 20_000,
        what: 'four completed checkpoints',
      },
    );
    const stats = first.coordinator.statistics.filter((s) => s.status === 'COMPLETED');
    // Later checkpoints upload only what is new: less than their full size.
    expect(stats.some((s) => s.checkpointedSizeBytes! < s.sizeBytes!)).toBe(true);
    const cancelled = await first.cancel();
    expect(cancelled.status).toBe('CANCELED');
    // The disk backend's working files went with the job.
    expect(existsSync(join(dir, 'local')) ? await readdir(join(dir, 'local')) : []).toEqual([]);

    // Every retained checkpoint finds its files; nothing else is left in shared/.
    const retained = cancelled.retainedCheckpoints.map((h) => h.location);
    expect(retained).toHaveLength(2);
    const referenced = new Set((await Promise.all(retained.map(sharedFilesOf))).flat());
    expect(referenced.size).toBeGreaterThan(0);
    const shared = join(dir, 'ck', first.jobId, 'shared');
    expect((await readdir(shared)).map((f) => join(shared, f)).sort()).toEqual([...referenced].sort());
    // Older checkpoints were subsumed and deleted with the files only they used.
    expect((await readdir(join(dir, 'ck', first.jobId))).filter((d) => d.startsWith('chk-'))).toHaveLength(2);

    // `weir run -s <latest chk>`: a new job on the disk backend, exactly the failure-free result.
    const latest = retained[retained.length - 1];
    const resumed = start(config, store, await loadCheckpointMetadata(latest));
    await finish(resumed);
    expect(finalTable(store)).toEqual(expectedTable());
    // The resumed job never deletes the files of the checkpoint it started from.
    for (const f of referenced) expect(existsSync(f)).toBe(true);
  }, 60_000);

  it('a native savepoint holds its own copies of the run files and restores into the disk backend at another parallelism', async () => {
    const dir = await tempDir();
    const config = {
      'state.backend.type': 'rocksdb',
      'execution.checkpointing.incremental': 'true',
      'execution.checkpointing.interval': '100 ms',
      'state.checkpoints.dir': join(dir, 'ck'),
    };
    const store: CommittedStore = new Map();
    const first = start(config, store);
    await waitFor(() => (first.coordinator.latestCompleted?.checkpointId ?? 0) >= 2, {
      timeoutMs: 20_000,
      what: 'two completed checkpoints',
    });
    const { savepoint } = await first.stop({ savepointDirectory: join(dir, 'sp'), format: 'native' });
    const files = await readdir(savepoint!);
    expect(files.filter((f) => f.endsWith('.sst')).length).toBeGreaterThan(0);
    // Self-contained: the metadata refers only to files beside it, by relative path.
    const raw = await readFile(join(savepoint!, '_metadata'), 'utf8');
    expect(raw).not.toContain('shared');
    expect(raw).not.toContain(dir);
    await rm(join(dir, 'ck'), { recursive: true, force: true });

    // Two subtasks' runs, read by three: each takes the runs that hold any of its key groups.
    const resumed = start(
      { ...config, 'parallelism.default': '3' },
      store,
      await loadCheckpointMetadata(savepoint!),
    );
    await finish(resumed);
    expect(finalTable(store)).toEqual(expectedTable());
  }, 60_000);

  it('canonical savepoints move the state from the heap to the disk backend and back', async () => {
    const dir = await tempDir();
    const base = { 'execution.checkpointing.interval': '100 ms', 'state.checkpoints.dir': join(dir, 'ck') };
    const heap = { ...base, 'state.backend.type': 'hashmap' };
    const disk = { ...base, 'state.backend.type': 'rocksdb' };
    const store: CommittedStore = new Map();
    const onHeap = start(heap, store);
    const checkpoints = (client: JobClient) => client.coordinator.latestCompleted?.checkpointId ?? 0;
    await waitFor(() => checkpoints(onHeap) >= 2, { what: 'the heap job to checkpoint state' });
    const first = await onHeap.stop({ savepointDirectory: join(dir, 'sp') });
    const onDisk = start(disk, store, await loadCheckpointMetadata(first.savepoint!));
    const restoredId = checkpoints(onDisk);
    await waitFor(() => checkpoints(onDisk) >= restoredId + 2, { what: 'the disk job to checkpoint state' });
    const second = await onDisk.stop({ savepointDirectory: join(dir, 'sp'), format: 'canonical' });
    // Canonical: the state is inlined in the metadata, no run files.
    expect((await readdir(second.savepoint!)).filter((f) => f.endsWith('.sst'))).toEqual([]);
    const backOnHeap = start(heap, store, await loadCheckpointMetadata(second.savepoint!));
    await finish(backOnHeap);
    expect(finalTable(store)).toEqual(expectedTable());
  }, 60_000);
});
