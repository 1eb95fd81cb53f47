import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph } from '../../src/common/jobgraph.js';
import { Types } from '../../src/common/types.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { executeJob, loadCheckpointMetadata, type RuntimeConnector } from '../../src/runtime/index.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Collects what the print sink writes, as a terminal would receive it. */
function capture() {
  const lines: string[] = [];
  const target = {
    write(chunk: string) {
      lines.push(...chunk.split('\n').filter((l) => l !== ''));
      return true;
    },
    once: () => target,
  };
  return { lines, target };
}

function sequenceJob(config: Record<string, string>, end: number, rowsPerSecond: number): JobGraph {
  const schema = { fields: [{ name: 'id', type: Types.BIGINT() }] };
  return {
    version: JOB_GRAPH_VERSION,
    jobName: 'sequence-to-print',
    config,
    vertices: [
      {
        id: 'a'.repeat(32),
        name: 'TableSourceScan(table=[[default_catalog, default_database, numbers]], fields=[id])',
        operator: {
          kind: 'source',
          connector: {
            table: 'default_catalog.default_database.numbers',
            connector: 'datagen',
            options: {
              connector: 'datagen',
              'rows-per-second': String(rowsPerSecond),
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
        name: 'Sink(table=[default_catalog.default_database.out], fields=[id])',
        operator: {
          kind: 'sink',
          inputChangelogMode: 'insert-only',
          connector: {
            table: 'default_catalog.default_database.out',
            connector: 'print',
            options: {},
            schema,
          },
        },
      },
    ],
    edges: [{ source: 'a'.repeat(32), target: 'b'.repeat(32), partitioner: 'forward' }],
  };
}

function connectors(target: ReturnType<typeof capture>['target']): Map<string, RuntimeConnector> {
  return new Map(
    builtinConnectors({ stdout: target, stderr: target }).map((c) => [c.runtime.identifier, c.runtime]),
  );
}

const log = { info: () => {}, warn: () => {} };

describe('a running job', () => {
  it('checkpoints periodically in Flink layout and resumes from a retained checkpoint where it left off', async () => {
    const base = await mkdtemp(join(tmpdir(), 'weir-job-'));
    dirs.push(base);
    const config = { 'execution.checkpointing.interval': '20ms', 'state.checkpoints.dir': `file://${base}` };
    const first = capture();
    const job = executeJob(sequenceJob(config, 1_000, 2_000), { connectors: connectors(first.target), log });
    await waitFor(() => job.coordinator.statistics.filter((s) => s.status === 'COMPLETED').length >= 2, {
      what: 'two completed checkpoints',
    });
    const result = await job.cancel();
    expect(result.status).toBe('CANCELED');
    // RETAIN_ON_CANCELLATION is weir's default: the latest checkpoint survives the cancel.
    const retained = result.retainedCheckpoints.at(-1)!;
    expect(retained.location).toMatch(new RegExp(`${job.jobId}/chk-\\d+$`));
    expect((await stat(join(retained.location, '_metadata'))).isFile()).toBe(true);
    expect((await readdir(join(base, job.jobId))).filter((e) => e.startsWith('chk-'))).toEqual([
      retained.location.split('/').pop(),
    ]);

    const metadata = await loadCheckpointMetadata(retained.location);
    const position = (
      metadata.operators['a'.repeat(32)].subtasks[0]['datagen-splits'][0] as { emitted: number }
    ).emitted;
    expect(position).toBeGreaterThan(0);
    expect(first.lines.slice(0, position)).toEqual(
      Array.from({ length: position }, (_, i) => `+I[${i + 1}]`),
    );

    const second = capture();
    const resumed = executeJob(sequenceJob(config, 1_000, 100_000), {
      connectors: connectors(second.target),
      log,
      restoreFrom: metadata,
    });
    const end = await resumed.result;
    expect(end.status).toBe('FINISHED');
    // The print sink is not transactional: rows after the checkpoint may have been printed by
    // the first run too; the resumed run starts exactly after the checkpointed position.
    expect(second.lines).toEqual(
      Array.from({ length: 1_000 - position }, (_, i) => `+I[${position + i + 1}]`),
    );
    // A finished job discards its checkpoints, as Flink does.
    expect(end.retainedCheckpoints).toEqual([]);
  });

  it.each([
    ['DELETE_ON_CANCELLATION', 0],
    ['NO_EXTERNALIZED_CHECKPOINTS', 0],
    ['RETAIN_ON_CANCELLATION', 1],
  ])('with %s, a cancelled job leaves %d checkpoint(s) behind', async (retention, expected) => {
    const base = await mkdtemp(join(tmpdir(), 'weir-job-'));
    dirs.push(base);
    const config = {
      'execution.checkpointing.interval': '10ms',
      'execution.checkpointing.externalized-checkpoint-retention': retention,
      'state.checkpoints.dir': base,
    };
    const out = capture();
    const job = executeJob(sequenceJob(config, 100_000, 1_000), { connectors: connectors(out.target), log });
    await waitFor(() => job.coordinator.latestCompleted, { what: 'a checkpoint' });
    const result = await job.cancel();
    expect(result.retainedCheckpoints).toHaveLength(expected);
    const left = (await readdir(join(base, job.jobId))).filter((e) => e.startsWith('chk-'));
    expect(left).toHaveLength(expected);
  });

  it('fails the job on the (N+1)-th consecutive failed checkpoint, N from tolerable-failed-checkpoints', async () => {
    // Every checkpoint fails to store: the jobmanager storage accepts fewer bytes than one takes.
    const config = {
      'execution.checkpointing.interval': '10ms',
      'execution.checkpointing.storage': 'jobmanager',
      'state.storage.jobmanager.max-state-size': '10b',
      'execution.checkpointing.tolerable-failed-checkpoints': '2',
      'restart-strategy.type': 'none',
    };
    const out = capture();
    const job = executeJob(sequenceJob(config, 1_000_000, 1_000), {
      connectors: connectors(out.target),
      log,
    });
    const result = await job.result;
    expect(result.status).toBe('FAILED');
    expect(String(result.error)).toMatch(/tolerable number of failed checkpoints \(2\)/);
    expect(job.coordinator.counts).toEqual({ completed: 0, failed: 3 });
  });

  it('spaces periodic checkpoints of a running job by execution.checkpointing.min-pause', async () => {
    const config = {
      'execution.checkpointing.interval': '1ms',
      'execution.checkpointing.min-pause': '60ms',
      'execution.checkpointing.storage': 'jobmanager',
    };
    const out = capture();
    const job = executeJob(sequenceJob(config, 1_000_000, 1_000), {
      connectors: connectors(out.target),
      log,
    });
    await waitFor(() => job.coordinator.counts.completed >= 4, { what: 'four checkpoints' });
    await job.cancel();
    const completed = job.coordinator.statistics.filter((s) => s.status === 'COMPLETED');
    for (let i = 1; i < completed.length; i++) {
      const previousEnd = completed[i - 1].triggeredAt + completed[i - 1].durationMs!;
      expect(completed[i].triggeredAt - previousEnd).toBeGreaterThanOrEqual(59);
    }
  });

  it('rejects state of an operator that is not in the job unless told to drop it', async () => {
    const base = await mkdtemp(join(tmpdir(), 'weir-job-'));
    dirs.push(base);
    const config = { 'execution.checkpointing.interval': '10ms', 'state.checkpoints.dir': base };
    const out = capture();
    const job = executeJob(sequenceJob(config, 100_000, 1_000), { connectors: connectors(out.target), log });
    await waitFor(() => job.coordinator.latestCompleted, { what: 'a checkpoint' });
    const { retainedCheckpoints } = await job.cancel();
    const metadata = await loadCheckpointMetadata(retainedCheckpoints.at(-1)!.location);
    const changed = sequenceJob(config, 10, 1_000);
    const renamed: JobGraph = {
      ...changed,
      vertices: [{ ...changed.vertices[0], id: 'c'.repeat(32) }, changed.vertices[1]],
    };
    const edges = [{ source: 'c'.repeat(32), target: 'b'.repeat(32), partitioner: 'forward' as const }];
    expect(() =>
      executeJob({ ...renamed, edges }, { connectors: connectors(out.target), log, restoreFrom: metadata }),
    ).toThrow(/not in this job/);
    const dropped = executeJob(
      { ...renamed, edges },
      { connectors: connectors(out.target), log, restoreFrom: metadata, allowNonRestoredState: true },
    );
    expect((await dropped.result).status).toBe('FINISHED');
  });
});

describe('datagen splits across rescaling', () => {
  it('generates every sequence value exactly once when restored at a lower and then a higher parallelism', async () => {
    const base = await mkdtemp(join(tmpdir(), 'weir-job-'));
    dirs.push(base);
    const config = { 'execution.checkpointing.interval': '10ms', 'state.checkpoints.dir': base };
    const withParallelism = (p: number, rate: number): JobGraph => {
      const g = sequenceJob(config, 3_000, rate);
      return { ...g, vertices: g.vertices.map((v) => ({ ...v, parallelism: p })) };
    };
    const seen: number[] = [];
    const collect = () => {
      const out = capture();
      return { out, done: () => seen.push(...out.lines.map((l) => Number(/\[(\d+)\]/.exec(l)![1]))) };
    };
    // p=3, stopped with a savepoint; p=1 for a while, stopped again; then p=2 to the end.
    let restoreFrom: Awaited<ReturnType<typeof loadCheckpointMetadata>> | undefined;
    for (const [p, rate, runToEnd] of [
      [3, 3_000, false],
      [1, 3_000, false],
      [2, 1_000_000, true],
    ] as const) {
      const c = collect();
      const job = executeJob(withParallelism(p, rate), {
        connectors: connectors(c.out.target),
        log,
        restoreFrom,
      });
      if (runToEnd) {
        expect((await job.result).status).toBe('FINISHED');
      } else {
        await waitFor(() => c.out.lines.length > 100, { what: 'some rows' });
        const { savepoint } = await job.stop({ savepointDirectory: join(base, 'sp') });
        restoreFrom = await loadCheckpointMetadata(savepoint!);
      }
      c.done();
    }
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 3_000 }, (_, i) => i + 1));
  });
});
