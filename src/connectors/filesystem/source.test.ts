import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Configuration } from '../../common/config.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { Types } from '../../common/types.js';
import type { OperatorContext, OperatorStateSnapshot, Output, RecordBatch } from '../../runtime/index.js';
import { FileSystemSourceReader } from './source.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const spec = (path: string): ConnectorSpec => ({
  table: 'lines',
  connector: 'filesystem',
  options: { connector: 'filesystem', path, format: 'csv' },
  schema: { fields: [{ name: 'n', type: Types.INT() }] },
});

const context = (subtaskIndex: number, parallelism: number) =>
  ({ subtaskIndex, parallelism, config: new Configuration() }) as unknown as OperatorContext;

/** Polls `reader` `polls` times (or to its end); returns the first column of what it emitted. */
async function read(reader: FileSystemSourceReader, polls = Number.POSITIVE_INFINITY): Promise<number[]> {
  const seen: number[] = [];
  const output: Output = {
    emit: (b: RecordBatch) => {
      for (const r of b.rows) seen.push(r[0] as number);
    },
    emitWatermark: () => {},
  };
  for (let i = 0; i < polls; i++) if ((await reader.poll(output)).status === 'end') break;
  return seen;
}

/** Redistributes union list state as the runtime does: every subtask gets every entry. */
const union = (snapshots: OperatorStateSnapshot[]): OperatorStateSnapshot => ({
  'union:splits': snapshots.flatMap((s) => s['union:splits'] ?? []),
});

describe('filesystem source', () => {
  it('reads every line of every file once, and resumes mid-file after a restore at another parallelism', async () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-fs-'));
    mkdirSync(join(dir, 'sub'));
    const files: Record<string, number[]> = {
      a: [1, 2, 3, 4, 5],
      b: [6, 7],
      'sub/c': [8, 9, 10, 11],
      d: [12],
    };
    for (const [name, ns] of Object.entries(files)) writeFileSync(join(dir, name), `${ns.join('\n')}\n`);
    writeFileSync(join(dir, '.hidden'), '99\n');

    // Three subtasks read two batches of two rows each, then checkpoint.
    const first = [0, 1, 2].map(() => new FileSystemSourceReader(spec(dir), { maxBatchRows: 2 }));
    const before: number[] = [];
    for (const [i, r] of first.entries()) {
      r.initializeState(undefined);
      r.open(context(i, 3));
      before.push(...(await read(r, 2)));
    }
    const snapshots = first.map((r) => r.snapshotState());

    // Restore at parallelism 2 and read to the end.
    const after: number[] = [];
    for (const i of [0, 1]) {
      // Flink's file:// URIs name local paths too.
      const r = new FileSystemSourceReader(spec(`file://${dir}`), { maxBatchRows: 2 });
      r.initializeState(union(snapshots));
      r.open(context(i, 2));
      after.push(...(await read(r)));
    }
    expect(before.length).toBeGreaterThan(0);
    expect([...before, ...after].sort((x, y) => x - y)).toEqual(
      Object.values(files)
        .flat()
        .sort((x, y) => x - y),
    );
  });

  it('names a missing path', () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-fs-'));
    const r = new FileSystemSourceReader(spec(join(dir, 'nope')));
    r.initializeState(undefined);
    expect(() => r.open(context(0, 1))).toThrow(/does not exist/);
  });
});
