import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../src/common/config.js';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { readConfig, splitOf } from '../../src/connectors/nexmark/config.js';
import { NexmarkGenerator } from '../../src/connectors/nexmark/generator.js';
import { NEXMARK_ROW_TYPE, NexmarkSourceReader } from '../../src/connectors/nexmark/index.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { BUILTIN_WORKER_CONNECTORS } from '../../src/connectors/worker-registry.js';
import type { OperatorContext, OperatorStateSnapshot, Output } from '../../src/runtime/api/operator.js';
import type { SourceReader } from '../../src/runtime/api/source.js';
import { executeJob, loadCheckpointMetadata, type RuntimeConnector } from '../../src/runtime/index.js';
import { waitFor } from '../helpers/wait.js';

const BASE_TIME = '1700000000000';
const TABLE = 'default_catalog.default_database.datagen';
const log = { info: () => {}, warn: () => {} };

function context(subtaskIndex = 0, parallelism = 1): OperatorContext {
  return {
    jobId: 'j',
    jobName: 'j',
    operatorId: 'source',
    operatorName: 'source',
    subtaskIndex,
    parallelism,
    maxParallelism: 128,
    attemptNumber: 0,
    config: new Configuration(),
    log,
    processingTimeService: { now: () => Date.now(), registerTimer: () => () => {} },
  };
}

function reader(
  options: Record<string, string>,
  restored?: OperatorStateSnapshot,
  subtask = 0,
  parallelism = 1,
) {
  const r = new NexmarkSourceReader({
    table: TABLE,
    connector: 'nexmark',
    options: { connector: 'nexmark', ...options },
    schema: NEXMARK_ROW_TYPE,
  });
  r.initializeState(restored);
  r.open(context(subtask, parallelism));
  return r;
}

/** Polls until the reader ends (or `maxPolls`), collecting each batch. */
async function drain(r: SourceReader, maxPolls = Number.POSITIVE_INFINITY) {
  const batches: unknown[][][] = [];
  const output: Output = { emit: (b) => void batches.push(b.rows), emitWatermark: () => {} };
  let last = '';
  for (let i = 0; i < maxPolls; i++) {
    const result = await r.poll(output);
    last = result.status;
    if (result.status !== 'emitted') break;
  }
  return { batches, rows: batches.flat(), last };
}

/** What one uninterrupted subtask of `parallelism` generates, straight from the generator. */
function expected(options: Record<string, string>, count: number, subtask = 0, parallelism = 1) {
  const c = readConfig(new Configuration(Object.entries(options)), TABLE);
  const g = new NexmarkGenerator(c, splitOf(c, subtask, parallelism, c.baseTime!), 0, false);
  const rows: unknown[][] = new Array(Math.min(count, g.remaining()));
  g.fill(rows, 0, rows.length);
  return rows;
}

describe('the nexmark source reader', () => {
  it('emits as fast as it can in batches of 1024 by default, up to events.num', async () => {
    const options = { 'events.num': '5000', 'first-event.rate': '1', 'base-time': BASE_TIME };
    const { batches, rows, last } = await drain(reader(options));
    expect(batches.map((b) => b.length)).toEqual([1024, 1024, 1024, 1024, 904]);
    expect(last).toBe('end');
    expect(rows).toEqual(expected(options, 5000));
  });

  it('paces events by their event time when max-emit-speed is false', async () => {
    // 2,000 events/s: the 300 events take 150 ms of wall-clock time.
    const options = { 'events.num': '300', 'first-event.rate': '2000', 'max-emit-speed': 'false' };
    const r = reader(options);
    const output: Output = { emit: (b) => void (emitted += b.rows.length), emitWatermark: () => {} };
    let emitted = 0;
    const started = Date.now();
    const early: number[] = [];
    for (;;) {
      const result = await r.poll(output);
      if (result.status === 'end') break;
      if (Date.now() - started < 50) early.push(emitted);
      if (result.status === 'wait') {
        expect(result.untilMs).toBeGreaterThan(Date.now() - 5);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, result.untilMs! - Date.now())));
      }
    }
    const elapsed = Date.now() - started;
    expect(emitted).toBe(300);
    expect(elapsed).toBeGreaterThanOrEqual(145);
    // In the first 50 ms no more than ~100 events were due.
    expect(Math.max(...early)).toBeLessThanOrEqual(110);
  });

  it('stops at stop-at, and with keep-alive stays idle instead of ending', async () => {
    const stopped = await drain(reader({ 'stop-at': '100', 'base-time': BASE_TIME }));
    expect(stopped.rows).toHaveLength(100);
    expect(stopped.last).toBe('end');
    const kept = reader({ 'events.num': '10', 'keep-alive': 'true' });
    const first = await drain(kept, 5);
    expect(first.rows).toHaveLength(10);
    expect(first.last).toBe('wait');
  });

  it('continues exactly from a snapshot, keeping the base time of the first start', async () => {
    const options = { 'events.num': '10000' };
    const r = reader(options);
    const before = await drain(r, 3);
    const snapshot = r.snapshotState(1);
    const after = await drain(reader(options, snapshot));
    const again = await drain(reader(options, snapshot));
    expect(before.rows).toHaveLength(3072);
    expect(after.rows).toHaveLength(10000 - 3072);
    expect(again.rows).toEqual(after.rows);
    // The timestamps continue from the first run's base time, not a new wall clock.
    const ts = (row: unknown[]) =>
      ((row[1] ?? row[2] ?? row[3]) as unknown[])[row[0] === 0 ? 6 : 5] as number;
    expect(ts(after.rows[0])).toBe(ts(before.rows[0]) + Math.trunc(3072 / 10));
  });

  it('takes over several splits after a scale-down and none after a scale-up', async () => {
    const options = { 'events.num': '4000', 'base-time': BASE_TIME };
    const a = reader(options, undefined, 0, 2);
    const b = reader(options, undefined, 1, 2);
    const partA = await drain(a, 1);
    const partB = await drain(b, 1);
    const merged = {
      'nexmark-splits': [...a.snapshotState(1)['nexmark-splits'], ...b.snapshotState(1)['nexmark-splits']],
    };
    const rest = await drain(reader(options, merged, 0, 1));
    expect(rest.rows).toHaveLength(4000 - 2048);
    const all = [...partA.rows, ...partB.rows, ...rest.rows].map((r) => JSON.stringify(r)).sort();
    const uninterrupted = [...expected(options, 2000, 0, 2), ...expected(options, 2000, 1, 2)]
      .map((r) => JSON.stringify(r))
      .sort();
    expect(all).toEqual(uninterrupted);
    const empty = await drain(reader(options, { 'nexmark-splits': [] }, 1, 2));
    expect(empty.rows).toEqual([]);
    expect(empty.last).toBe('end');
  });

  it('rejects a table whose physical columns are not the nexmark schema', () => {
    const r = new NexmarkSourceReader({
      table: TABLE,
      connector: 'nexmark',
      options: {},
      schema: { fields: [{ name: 'event_type', type: Types.INT() }] },
    });
    r.initializeState(undefined);
    expect(() => r.open(context())).toThrow(/must have the physical columns event_type INT, person ROW/);
  });
});

/** A sink that keeps every row per subtask, in memory, for the test to read. */
function collectingConnector(sink: unknown[][][]): RuntimeConnector {
  return {
    identifier: 'collect',
    sink: {
      createWriter: () => {
        let rows: unknown[][] = [];
        return {
          open: (ctx) => {
            sink[ctx.subtaskIndex] ??= [];
            rows = sink[ctx.subtaskIndex];
          },
          processBatch: (batch) => {
            for (const row of batch.rows) rows.push(row);
          },
        };
      },
    },
  };
}

function nexmarkJob(options: Record<string, string>, config: Record<string, string>): JobGraph {
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'nexmark-to-collect',
    config,
    vertices: [
      {
        id: 'a'.repeat(32),
        name: 'TableSourceScan(table=[[default_catalog, default_database, datagen]])',
        operator: {
          kind: 'source',
          connector: {
            table: TABLE,
            connector: 'nexmark',
            options: { connector: 'nexmark', ...options },
            schema: NEXMARK_ROW_TYPE,
          },
        },
      },
      {
        id: 'b'.repeat(32),
        name: 'Sink(table=[default_catalog.default_database.out])',
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: { table: 'out', connector: 'collect', options: {}, schema: NEXMARK_ROW_TYPE },
        },
      },
    ],
    edges: [{ source: 'a'.repeat(32), target: 'b'.repeat(32), partitioner: 'forward' }],
  };
}

/** The built-in connectors (nexmark among them) plus the collecting sink. */
function connectors(sink: unknown[][][]): Map<string, RuntimeConnector> {
  const quiet = { write: () => true, once: () => quiet };
  const builtin = builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => c.runtime);
  return new Map([...builtin, collectingConnector(sink)].map((c) => [c.identifier, c]));
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('a job reading the nexmark source', () => {
  it('restores from a checkpoint and continues exactly, with parallelism 2', async () => {
    const base = await mkdtemp(join(tmpdir(), 'weir-nexmark-'));
    dirs.push(base);
    const config = {
      'parallelism.default': '2',
      'execution.checkpointing.interval': '30ms',
      'state.checkpoints.dir': base,
    };
    // 4,000 events/s over 2 subtasks, paced: the first run is cancelled long before its end.
    const paced = {
      'events.num': '6000',
      'first-event.rate': '4000',
      'max-emit-speed': 'false',
      'base-time': BASE_TIME,
    };
    const first: unknown[][][] = [];
    const job = executeJob(nexmarkJob(paced, config), {
      connectors: connectors(first),
      log,
    });
    await waitFor(() => job.coordinator.statistics.filter((s) => s.status === 'COMPLETED').length >= 2, {
      what: 'two completed checkpoints',
    });
    const { retainedCheckpoints } = await job.cancel();
    const metadata = await loadCheckpointMetadata(retainedCheckpoints.at(-1)!.location);
    const positions = metadata.operators['a'.repeat(32)].subtasks.map(
      (s) => (s['nexmark-splits'][0] as { emitted: number }).emitted,
    );
    expect(positions.every((p) => p < 3000) && positions.some((p) => p > 0)).toBe(true);

    const second: unknown[][][] = [];
    const fast = { ...paced, 'max-emit-speed': 'true' };
    const resumed = executeJob(nexmarkJob(fast, config), {
      connectors: connectors(second),
      log,
      restoreFrom: metadata,
    });
    expect((await resumed.result).status).toBe('FINISHED');
    for (const subtask of [0, 1]) {
      const uninterrupted = expected(paced, 3000, subtask, 2);
      // The sink is not transactional: the first run may have delivered rows past the checkpoint.
      const union = [...first[subtask].slice(0, positions[subtask]), ...second[subtask]];
      expect(union).toHaveLength(3000);
      expect(union).toEqual(uninterrupted);
    }
    // The two subtasks generate disjoint id ranges: split 1 starts at event id 3002.
    const auctionIds = (rows: unknown[][]) =>
      rows.filter((r) => r[0] === 1).map((r) => (r[2] as number[])[0]);
    expect(Math.max(...auctionIds(expected(paced, 3000, 0, 2)))).toBeLessThan(
      Math.min(...auctionIds(expected(paced, 3000, 1, 2))),
    );
  });

  it('at parallelism 2 on two worker threads, each subtask generates only its split: events.num in all', async () => {
    // A rebalance edge keeps the sink out of the sources' chains, so their output is counted.
    const sinkOnly = (job: JobGraph): JobGraph => ({
      ...job,
      edges: job.edges.map((e) => ({ ...e, partitioner: 'rebalance' })),
      vertices: job.vertices.map((v) =>
        v.operator.kind === 'sink'
          ? {
              ...v,
              operator: { ...v.operator, connector: { ...v.operator.connector, connector: 'blackhole' } },
            }
          : v,
      ),
    });
    const options = { 'events.num': '10001', 'base-time': BASE_TIME };
    const job = executeJob(
      sinkOnly(nexmarkJob(options, { 'parallelism.default': '2', 'taskmanager.worker-threads': '2' })),
      { connectors: connectors([]), workerConnectors: BUILTIN_WORKER_CONNECTORS, log },
    );
    expect((await job.result).status).toBe('FINISHED');
    const sources = job.taskStatus().filter((t) => t.taskName.startsWith('Source'));
    // Both source subtasks ran, each on its own worker thread.
    expect(new Set(sources.map((t) => t.thread))).toEqual(new Set([1, 2]));
    const emitted = job.metrics
      .subtasks()
      .filter((s) => s.taskName.startsWith('Source'))
      .map((s) => s.io.numRecordsOut)
      .sort();
    // Split 0 has 10001 / 2 events, split 1 the remainder, as upstream's NexmarkSource splits them.
    expect(emitted).toEqual([5000, 5001]);
  });
});
