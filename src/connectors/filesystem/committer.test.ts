import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../common/config.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { Types } from '../../common/types.js';
import type { OperatorContext } from '../../runtime/index.js';
import type { PartitionCommitInfo } from './committables.js';
import { PartitionCommitter } from './committer.js';
import { escapePartitionValue, partitionTimeExtractor, partitionValuesOf } from './partitions.js';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

const spec = (options: Record<string, string>): ConnectorSpec => ({
  table: 'default_catalog.default_database.t',
  connector: 'filesystem',
  options: { connector: 'filesystem', path: root, format: 'csv', ...options },
  schema: {
    fields: [
      { name: 'v', type: Types.STRING() },
      { name: 'dt', type: Types.STRING() },
      { name: 'hm', type: Types.STRING() },
    ],
  },
  partitionKeys: ['dt', 'hm'],
});

const ctx = {
  config: new Configuration([['execution.checkpointing.interval', '1 s']]),
  log: { info: () => {}, warn: () => {} },
} as unknown as OperatorContext;

/** A pending part file in partition `dt=…/hm=…`, as a writer closes it for `checkpointId`. */
function file(checkpointId: number, dt: string, hm: string, n: number) {
  const partition = `dt=${dt}/hm=${escapePartitionValue(hm)}`;
  mkdirSync(join(root, partition), { recursive: true });
  const inProgress = join(root, partition, `.part-x-0-${n}.inprogress`);
  writeFileSync(inProgress, 'row\n');
  return { checkpointId, inProgress, final: join(root, partition, `part-x-0-${n}`), partition };
}

const info = (
  checkpointId: number,
  subtask: number,
  watermark: number,
  files: PartitionCommitInfo['files'],
) => [[{ checkpointId, subtask, watermark, files } satisfies PartitionCommitInfo]];

const success = (dt: string, hm: string) =>
  existsSync(join(root, `dt=${dt}`, `hm=${escapePartitionValue(hm)}`, '_SUCCESS'));

describe('PartitionCommitter', () => {
  it("partition-time: commits a partition once every writer's watermark passed its time plus the delay", () => {
    root = mkdtempSync(join(tmpdir(), 'weir-committer-'));
    const committer = new PartitionCommitter(
      spec({
        'sink.partition-commit.trigger': 'partition-time',
        'sink.partition-commit.delay': '1 min',
        'partition.time-extractor.timestamp-pattern': '$dt $hm:00',
      }),
    );
    committer.open(ctx);
    const t1000 = Date.UTC(2024, 0, 1, 10, 0);
    const a = file(1, '2024-01-01', '10:00', 0);
    const b = file(1, '2024-01-01', '10:01', 1);
    // Writer 0 is past 10:01 + 1 min, writer 1 only at 10:01:30: the lowest watermark counts.
    committer.processBatch({ rows: info(1, 0, t1000 + 150_000, [a]) });
    committer.processBatch({ rows: info(1, 1, t1000 + 90_000, [b]) });
    committer.notifyCheckpointComplete(1);
    expect(existsSync(a.final) && existsSync(b.final)).toBe(true);
    expect(success('2024-01-01', '10:00')).toBe(true);
    expect(success('2024-01-01', '10:01')).toBe(false);
    // The partition waits in state across a restore, and commits when the watermark moves on.
    const restored = new PartitionCommitter(
      spec({
        'sink.partition-commit.trigger': 'partition-time',
        'sink.partition-commit.delay': '1 min',
        'partition.time-extractor.timestamp-pattern': '$dt $hm:00',
      }),
    );
    restored.initializeState(committer.snapshotState());
    restored.open(ctx);
    restored.processBatch({ rows: info(2, 1, t1000 + 121_000, []) });
    restored.processBatch({ rows: info(2, 0, t1000 + 200_000, []) });
    restored.notifyCheckpointComplete(2);
    expect(success('2024-01-01', '10:01')).toBe(true);
  });

  it('process-time with no delay commits at the checkpoint, and files of later checkpoints wait', () => {
    root = mkdtempSync(join(tmpdir(), 'weir-committer-'));
    const committer = new PartitionCommitter(spec({}));
    committer.open(ctx);
    const early = file(1, '2024-01-01', '10:00', 0);
    const late = file(2, '2024-01-02', '10:00', 1);
    committer.processBatch({ rows: info(1, 0, 0, [early]) });
    committer.processBatch({ rows: info(2, 0, 0, [late]) });
    committer.notifyCheckpointComplete(1);
    expect(success('2024-01-01', '10:00')).toBe(true);
    expect(existsSync(late.final)).toBe(false);
    expect(success('2024-01-02', '10:00')).toBe(false);
  });

  it('extracts partition times as Flink does: a pattern over the values, or the first value alone', () => {
    const values = partitionValuesOf('dt=2024-03-05/hm=07%3A30/part-0');
    expect(values.get('hm')).toBe('07:30');
    expect(partitionTimeExtractor(['dt', 'hm'], '$dt $hm:00', 'yyyy-MM-dd HH:mm:ss')(values)).toBe(
      Date.UTC(2024, 2, 5, 7, 30),
    );
    expect(partitionTimeExtractor(['dt'], undefined, 'yyyy-MM-dd HH:mm:ss')(values)).toBe(
      Date.UTC(2024, 2, 5),
    );
  });
});
