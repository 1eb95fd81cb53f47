import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringifyState } from '../../common/serde.js';
import type { KeyGroupState } from '../api/state.js';
import { type CheckpointMetadata, METADATA_FORMAT, METADATA_VERSION } from './metadata.js';
import { readMetadataFile, writeMetadataFile } from './metadata-file.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const metadata: CheckpointMetadata = {
  format: METADATA_FORMAT,
  version: METADATA_VERSION,
  kind: 'savepoint',
  jobId: 'a'.repeat(32),
  jobName: 'line "one"\nline two',
  checkpointId: 7,
  triggeredAt: 1,
  completedAt: 2,
  operators: {
    ['b'.repeat(32)]: {
      name: 'Source: numbers',
      parallelism: 2,
      maxParallelism: 128,
      subtasks: [{ 'datagen-splits': [{ emitted: 5 }] }, { 'datagen-splits': [{ emitted: 6 }] }],
    },
    ['c'.repeat(32)]: {
      name: 'GroupAggregate',
      parallelism: 2,
      maxParallelism: 128,
      subtasks: [{}, {}],
      keyedState: {
        '3': { acc: [['k\n1', [1n, Number.NaN, -0]]] },
        '17': { acc: [['k2', [new Map([['x', new Uint8Array([1, 2])]]), { $map: 'escaped' }]]] },
      },
    },
    ['d'.repeat(32)]: { name: 'Sink', parallelism: 1, maxParallelism: 128, subtasks: [{}], keyedState: {} },
  },
};

async function writeAndRead(path: string, m: CheckpointMetadata): Promise<string> {
  await writeMetadataFile(path, m);
  return readFile(path, 'utf8');
}

describe('_metadata written and read a key group at a time', () => {
  it('round-trips every value, one key group a line, and is one JSON document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-metadata-'));
    dirs.push(dir);
    const path = join(dir, '_metadata');
    const bytes = await writeMetadataFile(path, metadata);
    const text = await readFile(path, 'utf8');
    expect(bytes).toBe(Buffer.byteLength(text));
    expect(text.split('\n').filter((l) => /^"(3|17)":/.test(l))).toHaveLength(2);
    expect(JSON.parse(text).operators['c'.repeat(32)].keyedState['3'].acc[0][0]).toBe('k\n1');
    expect(await readMetadataFile(path)).toEqual(metadata);
  });

  it('writes a key group handed over as text, whole or in parts, as it is, and reads it back as entries', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-metadata-'));
    dirs.push(dir);
    const path = join(dir, '_metadata');
    const operator = metadata.operators['c'.repeat(32)];
    const groups = operator.keyedState as Record<string, KeyGroupState>;
    const asText: CheckpointMetadata = {
      ...metadata,
      operators: {
        ...metadata.operators,
        ['c'.repeat(32)]: {
          ...operator,
          keyedState: {
            '3': stringifyState(groups['3']),
            // In parts, as the heap backend hands it over: written one after another.
            '17': stringifyState(groups['17']).match(/[\s\S]{1,7}/g) as string[],
          },
        },
      },
    };
    await writeMetadataFile(path, asText);
    expect(await readFile(path, 'utf8')).toBe(await writeAndRead(join(dir, 'entries'), metadata));
    expect(await readMetadataFile(path)).toEqual(metadata);
  });

  it('reads metadata written on one line, and rejects a document that ends early', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-metadata-'));
    dirs.push(dir);
    const oneLine = join(dir, 'one-line');
    await writeFile(oneLine, stringifyState(metadata));
    expect(await readMetadataFile(oneLine)).toEqual(metadata);

    const full = join(dir, 'full');
    await writeMetadataFile(full, metadata);
    const lines = (await readFile(full, 'utf8')).split('\n');
    const cut = join(dir, 'cut');
    await writeFile(cut, lines.slice(0, 4).join('\n'));
    await expect(readMetadataFile(cut)).rejects.toThrow(/ends early/);
  });

  it('reads lines longer than one read (16 MiB) whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'weir-metadata-'));
    dirs.push(dir);
    const path = join(dir, '_metadata');
    const big = 'x'.repeat(40 << 20);
    const large: CheckpointMetadata = {
      ...metadata,
      operators: {
        ['c'.repeat(32)]: {
          name: 'GroupAggregate',
          parallelism: 1,
          maxParallelism: 128,
          subtasks: [{}],
          keyedState: { '1': { v: [['a', big]] }, '2': { v: [['b', 'small']] } },
        },
      },
    };
    await writeMetadataFile(path, large);
    expect(await readMetadataFile(path)).toEqual(large);
  });
});
