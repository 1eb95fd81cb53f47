import { describe, expect, it } from 'vitest';
import { stringifyState } from '../../common/serde.js';
import type { KeyedStateSnapshot } from '../api/state.js';
import { HeapKeyedStateBackend } from './heap-keyed-state.js';
import { keyGroupState } from './key-group-text.js';
import { keyString } from './key-string.js';

/** Snapshot entries in a canonical order, so two snapshots of the same state compare equal. */
function canonical(snapshot: KeyedStateSnapshot): unknown {
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const [kg, group] of Object.entries(snapshot)) {
    for (const [name, entries] of Object.entries(keyGroupState(group))) {
      (out[kg] ??= {})[name] = [...entries].sort((a, b) =>
        JSON.stringify((a as unknown[])[0]).localeCompare(JSON.stringify((b as unknown[])[0])),
      );
    }
  }
  return out;
}

/** A small deterministic random generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

describe('HeapKeyedStateBackend', () => {
  it('keeps value, list and map state per key', () => {
    const b = new HeapKeyedStateBackend(128, 1, 0);
    const v = b.getValueState<number>('v');
    const l = b.getListState<string>('l');
    const m = b.getMapState<string, number>('m');
    b.setCurrentKey(['a']);
    v.update(1);
    l.add('x');
    m.put('k', 1);
    b.setCurrentKey(['b']);
    expect([v.value(), l.get(), m.get('k')]).toEqual([undefined, [], undefined]);
    b.setCurrentKey(['a']);
    expect([v.value(), l.get(), m.get('k')]).toEqual([1, ['x'], 1]);
  });

  it('expires entries not written for the TTL', () => {
    let now = 0;
    const b = new HeapKeyedStateBackend(128, 1, 0, () => now);
    const v = b.getValueState<number>('v', { ttlMs: 100 });
    b.setCurrentKey([1]);
    v.update(7);
    now = 99;
    expect(v.value()).toBe(7);
    now = 100;
    expect(v.value()).toBeUndefined();
  });

  it('keeps write times through a snapshot and a restore, and writes none for state without TTL', async () => {
    let now = 1_000;
    const first = new HeapKeyedStateBackend(128, 1, 0, () => now);
    const timed = first.getValueState<number>('timed', { ttlMs: 100 });
    const plain = first.getValueState<number>('plain');
    first.setCurrentKey([1]);
    timed.update(7);
    plain.update(8);
    const snapshot = await first.snapshotAsync().materialize();
    const text = (Object.values(snapshot)[0] as string[]).join('');
    expect(text).toContain('"timed":[1,1,7,1000]');
    expect(text).toContain('"plain":[2,1,8]');
    now = 1_050;
    const restored = new HeapKeyedStateBackend(128, 1, 0, () => now);
    restored.restore([snapshot]);
    const v = restored.getValueState<number>('timed', { ttlMs: 100 });
    restored.setCurrentKey([1]);
    expect(v.value()).toBe(7);
    expect(restored.getValueState<number>('plain').value()).toBe(8);
    now = 1_100; // 100 ms after the write before the snapshot, not after the restore
    expect(v.value()).toBeUndefined();
  });

  it('starts the TTL of state written without one when it is first read with one (TTL enabled on restore)', async () => {
    const first = new HeapKeyedStateBackend(128, 1, 0, () => 5_000);
    first.setCurrentKey([1]);
    first.getValueState<number>('v').update(7);
    const snapshot = await first.snapshotAsync().materialize();
    let now = 1_000_000;
    const restored = new HeapKeyedStateBackend(128, 1, 0, () => now);
    restored.restore([snapshot]);
    const v = restored.getValueState<number>('v', { ttlMs: 100 });
    restored.setCurrentKey([1]);
    expect(v.value()).toBe(7);
    now += 99;
    expect(v.value()).toBe(7);
    now += 1;
    expect(v.value()).toBeUndefined();
  });

  it('a later snapshot keeps what an earlier one wrote out for it, as it was, when the earlier one ends first', async () => {
    const b = new HeapKeyedStateBackend(128, 1, 0);
    const list = b.getListState<number>('list');
    b.setCurrentKey([1]);
    list.add(1);
    const first = b.snapshotAsync();
    const second = b.snapshotAsync();
    // The first pass writes the entry out to both snapshots; the list then grows in place.
    await first.materialize();
    list.add(2);
    const taken = keyGroupState(Object.values(await second.materialize())[0]);
    expect(taken.list.map((e) => (e as unknown[])[1])).toEqual([[1]]);
  });

  it('an asynchronous snapshot equals the state when it began, whatever changes while it is written out', async () => {
    for (const seed of [1, 2, 3]) {
      const random = rng(seed);
      const b = new HeapKeyedStateBackend(128, 1, 0);
      const value = b.getValueState<number>('value');
      const list = b.getListState<number>('list');
      const map = b.getMapState<number, number>('map');
      const mutate = (i: number) => {
        b.setCurrentKey([Math.floor(random() * 30_000)]);
        const r = random();
        if (r < 0.3) value.update(i);
        else if (r < 0.45) value.clear();
        else if (r < 0.65) list.add(i);
        else if (r < 0.75) list.clear();
        else if (r < 0.9) map.put(i % 7, i);
        else map.remove(i % 7);
      };
      for (let i = 0; i < 60_000; i++) mutate(i);
      const expected = canonical(b.snapshot());
      // Yield after every 1024 entries, so the changes below really happen in the middle of it.
      const handle = b.snapshotAsync({ sliceMs: 0 });
      let done = false;
      const materialized = handle.materialize().then((s) => {
        done = true;
        return s;
      });
      // Keep changing state, including deleting and re-creating keys, while the snapshot is written.
      let changes = 0;
      while (!done) {
        for (let i = 0; i < 500; i++) mutate(100_000 + changes++);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(changes).toBeGreaterThan(5_000);
      expect(canonical(await materialized)).toEqual(expected);
      // The next snapshot sees the changes made meanwhile.
      expect(canonical(await b.snapshotAsync().materialize())).toEqual(canonical(b.snapshot()));
    }
  });

  it('a removal in the middle of a snapshot moves an entry the pass has not reached into a slot it has passed, as it was', async () => {
    // One key group (max parallelism 1), so the keys fill its slots in order: key k in slot k.
    const b = new HeapKeyedStateBackend(1, 1, 0);
    const list = b.getListState<number>('list');
    for (let k = 0; k < 1000; k++) {
      b.setCurrentKey([k]);
      list.add(k);
    }
    const expected = canonical(b.snapshot());
    const materialized = b.snapshotAsync({ sliceMs: 0 }).materialize();
    // Queued after the pass's first slice, which writes out 256 entries and yields.
    await new Promise((resolve) => setImmediate(resolve));
    b.setCurrentKey([0]);
    list.clear(); // key 999 moves from the last slot into slot 0, which the pass has passed
    b.setCurrentKey([999]);
    list.add(-1); // and grows in place
    b.setCurrentKey([1]);
    list.clear(); // key 998 moves into slot 1, and nothing touches it again
    expect(canonical(await materialized)).toEqual(expected);
    b.setCurrentKey([999]);
    expect(list.get()).toEqual([999, -1]);
  });

  it('restores keys of every type from its own snapshots, and snapshots written as rows by earlier versions', async () => {
    const b = new HeapKeyedStateBackend(128, 1, 0);
    const v = b.getValueState<unknown>('v');
    const keys: unknown[][] = [
      ['a'],
      [7],
      [Number.NaN],
      [-1.5e300],
      ['x', 1, null, true],
      [12n],
      [new Uint8Array([1, 2])],
      [1, Number.POSITIVE_INFINITY],
      [-0, 'z'],
      [],
    ];
    keys.forEach((key, i) => {
      b.setCurrentKey(key);
      v.update([i, `v${i}`]);
    });
    const restored = new HeapKeyedStateBackend(128, 1, 0);
    restored.restore([await b.snapshotAsync().materialize()]);
    expect(canonical(restored.snapshot())).toEqual(canonical(b.snapshot()));
    const rv = restored.getValueState<unknown>('v');
    keys.forEach((key, i) => {
      restored.setCurrentKey(key);
      expect(rv.value()).toEqual([i, `v${i}`]);
    });
    // Keys come back as they were, -0 included (its key string says 0).
    const back: (readonly unknown[])[] = [];
    restored.forEachKey('v', (key) => back.push(key));
    expect(Object.is(back.find((key) => key[1] === 'z')?.[0], -0)).toBe(true);

    // Earlier versions wrote each key group as rows, [[key, value, writtenAt], …], as the
    // synchronous snapshot still does.
    const rows = Object.fromEntries(
      Object.entries(b.snapshot()).map(([kg, group]) => [kg, stringifyState(group)]),
    );
    expect(Object.values(rows)[0]).toMatch(/^\{"v":\[\[\[/);
    const earlier = new HeapKeyedStateBackend(128, 1, 0);
    earlier.restore([rows]);
    expect(canonical(earlier.snapshot())).toEqual(canonical(b.snapshot()));
  });

  it('overlapping asynchronous snapshots each equal the state when they began, none taken in full', async () => {
    for (const seed of [4, 5]) {
      const random = rng(seed);
      const b = new HeapKeyedStateBackend(128, 1, 0);
      const value = b.getValueState<number>('value');
      const list = b.getListState<number>('list');
      const mutate = (i: number) => {
        b.setCurrentKey([Math.floor(random() * 20_000)]);
        const r = random();
        if (r < 0.4) value.update(i);
        else if (r < 0.55) value.clear();
        else if (r < 0.85) list.add(i);
        else list.clear();
      };
      for (let i = 0; i < 40_000; i++) mutate(i);
      // Three snapshots start at different moments; each is written out while the next starts
      // and while state keeps changing.
      const started: { expected: unknown; done?: KeyedStateSnapshot; promise?: Promise<void> }[] = [];
      let changes = 0;
      for (let k = 0; k < 3; k++) {
        const expected = canonical(b.snapshot());
        const handle = b.snapshotAsync({ sliceMs: 0 });
        const entry: (typeof started)[number] = { expected };
        entry.promise = handle.materialize().then((s) => {
          entry.done = s;
        });
        started.push(entry);
        for (let j = 0; j < 4; j++) {
          for (let i = 0; i < 500; i++) mutate(100_000 + changes++);
          await new Promise((resolve) => setImmediate(resolve));
        }
      }
      expect(started.filter((e) => e.done === undefined).length).toBeGreaterThan(1); // they overlapped
      while (started.some((e) => e.done === undefined)) {
        for (let i = 0; i < 500; i++) mutate(100_000 + changes++);
        await new Promise((resolve) => setImmediate(resolve));
      }
      for (const e of started) expect(canonical(e.done!)).toEqual(e.expected);
      expect(canonical(await b.snapshotAsync().materialize())).toEqual(canonical(b.snapshot()));
    }
  });

  it('writes each snapshot as text, with lists grown, replaced or cleared meanwhile as they were when it began', async () => {
    const b = new HeapKeyedStateBackend(128, 1, 0);
    const list = b.getListState<number>('list');
    const map = b.getMapState<string, bigint>('map');
    const at = (k: number) => b.setCurrentKey([k]);
    for (let k = 1; k <= 5; k++) {
      at(k);
      list.add(k);
      list.add(10 * k);
      map.put('a', BigInt(k));
    }
    const expected = [canonical(b.snapshot())];
    const first = b.snapshotAsync();
    at(1);
    list.add(100); // grows the list the first snapshot still writes out
    at(2);
    list.update([7]); // replaces it
    at(3);
    list.clear();
    map.put('a', -3n); // changes a map in place
    at(4);
    list.update([8]);
    list.add(9);
    at(6);
    list.add(60); // a key the first snapshot never had
    expected.push(canonical(b.snapshot()));
    const second = b.snapshotAsync();
    at(1);
    list.add(101);
    at(2);
    list.add(70);
    at(3);
    list.add(30); // re-created after it was cleared
    map.remove('a');
    at(6);
    list.clear();
    const taken = [await first.materialize(), await second.materialize()];
    for (const t of taken) {
      for (const group of Object.values(t)) {
        expect((group as unknown[]).every((part) => typeof part === 'string')).toBe(true);
      }
    }
    expect(taken.map(canonical)).toEqual(expected);
    // Restored, a snapshot is the state it was taken from.
    const restored = new HeapKeyedStateBackend(128, 1, 0);
    restored.restore([taken[1]]);
    expect(canonical(restored.snapshot())).toEqual(expected[1]);
  });
});

describe('keyString', () => {
  it('is the JSON text of a multi-field key, bigints as "<n>n" and bytes as arrays, whatever the field types', () => {
    const json = (key: readonly unknown[]) =>
      JSON.stringify(key, (_, v) =>
        typeof v === 'bigint'
          ? `${v}n`
          : v instanceof Uint8Array
            ? Array.from(v)
            : v === undefined
              ? null
              : v,
      );
    const keys: unknown[][] = [
      [1, 'a'],
      [-0, 'x"y\\z\n'],
      [null, undefined, true, false],
      [1.5e300, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [12n, -3n, 'é€😀'],
      [new Uint8Array([1, 2]), 3],
      [[1, 2], 'a'],
      [],
      [0.1, -7],
    ];
    for (const key of keys) expect(keyString(key)).toBe(json(key));
    expect(keyString(['a'])).toBe('sa');
    expect(keyString([7])).toBe('n7');
  });
});
