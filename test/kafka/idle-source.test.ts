import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/wait.js';
import { brokers, createTopic, produce, unique } from './kafka-helpers.js';
import { startSqlJob } from './sql-job.js';

const cancels: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cancels.splice(0)) await c();
});

/** One partition read at parallelism 2: the second source subtask has nothing to read, ever. */
const script = (topic: string) => `
  CREATE TABLE clicks (id BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH (
    'connector' = 'kafka', 'topic' = '${topic}',
    'properties.bootstrap.servers' = '${brokers().join(',')}',
    'scan.startup.mode' = 'earliest-offset', 'format' = 'json');
  CREATE TABLE out (window_start TIMESTAMP(3), clicks BIGINT) WITH ('connector' = 'print');
  INSERT INTO out SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND))
  GROUP BY window_start, window_end;`;

describe("idle sources ('table.exec.source.idle-timeout')", () => {
  it('a source subtask without partitions goes idle, so windows fire on the other subtask’s watermark', async () => {
    const topic = unique('weir-idle');
    await createTopic(topic, 1);
    // 30 clicks over three seconds; the last one, at 00:00:03, closes the windows of seconds 0–2.
    const clicks = Array.from({ length: 31 }, (_, i) => ({
      id: i,
      ts: `2024-01-01 00:00:0${Math.floor(i / 10)}.${i % 10}00`,
    }));
    await produce(topic, clicks);
    const { job, printed } = await startSqlJob(script(topic), {
      'parallelism.default': '2',
      'table.exec.source.idle-timeout': '300 ms',
      'pipeline.auto-watermark-interval': '50 ms',
    });
    cancels.push(() => job.cancel());
    // Before the idle status existed this subtask also spun on an empty fetch round and starved the
    // process; now its windows fire and the job cancels promptly.
    await waitFor(() => printed.length >= 3, { timeoutMs: 30_000, what: 'three windows' });
    expect(job.status).toBe('RUNNING');
    const windows = printed.map((l) => l.replace(/^\d+> /, '')).sort();
    expect(windows).toEqual([
      '+I[2024-01-01T00:00, 10]',
      '+I[2024-01-01T00:00:01, 10]',
      '+I[2024-01-01T00:00:02, 10]',
    ]);
  });
});
