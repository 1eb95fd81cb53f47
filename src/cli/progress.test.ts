import { describe, expect, it } from 'vitest';
import { JOB_GRAPH_VERSION, type JobGraph } from '../common/jobgraph.js';
import { Types } from '../common/types.js';
import type { JobClient } from '../runtime/index.js';
import { jobStatusLine, ProgressReporter, type StatusTerminal } from './progress.js';

const SOURCE = 'a'.repeat(32);
const SINK = 'b'.repeat(32);

function fakeJob(): JobClient {
  const view = {
    operatorRates: {
      [SOURCE]: { numRecordsInPerSecond: 0, numRecordsOutPerSecond: 1500 },
      [SINK]: { numRecordsInPerSecond: 700, numRecordsOutPerSecond: 0 },
    },
  };
  return {
    jobId: '0123456789abcdef0123456789abcdef',
    status: 'RUNNING',
    metrics: { subtasks: () => [view, view], numRestarts: 1 },
    coordinator: {
      statistics: [
        { id: 7, status: 'COMPLETED', durationMs: 42.4 },
        { id: 8, status: 'IN_PROGRESS' },
      ],
    },
  } as unknown as JobClient;
}

const schema = { fields: [{ name: 'id', type: Types.BIGINT() }] };
const graph: JobGraph = {
  version: JOB_GRAPH_VERSION,
  jobName: 'j',
  config: {},
  vertices: [
    {
      id: SOURCE,
      name: 'source',
      operator: { kind: 'source', connector: { table: 't', connector: 'datagen', options: {}, schema } },
    },
    {
      id: SINK,
      name: 'sink',
      operator: {
        kind: 'sink',
        inputChangelogMode: 'insert-only',
        connector: { table: 'o', connector: 'blackhole', options: {}, schema },
      },
    },
  ],
  edges: [{ source: SOURCE, target: SINK, partitioner: 'forward' }],
};

function terminal(isTTY: boolean): StatusTerminal & { text: string } {
  const t = {
    text: '',
    isTTY,
    columns: 200,
    write(chunk: string) {
      t.text += chunk;
      return true;
    },
    once: () => undefined,
  };
  return t;
}

describe('the status of a running job', () => {
  it('sums records/s over subtasks at the sources and sinks, with the last completed checkpoint', () => {
    expect(jobStatusLine(fakeJob(), [SOURCE], [SINK])).toBe(
      'job 01234567: 3000 in/s, 1400 out/s, checkpoint 7 (42 ms), 1 restart',
    );
  });

  it('on a terminal, is one line redrawn in place that other output erases first', async () => {
    const tty = terminal(true);
    const progress = new ProgressReporter(tty);
    const stdout = progress.guard(tty);
    progress.watch(fakeJob(), graph);
    stdout.write('+I[1]\n');
    expect(tty.text).toBe(
      '+I[1]\n\r\x1b[2Kjob 01234567: 3000 in/s, 1400 out/s, checkpoint 7 (42 ms), 1 restart',
    );
    stdout.write('+I[2]\n');
    // The line is erased before the record and drawn again after it: it never tears.
    expect(tty.text.split('\r\x1b[2K')).toHaveLength(4);
    expect(tty.text).toContain('restart\r\x1b[2K+I[2]\n\r\x1b[2Kjob 01234567');
    progress.stop();
    expect(tty.text.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('on a pipe, is a plain log line now and then, never a control sequence', async () => {
    const pipe = terminal(false);
    const progress = new ProgressReporter(pipe, 20);
    expect(progress.guard(pipe)).toBe(pipe);
    progress.watch(fakeJob(), graph);
    const deadline = Date.now() + 5000;
    while (!pipe.text.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    progress.stop();
    expect(pipe.text.split('\n')[0]).toBe(
      '[INFO] job 01234567: 3000 in/s, 1400 out/s, checkpoint 7 (42 ms), 1 restart',
    );
    expect(pipe.text).not.toContain('\x1b');
  });
});
