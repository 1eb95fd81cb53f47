import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/helpers/wait.js';
import {
  CheckpointCoordinator,
  type CheckpointCoordinatorOptions,
  type CheckpointParticipant,
} from './coordinator.js';
import type { CheckpointMetadata } from './metadata.js';
import {
  type CheckpointStorage,
  type CompletedCheckpointHandle,
  FileSystemCheckpointStorage,
  JobManagerCheckpointStorage,
} from './storage.js';

/**
 * Real filesystem storage whose first `_metadata` write stalls until released, as a write to a
 * hung NFS mount or a full disk with a stuck fsync does.
 */
class StallingStorage implements CheckpointStorage {
  readonly kind = 'filesystem' as const;
  private stalled = false;
  private releaseStall?: () => void;
  constructor(readonly inner: FileSystemCheckpointStorage) {}
  get jobDirectory() {
    return this.inner.jobDirectory;
  }
  get isStalling() {
    return this.releaseStall !== undefined;
  }
  release() {
    this.releaseStall?.();
  }
  async writeCheckpoint(metadata: CheckpointMetadata): Promise<CompletedCheckpointHandle> {
    if (!this.stalled) {
      this.stalled = true;
      await new Promise<void>((resolve) => {
        this.releaseStall = resolve;
      });
    }
    return this.inner.writeCheckpoint(metadata);
  }
  readonly discarded: number[] = [];
  async discardCheckpoint(handle: CompletedCheckpointHandle) {
    await this.inner.discardCheckpoint(handle);
    this.discarded.push(handle.checkpointId);
  }
  readCheckpoint(handle: CompletedCheckpointHandle) {
    return this.inner.readCheckpoint(handle);
  }
}

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A task that acknowledges every trigger (or holds them back) and records notifications. */
function fakeTask(name: string, coordinator: () => CheckpointCoordinator, autoAck = true) {
  const events: string[] = [];
  const held: number[] = [];
  const task: CheckpointParticipant & { events: string[]; ack(id: number): void; held: number[] } = {
    taskName: name,
    isSource: true,
    events,
    held,
    triggerCheckpoint(id) {
      events.push(`trigger ${id}`);
      if (autoAck) queueMicrotask(() => task.ack(id));
      else held.push(id);
    },
    ack(id) {
      coordinator().acknowledge(name, id, [
        { operatorId: 'op', subtaskIndex: 0, snapshot: { pos: [id * 10] } },
      ]);
    },
    notifyCheckpointComplete: (id) => events.push(`complete ${id}`),
    notifyCheckpointAborted: (id) => events.push(`aborted ${id}`),
  };
  return task;
}

function options(overrides: Partial<CheckpointCoordinatorOptions>): CheckpointCoordinatorOptions {
  return {
    jobId: 'job',
    jobName: 'test',
    timeout: 60_000,
    minPause: 0,
    maxConcurrent: 1,
    tolerableFailures: 0,
    numRetained: 1,
    storage: new JobManagerCheckpointStorage(1 << 20),
    operators: [{ id: 'op', name: 'Source: t', parallelism: 1, maxParallelism: 128 }],
    firstCheckpointId: 1,
    onFailure: () => {},
    log: { info: () => {}, warn: () => {} },
    ...overrides,
  };
}

describe('CheckpointCoordinator', () => {
  it('writes _metadata atomically in chk-<n>, keeps num-retained checkpoints and notifies only after writing', async () => {
    const base = await mkdtemp(join(tmpdir(), 'weir-ck-'));
    dirs.push(base);
    const storage = new FileSystemCheckpointStorage(`file://${base}`, 'job');
    const coordinator = new CheckpointCoordinator(options({ storage, numRetained: 2 }));
    const task = fakeTask('t', () => coordinator);
    coordinator.setParticipants([task]);
    for (let i = 0; i < 3; i++) await coordinator.triggerCheckpoint().completion;
    const entries = (await readdir(join(base, 'job'))).sort();
    expect(entries).toEqual(['chk-2', 'chk-3', 'shared', 'taskowned']);
    expect(await readdir(join(base, 'job', 'chk-3'))).toEqual(['_metadata']);
    const meta = JSON.parse(await readFile(join(base, 'job', 'chk-3', '_metadata'), 'utf8'));
    expect(meta).toMatchObject({
      checkpointId: 3,
      jobId: 'job',
      operators: { op: { subtasks: [{ pos: [30] }] } },
    });
    expect(task.events).toEqual([
      'trigger 1',
      'complete 1',
      'trigger 2',
      'complete 2',
      'trigger 3',
      'complete 3',
    ]);
  });

  it('expires a checkpoint that is not acknowledged within the timeout and fails the job past the tolerable number', async () => {
    const failures: string[] = [];
    const coordinator = new CheckpointCoordinator(
      options({ timeout: 30, tolerableFailures: 1, onFailure: (e) => failures.push(e.code) }),
    );
    const task = fakeTask('t', () => coordinator, false);
    coordinator.setParticipants([task]);
    await expect(coordinator.triggerCheckpoint().completion).rejects.toThrow(/expired/);
    expect(failures).toEqual([]); // one failure is tolerated
    await expect(coordinator.triggerCheckpoint().completion).rejects.toThrow(/expired/);
    expect(failures).toEqual(['CHECKPOINT_TOLERABLE_FAILURES_EXCEEDED']);
    expect(task.events).toEqual(['trigger 1', 'aborted 1', 'trigger 2', 'aborted 2']);
  });

  it('expires a checkpoint whose _metadata write hangs; later checkpoints proceed and the late write is discarded', async () => {
    const base = await mkdtemp(join(tmpdir(), 'weir-ck-'));
    dirs.push(base);
    const storage = new StallingStorage(new FileSystemCheckpointStorage(`file://${base}`, 'job'));
    const failures: string[] = [];
    const coordinator = new CheckpointCoordinator(
      options({
        storage,
        interval: 5,
        timeout: 200,
        // A loaded machine may let another checkpoint expire too: this test is about the stuck one.
        tolerableFailures: 1_000,
        onFailure: (e) => failures.push(e.code),
      }),
    );
    const task = fakeTask('t', () => coordinator);
    coordinator.setParticipants([task]);
    coordinator.startPeriodicScheduling();
    await waitFor(() => coordinator.counts.completed >= 2, { what: 'checkpoints after the stuck one' });
    coordinator.stopPeriodicScheduling();
    const first = coordinator.statistics[0];
    expect(first).toMatchObject({ id: 1, status: 'FAILED' });
    expect(first.failureReason).toMatch(/expired .* while its metadata was being written/);
    expect(coordinator.counts.failed).toBeGreaterThanOrEqual(1);
    expect(failures).toEqual([]);
    expect(task.events).toContain('aborted 1');
    expect(task.events).not.toContain('complete 1');
    // Shutdown does not wait for the hung write.
    await coordinator.shutdown(true);
    // When the write finally ends, its checkpoint is deleted: it must not look restorable.
    expect(storage.isStalling).toBe(true);
    storage.release();
    const jobDir = join(base, 'job');
    await waitFor(() => storage.discarded.includes(1), { what: 'the late chk-1 to be discarded' });
    expect((await readdir(jobDir)).filter((e) => e.startsWith('chk-'))).toEqual([
      `chk-${coordinator.latestCompleted!.checkpointId}`,
    ]);
  });

  it('counts a hung _metadata write against the tolerable failures and fails the job past them', async () => {
    const base = await mkdtemp(join(tmpdir(), 'weir-ck-'));
    dirs.push(base);
    const storage = new StallingStorage(new FileSystemCheckpointStorage(`file://${base}`, 'job'));
    const failures: string[] = [];
    const coordinator = new CheckpointCoordinator(
      options({ storage, timeout: 50, tolerableFailures: 0, onFailure: (e) => failures.push(e.code) }),
    );
    coordinator.setParticipants([fakeTask('t', () => coordinator)]);
    await expect(coordinator.triggerCheckpoint().completion).rejects.toThrow(/expired/);
    expect(failures).toEqual(['CHECKPOINT_TOLERABLE_FAILURES_EXCEEDED']);
    storage.release();
    await waitFor(() => storage.discarded.includes(1), { what: 'the late chk-1 to be discarded' });
  });

  it('a checkpoint declined because a newer barrier subsumed it is aborted without counting as a failure', async () => {
    const failures: string[] = [];
    const coordinator = new CheckpointCoordinator(options({ onFailure: (e) => failures.push(e.code) }));
    const task = fakeTask('t', () => coordinator, false);
    coordinator.setParticipants([task]);
    const first = coordinator.triggerCheckpoint();
    coordinator.decline('t', first.id, 'barrier 2 arrived before checkpoint 1 ended', true);
    await expect(first.completion).rejects.toThrow(/declined by t/);
    expect(failures).toEqual([]);
    const second = coordinator.triggerCheckpoint();
    coordinator.decline('t', second.id, 'the snapshot failed');
    await expect(second.completion).rejects.toThrow(/the snapshot failed/);
    expect(failures).toEqual(['CHECKPOINT_TOLERABLE_FAILURES_EXCEEDED']);
  });

  it('does not start a periodic checkpoint while max-concurrent are in progress', async () => {
    const coordinator = new CheckpointCoordinator(options({ interval: 5, maxConcurrent: 1 }));
    const task = fakeTask('t', () => coordinator, false);
    coordinator.setParticipants([task]);
    coordinator.startPeriodicScheduling();
    await waitFor(() => task.held.length === 1, { what: 'first trigger' });
    // An absence can only be observed over time: let ten intervals pass with checkpoint 1 open.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(task.held).toEqual([1]);
    task.ack(1);
    await waitFor(() => task.held.length === 2, { what: 'the next trigger once the slot frees' });
    coordinator.stopPeriodicScheduling();
    expect(task.events.slice(0, 3)).toEqual(['trigger 1', 'complete 1', 'trigger 2']);
  });

  it('resumes periodic checkpoints after a savepoint that held the only slot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-coordinator-savepoint-'));
    dirs.push(dir);
    const coordinator = new CheckpointCoordinator(options({ interval: 5, maxConcurrent: 1 }));
    const task = fakeTask('t', () => coordinator, false);
    coordinator.setParticipants([task]);
    const savepoint = coordinator.triggerCheckpoint(dir);
    coordinator.startPeriodicScheduling();
    // The periodic trigger comes while the savepoint is in progress and must wait for it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(task.held).toEqual([savepoint.id]);
    task.ack(savepoint.id);
    await savepoint.completion;
    await waitFor(() => task.held.length === 2, { what: 'a periodic checkpoint after the savepoint' });
    coordinator.stopPeriodicScheduling();
    expect(task.events.slice(0, 3)).toEqual(['trigger 1', 'complete 1', 'trigger 2']);
  });

  it('runs up to max-concurrent checkpoints at once, and no more', async () => {
    const coordinator = new CheckpointCoordinator(options({ interval: 5, maxConcurrent: 3 }));
    const task = fakeTask('t', () => coordinator, false);
    coordinator.setParticipants([task]);
    coordinator.startPeriodicScheduling();
    await waitFor(() => task.held.length === 3, { what: 'three checkpoints in flight' });
    expect(coordinator.numberOfInProgress).toBe(3);
    // An absence can only be observed over time: ten intervals pass with all three slots taken.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(task.held).toEqual([1, 2, 3]);
    task.ack(1);
    await waitFor(() => task.held.length === 4, { what: 'a fourth once a slot frees' });
    coordinator.stopPeriodicScheduling();
    expect(task.held).toEqual([1, 2, 3, 4]);
  });

  it('spaces periodic checkpoints by min-pause after completion', async () => {
    const coordinator = new CheckpointCoordinator(options({ interval: 1, minPause: 80 }));
    const task = fakeTask('t', () => coordinator);
    coordinator.setParticipants([task]);
    coordinator.startPeriodicScheduling();
    await waitFor(() => coordinator.statistics.filter((s) => s.status === 'COMPLETED').length >= 3, {
      what: 'three checkpoints',
    });
    coordinator.stopPeriodicScheduling();
    const stats = coordinator.statistics;
    for (let i = 1; i < stats.length; i++) {
      const previousEnd = stats[i - 1].triggeredAt + (stats[i - 1].durationMs ?? 0);
      expect(stats[i].triggeredAt - previousEnd).toBeGreaterThanOrEqual(79);
    }
  });

  it('rejects a checkpoint larger than the jobmanager storage allows, with a hint', async () => {
    const coordinator = new CheckpointCoordinator(options({ storage: new JobManagerCheckpointStorage(10) }));
    coordinator.setParticipants([fakeTask('t', () => coordinator)]);
    await expect(coordinator.triggerCheckpoint().completion).rejects.toThrow(
      /more than the jobmanager storage allows/,
    );
  });
});
