import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { BUILTIN_WORKER_CONNECTORS } from '../../src/connectors/worker-registry.js';
import type { RuntimeConnector, WorkerConnectorsSpec } from '../../src/runtime/index.js';
import { executeJob, loadCheckpointMetadata } from '../../src/runtime/index.js';
import { workerPool } from '../../src/runtime/jobs/worker-pool.js';
import {
  assignToKeyGroup,
  hashFields,
  operatorIndexForKeyGroup,
} from '../../src/runtime/state/key-groups.js';
import { CHANNEL_STATE } from '../../src/runtime/task/stream-task.js';
import { waitFor } from '../helpers/wait.js';
import workerTestConnectors, {
  committedTransactions,
  EMITTED,
  WRITTEN,
} from '../helpers/worker-connectors.mjs';

interface Transaction {
  readonly subtask: number;
  readonly threadId: number;
  readonly rows: [id: number, sourceThread: number][];
}

const MODULE = new URL('../helpers/worker-connectors.mjs', import.meta.url).href;
const ROWS = 20_000;
const all = Array.from({ length: ROWS }, (_, i) => i + 1);

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-workers-'));
  dirs.push(dir);
  return dir;
}

/** sequence source (p2) → hash by id → file-2pc sink (p2), on two worker threads. */
function job(sink: Record<string, string>, config: Record<string, string>): JobGraph {
  const schema = {
    fields: [
      { name: 'id', type: Types.BIGINT() },
      { name: 'thread', type: Types.INT() },
    ],
  };
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'workers',
    config: {
      'parallelism.default': '2',
      'taskmanager.worker-threads': '2',
      'execution.checkpointing.interval': '10ms',
      'execution.checkpointing.storage': 'jobmanager',
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.delay': '0 ms',
      ...config,
    },
    vertices: [
      {
        id: 's'.repeat(32),
        name: 'source',
        operator: {
          kind: 'source',
          connector: { table: 'numbers', connector: 'sequence', options: { end: String(ROWS) }, schema },
        },
      },
      {
        id: 'k'.repeat(32),
        name: 'sink',
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: 'file-2pc', options: sink, schema },
        },
      },
    ],
    edges: [{ source: 's'.repeat(32), target: 'k'.repeat(32), partitioner: 'hash', keys: [0] }],
  };
}

async function start(sink: Record<string, string>, config: Record<string, string> = {}) {
  const counters = new Int32Array(new SharedArrayBuffer(8));
  const workerConnectors: WorkerConnectorsSpec = { module: MODULE, args: { counters } };
  const connectors = new Map<string, RuntimeConnector>(
    workerTestConnectors({ counters }).map((c) => [c.identifier, c]),
  );
  const warnings: string[] = [];
  const client = executeJob(job(sink, config), {
    connectors,
    workerConnectors,
    log: { info: () => {}, warn: (m) => warnings.push(m) },
  });
  return { client, counters, warnings };
}

function committed(dir: string) {
  const txns = committedTransactions(dir) as Transaction[];
  const ids = txns.flatMap((t) => t.rows.map((r) => r[0])).sort((a, b) => a - b);
  return { txns, ids };
}

describe('subtasks on worker threads', () => {
  it('runs subtasks on two worker threads and hashes every row across threads to the subtask owning its key', async () => {
    const dir = tempDir();
    const { client } = await start({ dir });
    const result = await client.result;
    expect(result.status).toBe('FINISHED');
    const { txns, ids } = committed(dir);
    expect(ids).toEqual(all);
    for (const t of txns) {
      for (const [id] of t.rows) {
        expect(operatorIndexForKeyGroup(128, 2, assignToKeyGroup(hashFields([id], [0]), 128))).toBe(
          t.subtask,
        );
      }
    }
    // Two sink subtasks on two threads, neither of them this (the main) thread.
    const sinkThreads = new Set(txns.filter((t) => t.rows.length > 0).map((t) => t.threadId));
    expect(sinkThreads.size).toBe(2);
    expect(sinkThreads.has(threadId)).toBe(false);
    // The sources ran on those same two threads (slot sharing), and rows crossed between them.
    const sourceThreads = new Set(txns.flatMap((t) => t.rows.map((r) => r[1])));
    expect(sourceThreads).toEqual(sinkThreads);
    expect(txns.some((t) => t.rows.some((r) => r[1] !== t.threadId))).toBe(true);
    // The tasks' metrics came back to the main thread with their status reports.
    const sinkIn = client.metrics
      .subtasks()
      .filter((s) => s.taskName.startsWith('Sink'))
      .reduce((n, s) => n + s.io.numRecordsIn, 0);
    expect(sinkIn).toBe(ROWS);
  });

  it('EXACTLY_ONCE aligned: a task failure in a worker restarts every worker from the checkpoint, each row committed once', async () => {
    const dir = tempDir();
    const { client, warnings } = await start({ dir, 'fail-at-row': '12345' });
    const result = await client.result;
    expect(result.status).toBe('FINISHED');
    expect(result.restarts).toBe(1);
    expect(warnings.some((w) => /failpoint at row 12345.*Restarting in 0 ms/.test(w))).toBe(true);
    const { txns, ids } = committed(dir);
    expect(ids).toEqual(all);
    // Both attempts ran on the same two pooled workers: the restart tore the tasks down in them
    // and deployed the new attempt's there.
    expect(new Set(txns.map((t) => t.threadId)).size).toBe(2);
  });

  it('EXACTLY_ONCE unaligned: barriers overtake records queued across threads, which are stored and replayed', async () => {
    const dir = tempDir();
    const checkpoints = tempDir();
    const { client } = await start(
      { dir, 'fail-at-row': '15001', 'delay-ms': '1' },
      {
        'execution.checkpointing.unaligned.enabled': 'true',
        'execution.checkpointing.storage': 'filesystem',
        'execution.checkpointing.dir': `file://${checkpoints}`,
        'execution.checkpointing.num-retained': '1000',
      },
    );
    // A completed checkpoint holds records that were in flight between the threads.
    await waitFor(
      async () => {
        for (const handle of client.coordinator.retainedCheckpoints) {
          const metadata = await loadCheckpointMetadata(handle.location).catch(() => undefined);
          const sink = metadata?.operators['k'.repeat(32)];
          if (sink?.subtasks.some((s) => (s[CHANNEL_STATE]?.length ?? 0) > 0)) return true;
        }
        return false;
      },
      { timeoutMs: 20_000, what: 'a checkpoint with in-flight records' },
    );
    const result = await client.result;
    expect(result.error?.stack).toBeUndefined();
    expect(result.status).toBe('FINISHED');
    expect(result.restarts).toBe(1);
    expect(committed(dir).ids).toEqual(all);
  });

  for (const floating of [8, 0]) {
    it(`backpressure across threads: a slow sink bounds what the sources have emitted ahead of it (${floating} floating buffers per gate)`, async () => {
      const dir = tempDir();
      const { client, counters } = await start(
        { dir, 'delay-ms': '2' },
        {
          'execution.checkpointing.interval': '100ms',
          'taskmanager.network.memory.floating-buffers-per-gate': String(floating),
        },
      );
      let maxAhead = 0;
      const watch = setInterval(() => {
        maxAhead = Math.max(maxAhead, Atomics.load(counters, EMITTED) - Atomics.load(counters, WRITTEN));
      }, 1);
      const result = await client.result;
      clearInterval(watch);
      expect(result.status).toBe('FINISHED');
      expect(Atomics.load(counters, WRITTEN)).toBe(ROWS);
      // Each of 2 sources has a channel in its own thread, of 2 credits, and one crossing threads,
      // of 2 credits plus the floating ones of the gate it feeds (its only channel from another
      // thread); one more batch each may be waiting for credit, of at most 100 rows, plus the batch
      // in hand.
      const bound = (f: number) => 2 * (2 + 1 + (2 + f + 1)) * 100 + 100;
      expect(maxAhead).toBeGreaterThan(0);
      expect(maxAhead).toBeLessThanOrEqual(bound(floating));
    });
  }

  it('stop-with-savepoint across workers, then a restore from it commits every row exactly once', async () => {
    const dir = tempDir();
    const savepoints = tempDir();
    const first = await start({ dir, 'delay-ms': '1' });
    await waitFor(() => committed(dir).ids.length > 0, { what: 'a first commit' });
    const { savepoint, result } = await first.client.stop({ savepointDirectory: savepoints });
    expect(result.status).toBe('FINISHED');
    expect(savepoint).toBeDefined();
    const before = committed(dir).ids.length;
    expect(before).toBeLessThan(ROWS);
    const counters = new Int32Array(new SharedArrayBuffer(8));
    const resumed = executeJob(job({ dir }, {}), {
      connectors: new Map(workerTestConnectors({ counters }).map((c) => [c.identifier, c])),
      workerConnectors: { module: MODULE, args: { counters } },
      log: { info: () => {}, warn: () => {} },
      restoreFrom: await loadCheckpointMetadata(savepoint!),
    });
    expect((await resumed.result).status).toBe('FINISHED');
    expect(committed(dir).ids).toEqual(all);
    // The resumed job emitted only what the first had not.
    expect(Atomics.load(counters, EMITTED)).toBe(ROWS - before);
  });

  it('cancel ends the workers of a running job', async () => {
    const dir = tempDir();
    const { client } = await start({ dir, 'delay-ms': '5' });
    await waitFor(() => committed(dir).ids.length > 0, { what: 'a first commit' });
    const result = await client.cancel();
    expect(result.status).toBe('CANCELED');
  });
});

describe('worker pool', () => {
  it('runs the next job on the workers the previous one used, starting none', async () => {
    const first = await start({ dir: tempDir() });
    expect((await first.client.result).status).toBe('FINISHED');
    const started = workerPool.startedCount;
    expect(workerPool.idleCount).toBeGreaterThanOrEqual(2);
    const threadsOf = (dir: string) => new Set(committed(dir).txns.map((t) => t.threadId));
    const dirs = [tempDir(), tempDir()];
    for (const dir of dirs) {
      const { client } = await start({ dir });
      expect((await client.result).status).toBe('FINISHED');
      expect(committed(dir).ids).toEqual(all);
    }
    expect(workerPool.startedCount).toBe(started);
    expect(threadsOf(dirs[1])).toEqual(threadsOf(dirs[0]));
    expect(threadsOf(dirs[0]).has(threadId)).toBe(false);
  });

  it('a cancelled job leaves its workers idle and whole for the next job', async () => {
    const dir = tempDir();
    const { client } = await start({ dir, 'delay-ms': '5' });
    await waitFor(() => committed(dir).ids.length > 0, { what: 'a first commit' });
    expect((await client.cancel()).status).toBe('CANCELED');
    expect(workerPool.idleCount).toBeGreaterThanOrEqual(2);
    const started = workerPool.startedCount;
    const next = tempDir();
    const { client: again } = await start({ dir: next });
    expect((await again.result).status).toBe('FINISHED');
    expect(committed(next).ids).toEqual(all);
    expect(workerPool.startedCount).toBe(started);
  });

  it("print in a worker: every line is on the process's stdout when the job has finished, job after job", async () => {
    const rows = 3000;
    const schema = { fields: [{ name: 'id', type: Types.BIGINT(false) }] };
    const printJob = (run: number): JobGraph => ({
      version: JOB_GRAPH_VERSION,
      jobName: 'print on workers',
      config: { 'parallelism.default': '2', 'taskmanager.worker-threads': '2' },
      vertices: [
        {
          id: 'g'.repeat(32),
          name: 'source',
          operator: {
            kind: 'source',
            connector: {
              table: 'numbers',
              connector: 'datagen',
              options: {
                'fields.id.kind': 'sequence',
                'fields.id.start': '1',
                'fields.id.end': String(rows),
              },
              schema,
            },
          },
        },
        {
          id: 'p'.repeat(32),
          name: 'sink',
          operator: {
            kind: 'sink',
            inputChangelogMode: 'insert-only',
            connector: {
              table: 'out',
              connector: 'print',
              options: { 'print-identifier': `run${run}` },
              schema,
            },
          },
        },
      ],
      edges: [{ source: 'g'.repeat(32), target: 'p'.repeat(32), partitioner: 'forward' }],
    });
    const connectors = new Map(
      builtinConnectors({ stdout: process.stdout, stderr: process.stderr }).map((c) => [
        c.runtime.identifier,
        c.runtime,
      ]),
    );
    const printed: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string, callback?: () => void) => {
      printed.push(String(chunk));
      callback?.();
      return true;
    }) as typeof process.stdout.write;
    try {
      for (const run of [1, 2, 3]) {
        const client = executeJob(printJob(run), {
          connectors,
          workerConnectors: BUILTIN_WORKER_CONNECTORS,
          log: { info: () => {}, warn: () => {} },
        });
        expect((await client.result).status).toBe('FINISHED');
        expect(client.taskStatus().every((t) => t.thread !== 0)).toBe(true);
        // Read at once: nothing of this run may arrive after the job reported FINISHED.
        const lines = printed
          .join('')
          .split('\n')
          .filter((l) => l.startsWith(`run${run}:`));
        expect(lines).toHaveLength(rows);
        expect(new Set(lines.map((l) => l.replace(/^run\d:\d> /, ''))).size).toBe(rows);
      }
    } finally {
      process.stdout.write = write;
    }
  });
});
