import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isKeyedStateHandle, type KeyedStateHandle, type KeyedStateSnapshot } from '../../api/state.js';
import { HeapKeyedStateBackend } from '../heap-keyed-state.js';
import { keyGroupState } from '../key-group-text.js';
import { keyGroupRange } from '../key-groups.js';
import { runFilesToCanonical } from './canonical.js';
import { type DiskBackendOptions, DiskKeyedStateBackend } from './disk-keyed-state.js';

const dirs: string[] = [];
const backends: DiskKeyedStateBackend[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'weir-disk-test-'));
  dirs.push(d);
  return d;
}

function disk(options: Partial<DiskBackendOptions> = {}): DiskKeyedStateBackend {
  const b = new DiskKeyedStateBackend({
    maxParallelism: 128,
    parallelism: 1,
    subtaskIndex: 0,
    directory: join(tempDir(), 'local'),
    namePrefix: 'op-0',
    writeBufferBytes: 2048,
    blockSize: 512,
    blockCacheBytes: 4096,
    maxRuns: 3,
    ...options,
  });
  backends.push(b);
  return b;
}

afterEach(() => {
  for (const b of backends.splice(0)) b.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** Snapshot entries in a canonical order, so two snapshots of the same state compare equal. */
function sorted(snapshot: KeyedStateSnapshot): unknown {
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const [kg, group] of Object.entries(snapshot)) {
    for (const [name, entries] of Object.entries(keyGroupState(group))) {
      (out[kg] ??= {})[name] = [...entries]
        .map((e) => {
          const [key, value] = e as [unknown[], unknown, number];
          return [key, value instanceof Map ? [...value].sort() : value];
        })
        .sort((a, b) => JSON.stringify(a[0]).localeCompare(JSON.stringify(b[0])));
    }
  }
  return out;
}

function rng(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

describe('DiskKeyedStateBackend', () => {
  it('keeps value, list and map state per key across memtable, flushed runs and compaction', async () => {
    const b = disk();
    const v = b.getValueState<number>('v');
    const l = b.getListState<string>('l');
    const m = b.getMapState<string, number>('m');
    for (let i = 0; i < 300; i++) {
      b.setCurrentKey([`k${i}`]);
      v.update(i);
      l.add(`a${i}`);
      l.add(`b${i}`);
      m.put('x', i);
      m.put('y', -i);
    }
    await b.settle();
    expect(b.stats.runs).toBeGreaterThan(0);
    // Overwrite some, delete some: the newer layers must shadow the runs.
    for (let i = 0; i < 300; i += 3) {
      b.setCurrentKey([`k${i}`]);
      v.update(i * 10);
      m.remove('x');
    }
    for (let i = 1; i < 300; i += 3) {
      b.setCurrentKey([`k${i}`]);
      v.clear();
      l.clear();
    }
    await b.flushNow();
    for (let i = 0; i < 300; i++) {
      b.setCurrentKey([`k${i}`]);
      if (i % 3 === 0) {
        expect([v.value(), m.get('x'), m.get('y'), m.contains('x')]).toEqual([i * 10, undefined, -i, false]);
      } else if (i % 3 === 1) {
        expect([v.value(), l.get()]).toEqual([undefined, []]);
      } else {
        expect([v.value(), l.get(), [...m.entries()]]).toEqual([
          i,
          [`a${i}`, `b${i}`],
          [
            ['x', i],
            ['y', -i],
          ],
        ]);
      }
    }
    expect(b.stats.runs).toBeLessThanOrEqual(4);
  });

  it('behaves as the heap backend under a random mix of operations (reads and snapshots)', async () => {
    const random = rng(42);
    const now = { t: 0 };
    const heap = new HeapKeyedStateBackend(128, 1, 0, () => now.t);
    const d = disk({ clock: () => now.t });
    const ttl = { ttlMs: 50 };
    const states = [heap, d].map((b) => ({
      b,
      v: b.getValueState<number>('v', ttl),
      l: b.getListState<number>('l'),
      m: b.getMapState<number, string>('m'),
    }));
    let pending: { materialize(): Promise<unknown> }[] | undefined;
    let snapshotTime = 0;
    // Entries expired when the snapshot was taken are invisible; the heap keeps them until read,
    // the disk backend's compaction (which may run inside a stalled write) drops them.
    const unexpired = (snapshot: KeyedStateSnapshot): KeyedStateSnapshot =>
      Object.fromEntries(
        Object.entries(snapshot)
          .map(([kg, byName]) => [
            kg,
            Object.fromEntries(
              Object.entries(keyGroupState(byName))
                .map(([name, entries]) => [
                  name,
                  name === 'v'
                    ? entries.filter((e) => snapshotTime - (e as [unknown, unknown, number])[2] < ttl.ttlMs)
                    : entries,
                ])
                .filter(([, entries]) => entries.length > 0),
            ),
          ])
          .filter(([, byName]) => Object.keys(byName).length > 0),
      );
    for (let step = 0; step < 6000; step++) {
      const key = [Math.floor(random() * 120), 'k'];
      const op = Math.floor(random() * 9);
      const n = Math.floor(random() * 10);
      now.t += random() < 0.05 ? 20 : 0;
      const results = states.map(({ b, v, l, m }) => {
        b.setCurrentKey(key);
        switch (op) {
          case 0:
            v.update(n);
            return null;
          case 1:
            v.clear();
            return null;
          case 2:
            l.add(n);
            return null;
          case 3:
            l.update(n > 5 ? [] : [n, n]);
            return null;
          case 4:
            m.put(n, `s${n}`);
            return null;
          case 5:
            m.remove(n);
            return null;
          case 6:
            return [v.value(), [...l.get()], m.get(n), m.contains(n), m.isEmpty()];
          case 7:
            return [...m.entries()].sort();
          default:
            l.clear();
            return null;
        }
      });
      expect(results[1], `step ${step}`).toEqual(results[0]);
      // Snapshots taken now and written out after more changes must hold the state as it was now.
      if (step % 500 === 0) {
        pending = [heap.snapshotAsync(), d.snapshotAsync()];
        snapshotTime = now.t;
      }
      if (step % 500 === 250 && pending) {
        const [a, b] = await Promise.all(pending.map((p) => p.materialize()));
        expect(sorted(unexpired(b as KeyedStateSnapshot)), `snapshot of step ${step - 250}`).toEqual(
          sorted(unexpired(a as KeyedStateSnapshot)),
        );
        pending = undefined;
      }
    }
    await d.settle();
    expect(d.stats.runs).toBeGreaterThan(0);
  });

  it('takes a consistent snapshot: changes after the synchronous part do not leak into it', async () => {
    const b = disk();
    const v = b.getValueState<number>('v');
    for (let i = 0; i < 200; i++) {
      b.setCurrentKey([i]);
      v.update(i);
    }
    const snapshot = b.snapshotAsync();
    for (let i = 0; i < 200; i++) {
      b.setCurrentKey([i]);
      if (i % 2 === 0) v.update(-1);
      else v.clear();
    }
    const taken = (await snapshot.materialize()) as KeyedStateSnapshot;
    const values = Object.values(taken).flatMap((byName) =>
      keyGroupState(byName).v.map((e) => (e as unknown[])[1]),
    );
    expect(values.sort((x, y) => (x as number) - (y as number))).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
  });

  it('lists keys with forEachKey across all layers, each once, with the current key set', async () => {
    const b = disk();
    const l = b.getListState<number>('timers');
    const other = b.getValueState<number>('other');
    for (let i = 0; i < 100; i++) {
      b.setCurrentKey([i]);
      l.add(i);
      other.update(i);
    }
    await b.flushNow();
    for (let i = 0; i < 100; i += 2) {
      b.setCurrentKey([i]);
      l.add(i + 1000);
    }
    b.setCurrentKey([5]);
    l.clear();
    const seen: number[] = [];
    b.forEachKey('timers', (key) => {
      expect(b.getCurrentKey()).toEqual(key);
      seen.push(l.get()[0]);
    });
    expect(seen.sort((x, y) => x - y)).toEqual(
      Array.from({ length: 100 }, (_, i) => i).filter((i) => i !== 5),
    );
  });

  it('snapshots into run files and restores them at another parallelism (key groups re-split)', async () => {
    const shared = join(tempDir(), 'shared');
    const b = disk({ resolveTarget: () => ({ kind: 'checkpoint', sharedDirectory: shared }) });
    const v = b.getValueState<string>('v');
    for (let i = 0; i < 500; i++) {
      b.setCurrentKey([i]);
      v.update(`v${i}`);
    }
    const handle = (await b.snapshotAsync({ checkpointId: 1 }).materialize()) as KeyedStateHandle;
    expect(isKeyedStateHandle(handle)).toBe(true);
    expect(handle.files.every((f) => f.path.startsWith(shared))).toBe(true);
    const seen = new Set<number>();
    for (let subtask = 0; subtask < 3; subtask++) {
      const r = disk({ parallelism: 3, subtaskIndex: subtask });
      r.restore([handle]);
      const rv = r.getValueState<string>('v');
      r.forEachKey('v', (key) => {
        const i = key[0] as number;
        expect(seen.has(i)).toBe(false);
        seen.add(i);
        expect(rv.value()).toBe(`v${i}`);
      });
      const range = keyGroupRange(128, 3, subtask);
      const canonical = (await r.snapshotAsync().materialize()) as KeyedStateSnapshot;
      expect(Object.keys(canonical).every((kg) => Number(kg) >= range.start && Number(kg) <= range.end)).toBe(
        true,
      );
    }
    expect(seen.size).toBe(500);
  });

  it('uploads only new runs in an incremental checkpoint and reuses the ones already in shared/', async () => {
    const shared = join(tempDir(), 'shared');
    const b = disk({
      writeBufferBytes: 1 << 20,
      resolveTarget: () => ({ kind: 'checkpoint', sharedDirectory: shared }),
    });
    const v = b.getValueState<number>('v');
    for (let i = 0; i < 1000; i++) {
      b.setCurrentKey([i]);
      v.update(i);
    }
    const first = (await b.snapshotAsync({ checkpointId: 1 }).materialize()) as KeyedStateHandle;
    b.setCurrentKey([7]);
    v.update(-7);
    const second = (await b.snapshotAsync({ checkpointId: 2 }).materialize()) as KeyedStateHandle;
    expect(first.files).toHaveLength(1);
    expect(second.files).toHaveLength(2);
    // The old run is referenced, not uploaded again; only the small new one is new.
    expect(second.files[1]).toEqual(first.files[0]);
    expect(second.files[0].sizeBytes).toBeLessThan(first.files[0].sizeBytes / 10);
    expect(readdirSync(shared)).toHaveLength(2);
    // Restored, the newer run shadows the older.
    const r = disk();
    r.restore([second]);
    r.setCurrentKey([7]);
    expect(r.getValueState<number>('v').value()).toBe(-7);
    // The heap reads the same files into canonical form.
    const heap = new HeapKeyedStateBackend(128, 1, 0);
    heap.restore([runFilesToCanonical([second], { start: 0, end: 127 })]);
    heap.setCurrentKey([7]);
    expect(heap.getValueState<number>('v').value()).toBe(-7);
  });

  it('restores canonical snapshots taken on the heap, and the heap restores its canonical snapshots', async () => {
    const heap = new HeapKeyedStateBackend(128, 1, 0);
    const m = heap.getMapState<string, bigint>('m');
    for (let i = 0; i < 100; i++) {
      heap.setCurrentKey([`k${i}`, i]);
      m.put('a', BigInt(i));
    }
    const canonical = (await heap.snapshotAsync().materialize()) as KeyedStateSnapshot;
    const d = disk();
    d.restore([canonical]);
    d.setCurrentKey(['k42', 42]);
    expect(d.getMapState<string, bigint>('m').get('a')).toBe(42n);
    // Written on the heap without TTL (no write time kept): read with one, its TTL starts at the restore.
    expect(d.getMapState<string, bigint>('m', { ttlMs: 60_000 }).get('a')).toBe(42n);
    const back = (await d.snapshotAsync().materialize()) as KeyedStateSnapshot;
    expect(sorted(back)).toEqual(sorted(canonical));
  });

  it('fails a restore that refers to a missing state file with a clear error', () => {
    const d = disk();
    expect(() =>
      d.restore([
        {
          format: 'weir-sorted-runs-v1',
          keyGroupRange: { start: 0, end: 127 },
          files: [{ path: join(tempDir(), 'gone.sst'), sizeBytes: 10 }],
        },
      ]),
    ).toThrow(/State file .*gone\.sst of the checkpoint is missing/);
  });

  it('stalls writes when flushes fall behind, so memtable memory stays bounded under sustained writes', async () => {
    const writeBufferBytes = 16 * 1024;
    const shared = join(tempDir(), 'shared');
    const b = disk({
      writeBufferBytes,
      blockCacheBytes: 64 * 1024,
      resolveTarget: () => ({ kind: 'checkpoint', sharedDirectory: shared }),
    });
    const v = b.getValueState<string>('v');
    const value = (i: number) => `${i}-${'x'.repeat(100)}`;
    // One synchronous loop never yields to the event loop, so no background flush can run: the
    // extreme case of writes outrunning flushes. (MAX_FROZEN + 1) × STOP_FACTOR write buffers, one
    // more memtable a checkpoint may freeze, and the last entry written, is the bound the stall keeps.
    const bound = 4 * 2 * writeBufferBytes + 1024;
    let peak = 0;
    let snapshot: { materialize(): Promise<unknown> } | undefined;
    for (let i = 0; i < 20_000; i++) {
      b.setCurrentKey([i]);
      v.update(value(i));
      const { memtableBytes, frozen } = b.stats;
      peak = Math.max(peak, memtableBytes);
      expect(frozen).toBeLessThanOrEqual(3);
      // A checkpoint taken while writes stall still gets every run it waits for.
      if (i === 10_000) snapshot = b.snapshotAsync({ checkpointId: 1 });
    }
    expect(peak).toBeGreaterThan(writeBufferBytes);
    expect(peak).toBeLessThanOrEqual(bound);
    expect(b.stats.writeStalls).toBeGreaterThan(0);
    const handle = (await snapshot!.materialize()) as KeyedStateHandle;
    await b.settle();
    for (let i = 0; i < 20_000; i += 97) {
      b.setCurrentKey([i]);
      expect(v.value()).toBe(value(i));
    }
    const restored = disk();
    restored.restore([handle]);
    const rv = restored.getValueState<string>('v');
    let count = 0;
    restored.forEachKey('v', (key) => {
      count++;
      expect(rv.value()).toBe(value(key[0] as number));
    });
    expect(count).toBe(10_001);
  });

  it('removes its working directory on dispose', async () => {
    const dir = join(tempDir(), 'work');
    const b = disk({ directory: dir });
    b.setCurrentKey([1]);
    b.getValueState<number>('v').update(1);
    await b.flushNow();
    expect(readdirSync(dir).length).toBeGreaterThan(0);
    b.dispose();
    expect(() => readdirSync(dir)).toThrow();
  });
});
