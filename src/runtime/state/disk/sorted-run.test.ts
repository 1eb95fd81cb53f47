import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BlockCache } from './block-cache.js';
import { compositeKey, keyGroupPrefix, type StoredRecord } from './records.js';
import { SortedRunReader, SortedRunWriter } from './sorted-run.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function records(n: number): StoredRecord[] {
  return Array.from({ length: n }, (_, i): StoredRecord => {
    const ck = compositeKey(keyGroupPrefix(i % 7), 's', `k${String(i).padStart(5, '0')}`);
    return i % 10 === 9 ? [ck] : [ck, [i], { n: i, big: BigInt(i) }, 1000 + i];
  }).sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

function write(name: string, rs: StoredRecord[]): string {
  const path = join(dir, name);
  const w = new SortedRunWriter(path, 256);
  for (const r of rs) w.add(r);
  w.finish({ durable: true });
  return path;
}

describe('sorted run files', () => {
  it('finds every record by key, scans in order from any key, and misses absent keys', () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-sst-'));
    const rs = records(500);
    const reader = SortedRunReader.open(write('a.sst', rs), 1, new BlockCache(4096));
    for (const r of rs) expect(reader.get(r[0])).toEqual(r);
    expect(reader.get(compositeKey(keyGroupPrefix(3), 's', 'nope'))).toBeUndefined();
    expect([...reader.scan()]).toEqual(rs);
    expect([...reader.scan(rs[250][0])]).toEqual(rs.slice(250));
    expect(reader.meta).toMatchObject({ count: 500, minKeyGroup: 0, maxKeyGroup: 6 });
    reader.close();
  });

  it('never makes a half-written file visible: it is written under a temporary name and renamed when complete', () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-sst-'));
    const path = join(dir, 'b.sst');
    const w = new SortedRunWriter(path, 256);
    for (const r of records(300)) w.add(r);
    // Blocks are on disk, but under the temporary name only (a crash here leaves no run).
    expect(readdirSync(dir)).toEqual(['b.sst.inprogress']);
    w.abandon();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('rejects a truncated file and a damaged block with STATE_FILE_CORRUPT', () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-sst-'));
    const rs = records(300);
    const truncated = write('t.sst', rs);
    truncateSync(truncated, 1000);
    expect(() => SortedRunReader.open(truncated, 1, new BlockCache(0))).toThrow(
      expect.objectContaining({ code: 'STATE_FILE_CORRUPT' }),
    );
    const damaged = write('d.sst', rs);
    const bytes = readFileSync(damaged);
    bytes[10] = bytes[10] === 0x31 ? 0x32 : 0x31;
    writeFileSync(damaged, bytes);
    const reader = SortedRunReader.open(damaged, 2, new BlockCache(0));
    expect(() => reader.get(rs[0][0])).toThrow(/block 0 checksum mismatch/);
    reader.close();
  });

  it('refuses keys out of order', () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-sst-'));
    const w = new SortedRunWriter(join(dir, 'c.sst'), 256);
    w.add(['0001b']);
    expect(() => w.add(['0001a'])).toThrow(/out of order/);
    w.abandon();
  });
});
