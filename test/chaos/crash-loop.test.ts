import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CrashLoopReport, formatReport, runCrashLoop } from '../../src/testing/crash-loop.js';
import { runWeir } from '../helpers/cli.js';
import { kafkaConnection, useTestDatabase } from '../infra/context.js';

// The short form of the crash loop (npm run chaos runs the long one): a job SIGKILLed a few times
// at moments drawn from a seed — by a timer or by a failpoint at a checkpoint-protocol step — and
// resumed with `weir run -s` from its latest retained checkpoint, on the real broker and database.
// Runs bin/weir.js, which loads dist/: `npm run build` first (`npm test` does).
const db = useTestDatabase(import.meta.url);
const workDirs: string[] = [];
afterAll(async () => {
  for (const d of workDirs) await rm(d, { recursive: true, force: true });
});

function workDir(name: string): string {
  const dir = join(tmpdir(), `weir-chaos-test-${name}-${process.pid}`);
  workDirs.push(dir);
  return dir;
}

function expectExact(report: CrashLoopReport): void {
  expect(report.problems, formatReport(report)).toEqual([]);
  expect(report.lost).toBe(0);
  expect(report.duplicated).toBe(0);
  expect(report.checked).toBe(report.expected);
  expect(report.lingeringTransactions).toEqual([]);
}

describe('crash loop (short form)', () => {
  it('kafka exactly-once: every record once, in order, after SIGKILLs and restores', async () => {
    const report = await runCrashLoop({
      seed: 3,
      kills: 3,
      sink: 'kafka',
      kafkaBootstrap: kafkaConnection().bootstrapServers,
      killAfterCheckpoint: true,
      killWindowMs: [0, 1200],
      workDir: workDir('kafka'),
    });
    console.log(formatReport(report));
    expectExact(report);
    expect(report.kills).toBe(3);
    expect(report.restarts).toBe(3);
    expect(report.restoredFrom.length).toBe(3);
    expect(report.outOfOrder).toBe(0);

    // weir's own Kafka source reads the topic back, read_committed, through every aborted
    // transaction the kills left in it. (The client's Consumer.fetch filter used to crash the
    // process on such a topic: chaos seed 44, 30 kills.)
    const job = join(workDir('kafka-read'), 'read.sql');
    await mkdir(join(job, '..'), { recursive: true });
    await writeFile(
      job,
      `CREATE TABLE src (id BIGINT, v BIGINT) WITH (
         'connector' = 'kafka', 'topic' = '${report.output}',
         'properties.bootstrap.servers' = '${kafkaConnection().bootstrapServers}',
         'properties.isolation.level' = 'read_committed',
         'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', 'format' = 'json'
       );
       CREATE TABLE out (id BIGINT, v BIGINT) WITH ('connector' = 'print');
       INSERT INTO out SELECT id, v FROM src;\n`,
    );
    const read = await runWeir(['run', '-f', job, '-D', 'restart-strategy.type=none']);
    expect(read.code, read.stderr).toBe(0);
    const ids = read.stdout
      .split('\n')
      .filter((l) => l.startsWith('+I['))
      .map((l) => Number(/^\+I\[(\d+),/.exec(l)![1]));
    expect(ids.length).toBe(report.expected);
    expect(new Set(ids).size).toBe(report.expected);
  }, 120_000);

  it('jdbc exactly-once: every row once after SIGKILLs and restores, no prepared transaction left', async () => {
    const report = await runCrashLoop({
      seed: 4,
      kills: 2,
      sink: 'jdbc',
      postgresUrl: db().url,
      workDir: workDir('jdbc'),
    });
    console.log(formatReport(report));
    expectExact(report);
    expect(report.kills).toBe(2);
    expect(report.restarts).toBe(2);
  }, 90_000);

  it('filesystem exactly-once: the finished part files hold every row once, no hidden part file left', async () => {
    const report = await runCrashLoop({
      seed: 21,
      kills: 3,
      sink: 'filesystem',
      rows: 30_000,
      // The first run dies between a checkpoint's completion and the rename of its files.
      schedule: ['sink.before-commit=kill@2'],
      killAfterCheckpoint: true,
      killWindowMs: [0, 1200],
      workDir: workDir('filesystem'),
    });
    console.log(formatReport(report));
    expectExact(report);
    expect(report.kills).toBe(3);
    expect(report.failpointKills['sink.before-commit']).toBe(1);
    expect(report.restoredFrom.length).toBe(3);
  }, 90_000);

  it('a tumbling-window aggregation in the middle, kafka exactly-once: every window once', async () => {
    const report = await runCrashLoop({
      seed: 6,
      kills: 2,
      sink: 'kafka',
      query: 'window',
      rows: 40_000,
      kafkaBootstrap: kafkaConnection().bootstrapServers,
      killAfterCheckpoint: true,
      killWindowMs: [0, 1200],
      workDir: workDir('kafka-window'),
    });
    console.log(formatReport(report));
    expectExact(report);
    expect(report.kills).toBe(2);
  }, 90_000);

  it('a regular join in the middle, jdbc exactly-once: every joined row once', async () => {
    const report = await runCrashLoop({
      seed: 8,
      kills: 2,
      sink: 'jdbc',
      query: 'join',
      postgresUrl: db().url,
      workDir: workDir('jdbc-join'),
    });
    console.log(formatReport(report));
    expectExact(report);
    expect(report.kills).toBe(2);
  }, 90_000);

  it("a group aggregation upserted into PostgreSQL, jdbc exactly-once: the table ends with every key's final sum", async () => {
    const report = await runCrashLoop({
      seed: 41,
      kills: 2,
      sink: 'jdbc',
      query: 'upsert',
      rows: 20_000,
      schedule: ['sink.before-commit=kill@2'],
      killAfterCheckpoint: true,
      killWindowMs: [0, 1200],
      postgresUrl: db().url,
      workDir: workDir('jdbc-upsert'),
    });
    console.log(formatReport(report));
    expectExact(report);
    expect(report.wrongValues).toBe(0);
    expect(report.kills).toBe(2);
  }, 90_000);

  it('parallelism 2 on two worker threads, a window aggregation, kafka exactly-once: every window once', async () => {
    const report = await runCrashLoop({
      seed: 9,
      kills: 2,
      sink: 'kafka',
      query: 'window',
      rows: 40_000,
      parallelism: 2,
      kafkaBootstrap: kafkaConnection().bootstrapServers,
      killAfterCheckpoint: true,
      killWindowMs: [0, 1200],
      workDir: workDir('kafka-window-p2'),
    });
    console.log(formatReport(report));
    expectExact(report);
    expect(report.kills).toBe(2);
  }, 120_000);

  it('topic → filter → topic, kafka exactly-once: the input read from a topic, every kept record once', async () => {
    const report = await runCrashLoop({
      seed: 10,
      kills: 2,
      source: 'kafka',
      sink: 'kafka',
      query: 'filter',
      rows: 30_000,
      kafkaBootstrap: kafkaConnection().bootstrapServers,
      // The Kafka source reads at full speed, so a timed kill can come after a quick job has ended:
      // both kills are failpoints, between a checkpoint's completion and the sink's commit.
      schedule: ['sink.before-commit=kill@1', 'sink.before-commit=kill@1'],
      killAfterCheckpoint: true,
      killWindowMs: [0, 800],
      workDir: workDir('kafka-topic-to-topic'),
    });
    console.log(formatReport(report));
    expectExact(report);
    expect(report.expected).toBe(22_500);
    expect(report.kills).toBe(2);
    expect(report.outOfOrder).toBe(0);
  }, 90_000);

  it('kafka at-least-once: nothing lost after SIGKILLs', async () => {
    const report = await runCrashLoop({
      seed: 5,
      kills: 2,
      sink: 'kafka',
      guarantee: 'at-least-once',
      failpointShare: 0,
      rows: 40_000,
      killAfterCheckpoint: true,
      killWindowMs: [0, 1200],
      kafkaBootstrap: kafkaConnection().bootstrapServers,
      workDir: workDir('kafka-alo'),
    });
    console.log(formatReport(report));
    expect(report.problems, formatReport(report)).toEqual([]);
    expect(report.lost).toBe(0);
    expect(report.checked).toBeGreaterThanOrEqual(report.expected);
    expect(report.kills).toBe(2);
    expect(report.restoredFrom.length).toBe(2);
  }, 90_000);
});
