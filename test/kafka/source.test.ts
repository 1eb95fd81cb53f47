import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { partitionOwner } from '../../src/connectors/kafka/assignment.js';
import { waitFor } from '../helpers/wait.js';
import { brokers, createTopic, produce, unique } from './kafka-helpers.js';
import { startSqlJob } from './sql-job.js';

const cancels: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  // Newest first: a job still checkpointing is cancelled before its checkpoint directory is removed.
  for (const c of cancels.splice(0).reverse()) await c();
});

const table = (topic: string, extra = '') => `
  CREATE TABLE bids (
    auction BIGINT, price DECIMAL(10, 2), bidder STRING, ts TIMESTAMP(3)
  ) WITH (
    'connector' = 'kafka', 'topic' = '${topic}',
    'properties.bootstrap.servers' = '${brokers().join(',')}',
    'scan.startup.mode' = 'earliest-offset', 'format' = 'json'${extra}
  );
  CREATE TABLE out (auction BIGINT, price DECIMAL(10, 2), bidder STRING, ts TIMESTAMP(3))
    WITH ('connector' = 'print');
  INSERT INTO out SELECT * FROM bids;`;

const bid = (i: number) => ({ auction: i, price: i + 0.25, bidder: `b${i}`, ts: '2024-01-02 03:04:05.678' });

describe('kafka source', () => {
  it.each([1, 2])(
    'reads every record of a 3-partition topic from earliest at parallelism %i',
    async (parallelism) => {
      const topic = unique('weir-src');
      await createTopic(topic, 3);
      const n = 3000;
      await produce(
        topic,
        Array.from({ length: n }, (_, i) => bid(i)),
        { partitions: 3 },
      );
      const { job, printed } = await startSqlJob(table(topic), {
        'parallelism.default': String(parallelism),
      });
      cancels.push(() => job.cancel());
      await waitFor(() => printed.length >= n, { timeoutMs: 20_000, what: `${n} rows` });
      const ids = printed.map((l) => Number(/\+I\[(\d+),/.exec(l.replace(/^\d+> /, ''))![1]));
      expect(new Set(ids).size).toBe(n);
      expect(printed.some((l) => l.endsWith('+I[7, 7.25, b7, 2024-01-02T03:04:05.678]'))).toBe(true);
      if (parallelism === 2) {
        // Each subtask printed exactly the partitions Flink's enumerator gives it.
        for (const line of printed.slice(0, 50)) {
          const subtask = Number(/^(\d+)> /.exec(line)![1]) - 1;
          const id = Number(/\+I\[(\d+),/.exec(line)![1]);
          expect(partitionOwner(topic, id % 3, 2)).toBe(subtask);
        }
      }
    },
  );

  it('stops at the latest offset with scan.bounded.mode and skips aborted transactions', async () => {
    const topic = unique('weir-src-bounded');
    await createTopic(topic, 2);
    await produce(topic, [bid(1), bid(2)], { partitions: 2, transactionalId: unique('t') });
    await produce(topic, [bid(100), bid(101)], { partitions: 2, transactionalId: unique('t'), abort: true });
    await produce(topic, [bid(3), bid(4)], { partitions: 2 });
    const { job, printed } = await startSqlJob(table(topic, ", 'scan.bounded.mode' = 'latest-offset'"));
    const result = await job.result;
    expect(result.status).toBe('FINISHED');
    expect(printed.map((l) => Number(/\+I\[(\d+),/.exec(l)![1])).sort()).toEqual([1, 2, 3, 4]);
  });

  it.each([1, 2])(
    'resumes from checkpointed offsets at parallelism %i: no duplicates, no gaps',
    async (parallelism) => {
      const topic = unique('weir-src-restore');
      await createTopic(topic, 2);
      const total = 2000;
      await produce(
        topic,
        Array.from({ length: 1000 }, (_, i) => bid(i)),
        { partitions: 2 },
      );
      const dir = await mkdtemp(join(tmpdir(), 'weir-kafka-src-'));
      cancels.push(() => rm(dir, { recursive: true, force: true }));
      const props = {
        'execution.checkpointing.interval': '50ms',
        'state.checkpoints.dir': `file://${dir}`,
        'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
      };
      const first = await startSqlJob(table(topic), props);
      await waitFor(
        () => first.printed.length >= 500 && (first.job.coordinator.latestCompleted?.checkpointId ?? 0) > 1,
        {
          timeoutMs: 20_000,
          what: 'rows and a checkpoint',
        },
      );
      const result = await first.job.cancel();
      const retained = result.retainedCheckpoints.at(-1)!;
      // Records written while the job is down are read after the restore.
      await produce(
        topic,
        Array.from({ length: total - 1000 }, (_, i) => bid(1000 + i)),
        { partitions: 2 },
      );
      const metadata = JSON.parse(await readFile(join(retained.location, '_metadata'), 'utf8'));
      const offsets = new Map<number, number>();
      for (const op of Object.values(metadata.operators) as { subtasks: Record<string, unknown[]>[] }[]) {
        for (const s of op.subtasks) {
          for (const e of (s['union:kafka-offsets'] ?? []) as { partition: number; offset: number }[])
            offsets.set(e.partition, e.offset);
        }
      }
      expect([...offsets.keys()].sort()).toEqual([0, 1]);
      // Values were written round-robin in order: id i is at offset floor(i/2) of partition i % 2.
      const expected = Array.from({ length: total }, (_, i) => i).filter(
        (i) => Math.floor(i / 2) >= offsets.get(i % 2)!,
      );
      // Restoring at another parallelism hands each partition's offset to its new owner (union state).
      const second = await startSqlJob(table(topic), {
        ...props,
        'parallelism.default': String(parallelism),
        'execution.state-recovery.path': retained.location,
      });
      cancels.push(() => second.job.cancel());
      await waitFor(() => second.printed.length >= expected.length, {
        timeoutMs: 20_000,
        what: `${expected.length} rows`,
      });
      const ids = second.printed.map((l) => Number(/\+I\[(\d+),/.exec(l)![1]));
      expect(ids.sort((a, b) => a - b)).toEqual(expected);
      expect(expected.length).toBeLessThan(total);
    },
  );
});
