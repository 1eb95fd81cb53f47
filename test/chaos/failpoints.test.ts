import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CrashLoopOptions,
  type CrashLoopReport,
  type CrashSink,
  formatReport,
  runCrashLoop,
} from '../../src/testing/crash-loop.js';
import { kafkaConnection, useTestDatabase } from '../infra/context.js';

// Every step of the checkpoint and commit protocol, broken on purpose with the named failpoints of
// src/common/failpoints.ts: a throw there must be recovered by the restart strategy inside the
// process, a SIGKILL there by `weir run -s` from the latest retained checkpoint — and either way
// the real Kafka topic or PostgreSQL table ends with every record exactly once.
// Runs bin/weir.js, which loads dist/: `npm run build` first (`npm test` does).
const db = useTestDatabase(import.meta.url);
const workDirs: string[] = [];
afterAll(async () => {
  for (const d of workDirs) await rm(d, { recursive: true, force: true });
});

const STEPS = [
  'source.before-barrier',
  'source.after-barrier',
  'operator.snapshot',
  'checkpoint.async-upload',
  'checkpoint.before-metadata',
  'checkpoint.after-metadata',
  'checkpoint.before-notify',
  'sink.before-commit',
] as const;
/** Steps of a restore, reached once per process start from a checkpoint. */
const RESTORE_STEPS = ['restore.commit', 'task.restore'] as const;

function loop(sink: CrashSink, name: string, options: Partial<CrashLoopOptions>): Promise<CrashLoopReport> {
  const workDir = join(tmpdir(), `weir-failpoints-${sink}-${name}-${process.pid}`);
  workDirs.push(workDir);
  return runCrashLoop({
    seed: 1,
    kills: 0,
    sink,
    rows: 8_000,
    kafkaBootstrap: sink === 'kafka' ? kafkaConnection().bootstrapServers : undefined,
    postgresUrl: sink === 'jdbc' ? db().url : undefined,
    workDir,
    ...options,
  });
}

function expectExactlyOnce(report: CrashLoopReport): void {
  expect(report.problems, formatReport(report)).toEqual([]);
  expect(report.checked).toBe(report.expected);
  expect(report.lost).toBe(0);
  expect(report.duplicated).toBe(0);
  expect(report.lingeringTransactions).toEqual([]);
}

describe.each(['jdbc', 'kafka'] as const)(
  'failpoints at every protocol step, %s exactly-once sink',
  (sink) => {
    it('throw: the restart strategy recovers from each step', async () => {
      // All at once in one process: each fires once, at a different checkpoint or restore.
      const schedule = [
        [
          ...STEPS.map((s, i) => `${s}=throw@${2 + (i % 3)}`),
          ...RESTORE_STEPS.map((s) => `${s}=throw@1`),
        ].join(';'),
      ];
      const report = await loop(sink, 'throw', { schedule });
      console.log(formatReport(report));
      expectExactlyOnce(report);
      for (const step of [...STEPS, ...RESTORE_STEPS]) expect(report.fired[`${step}=throw`], step).toBe(1);
      expect(report.failovers).toBeGreaterThanOrEqual(STEPS.length + RESTORE_STEPS.length);
      expect(report.restarts).toBe(0);
    }, 60_000);

    it('kill: weir run -s recovers from each step', async () => {
      // One process per step, each killed there; the restore steps come after a kill that leaves
      // committables to commit at the restore.
      // The Kafka sink's own steps only: the runtime's are the same code under both sinks, and a
      // Kafka run takes longer (the JDBC case covers them all).
      const steps =
        sink === 'jdbc' ? STEPS : STEPS.filter((s) => s.startsWith('checkpoint.') || s.startsWith('sink.'));
      const schedule = [...steps.map((s) => `${s}=kill@2`), ...RESTORE_STEPS.map((s) => `${s}=kill@1`)];
      // Each process gets to its second checkpoint before it is killed: about a second of input
      // (4000 rows/s) per scheduled kill, so the input cannot run out before the last step is reached.
      const report = await loop(sink, 'kill', { schedule, rows: 4_000 * (schedule.length + 2) });
      console.log(formatReport(report));
      expectExactlyOnce(report);
      for (const step of [...steps, ...RESTORE_STEPS]) expect(report.failpointKills[step], step).toBe(1);
      expect(report.kills).toBe(schedule.length);
      expect(report.restarts).toBe(schedule.length);
    }, 120_000);

    it('in the middle of a multi-commit: a throw, then a SIGKILL, between two transactions', async () => {
      // A checkpoint that fails after its transaction was prepared leaves it for the next completed
      // checkpoint, which then commits two: the failpoint sits between them. Failed checkpoints are
      // tolerated here, so the job goes on after them instead of failing over.
      const config = ['execution.checkpointing.tolerable-failed-checkpoints=10'];
      const thrown = await loop(sink, 'multi-throw', {
        config,
        schedule: ['checkpoint.after-metadata=throw@2;sink.commit=throw@1'],
      });
      console.log(formatReport(thrown));
      expectExactlyOnce(thrown);
      expect(thrown.fired['checkpoint.after-metadata=throw']).toBe(1);
      expect(thrown.fired['sink.commit=throw']).toBe(1);
      expect(thrown.failovers).toBe(1);
      const killed = await loop(sink, 'multi-kill', {
        config,
        schedule: ['checkpoint.before-metadata=throw@2;sink.commit=kill@1'],
      });
      console.log(formatReport(killed));
      expectExactlyOnce(killed);
      expect(killed.fired['checkpoint.before-metadata=throw']).toBe(1);
      expect(killed.failpointKills['sink.commit']).toBe(1);
    }, 90_000);
  },
);
