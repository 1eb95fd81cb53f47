import {
  type KeyedStateBackend,
  type KeyedStateSnapshot,
  type KeyGroupState,
  keyGroupState,
  type ListState,
  type MapState,
  type StateTtl,
  type ValueState,
} from '../api/state.js';
import { KeyGroupTextWriter } from './key-group-text.js';
import { assignToKeyGroup, hashFields, keyGroupRange } from './key-groups.js';
import type { SnapshottingKeyedStateBackend } from './snapshot.js';

interface Entry {
  readonly key: readonly unknown[];
  value: unknown;
  /** Last write (processing time), for TTL. */
  writtenAt: number;
  /** The backend's snapshot version when the entry was created, last copied on write, or written out. */
  version: number;
  /**
   * On a saved copy of list state: the list's length when it was saved. The copy shares the live
   * list, which only ever grows in place (adds push; update and clear replace or drop it), so its
   * first `listLength` elements are the list as it was.
   */
  listLength?: number;
  /** On a saved copy: the running snapshot has written it out already. */
  emitted?: boolean;
}

/**
 * How a change affects the value a running snapshot needs: replaced or removed (the old value is
 * left as it was), appended to (a list grows in place), or changed in place (a map).
 */
enum Change {
  Replace,
  Append,
  InPlace,
}

/** A snapshot being written out while records keep flowing: originals of entries changed since it began. */
interface ActiveSnapshot {
  readonly version: number;
  /** state name -> key group -> key string -> the entry as it was when the snapshot began. */
  readonly saved: Map<string, Map<number, Map<string, Entry>>>;
}

/** Copies a value one level deep: lists and maps are the containers operators mutate in place. */
function copyValue(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value instanceof Map ? new Map(value) : value;
}

/** What a snapshot saved of an entry before its first change, for the change about to happen. */
function savedCopy(e: Entry, change: Change): Entry {
  switch (change) {
    case Change.Replace:
      return { ...e };
    case Change.Append:
      return { ...e, listLength: (e.value as unknown[]).length };
    case Change.InPlace:
      return { ...e, value: copyValue(e.value) };
  }
}

/** A saved copy's value as it was saved. */
function savedValue(e: Entry): unknown {
  const list = e.value as unknown[];
  return e.listLength === undefined || list.length === e.listLength ? e.value : list.slice(0, e.listLength);
}

/** The copies a running snapshot saved of one state's key group, created on first use. */
function savedOf(active: ActiveSnapshot, name: string, keyGroup: number): Map<string, Entry> {
  let byGroup = active.saved.get(name);
  if (!byGroup) active.saved.set(name, (byGroup = new Map()));
  let saved = byGroup.get(keyGroup);
  if (!saved) byGroup.set(keyGroup, (saved = new Map()));
  return saved;
}

/** How long one slice of an asynchronous snapshot may hold the thread before yielding. */
const MATERIALIZE_SLICE_MS = 4;

/** A canonical string for a key, so equal keys of any type meet in one Map slot. */
export function keyString(key: readonly unknown[]): string {
  if (key.length === 1) {
    const v = key[0];
    if (typeof v === 'string') return `s${v}`;
    if (typeof v === 'number') return `n${v}`;
  }
  // The JSON text of the key, built by hand for the usual fields (numbers, strings, NULLs): a
  // replacer function makes JSON.stringify several times slower, and this runs once per record.
  let text = '[';
  for (let i = 0; i < key.length; i++) {
    const v = key[i];
    const field =
      typeof v === 'number'
        ? Number.isFinite(v)
          ? String(v === 0 ? 0 : v)
          : 'null'
        : typeof v === 'string'
          ? JSON.stringify(v)
          : v === null || v === undefined
            ? 'null'
            : typeof v === 'boolean'
              ? String(v)
              : typeof v === 'bigint'
                ? `"${v}n"`
                : undefined;
    if (field === undefined) return jsonKeyString(key);
    text += i === 0 ? field : `,${field}`;
  }
  return `${text}]`;
}

function jsonKeyString(key: readonly unknown[]): string {
  return JSON.stringify(key, (_, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v === undefined ? null : v,
  );
}

const ALL_FIELDS_CACHE: number[][] = [];
const allFields = (n: number) => (ALL_FIELDS_CACHE[n] ??= Array.from({ length: n }, (_, i) => i));

/**
 * Keyed state on the heap (Flink's HashMapStateBackend): per state name, per key group, a map
 * from key to entry. Grouping by key group lets a snapshot be split by key group, so a restore at
 * another parallelism hands each subtask exactly the key groups it owns.
 */
export class HeapKeyedStateBackend implements KeyedStateBackend, SnapshottingKeyedStateBackend {
  readonly keyGroupRange: { readonly start: number; readonly end: number };
  private readonly states = new Map<string, Map<number, Map<string, Entry>>>();
  private currentKey: readonly unknown[] = [];
  private version = 0;
  /** Snapshots being written out, oldest first (a checkpoint may start before the previous one is written). */
  private readonly actives: ActiveSnapshot[] = [];
  private currentKeyString = '';
  private currentKeyGroup = 0;

  constructor(
    readonly maxParallelism: number,
    parallelism: number,
    subtaskIndex: number,
    private readonly clock: () => number = Date.now,
  ) {
    this.keyGroupRange = keyGroupRange(maxParallelism, parallelism, subtaskIndex);
  }

  setCurrentKey(key: readonly unknown[]): void {
    this.currentKey = key;
    this.currentKeyString = keyString(key);
    this.currentKeyGroup = assignToKeyGroup(hashFields(key, allFields(key.length)), this.maxParallelism);
  }

  getCurrentKey(): readonly unknown[] {
    return this.currentKey;
  }

  private table(name: string): Map<number, Map<string, Entry>> {
    let t = this.states.get(name);
    if (!t) this.states.set(name, (t = new Map()));
    return t;
  }

  private entry(name: string, ttl: StateTtl | undefined): Entry | undefined {
    const group = this.states.get(name)?.get(this.currentKeyGroup);
    const e = group?.get(this.currentKeyString);
    if (e && ttl && this.clock() - e.writtenAt >= ttl.ttlMs) {
      this.beforeMutate(name, this.currentKeyGroup, this.currentKeyString, e, Change.Replace);
      group!.delete(this.currentKeyString);
      return undefined;
    }
    return e;
  }

  /**
   * Copy on write: an entry the running snapshots still need is saved before its first change.
   * Only a map changed in place is copied; a replaced value stays as it was, and of a list that
   * grows the saved copy keeps the length.
   */
  private beforeMutate(name: string, keyGroup: number, key: string, e: Entry, change: Change): void {
    const actives = this.actives;
    if (actives.length === 0 || e.version >= actives[actives.length - 1].version) return;
    let copy: Entry | undefined;
    for (const active of actives) {
      if (e.version >= active.version) continue;
      const saved = savedOf(active, name, keyGroup);
      // One copy of the value serves every snapshot; each has its own record of writing it out.
      if (!saved.has(key)) saved.set(key, { ...(copy ??= savedCopy(e, change)) });
    }
    e.version = this.version;
  }

  /** The entry for the current key, about to be appended to (a list) or changed in place (a map). */
  private mutable(name: string, ttl: StateTtl | undefined, change: Change): Entry | undefined {
    const e = this.entry(name, ttl);
    if (e) {
      this.beforeMutate(name, this.currentKeyGroup, this.currentKeyString, e, change);
      e.writtenAt = this.clock();
    }
    return e;
  }

  private write(name: string, value: unknown): void {
    const t = this.table(name);
    let group = t.get(this.currentKeyGroup);
    if (!group) t.set(this.currentKeyGroup, (group = new Map()));
    const e = group.get(this.currentKeyString);
    if (e) {
      this.beforeMutate(name, this.currentKeyGroup, this.currentKeyString, e, Change.Replace);
      e.value = value;
      e.writtenAt = this.clock();
    } else {
      group.set(this.currentKeyString, {
        key: this.currentKey,
        value,
        writtenAt: this.clock(),
        version: this.version,
      });
    }
  }

  private remove(name: string): void {
    const group = this.states.get(name)?.get(this.currentKeyGroup);
    const e = group?.get(this.currentKeyString);
    if (!e) return;
    this.beforeMutate(name, this.currentKeyGroup, this.currentKeyString, e, Change.Replace);
    group!.delete(this.currentKeyString);
  }

  getValueState<T>(name: string, ttl?: StateTtl): ValueState<T> {
    return {
      value: () => this.entry(name, ttl)?.value as T | undefined,
      update: (value) => this.write(name, value),
      clear: () => this.remove(name),
    };
  }

  getListState<T>(name: string, ttl?: StateTtl): ListState<T> {
    return {
      get: () => (this.entry(name, ttl)?.value as T[] | undefined) ?? [],
      add: (value) => {
        const e = this.mutable(name, ttl, Change.Append);
        if (e) (e.value as T[]).push(value);
        else this.write(name, [value]);
      },
      update: (values) => (values.length > 0 ? this.write(name, [...values]) : this.remove(name)),
      clear: () => this.remove(name),
    };
  }

  getMapState<K, V>(name: string, ttl?: StateTtl): MapState<K, V> {
    const map = () => this.entry(name, ttl)?.value as Map<K, V> | undefined;
    return {
      get: (k) => map()?.get(k),
      put: (k, v) => {
        const e = this.mutable(name, ttl, Change.InPlace);
        if (e) (e.value as Map<K, V>).set(k, v);
        else this.write(name, new Map([[k, v]]));
      },
      remove: (k) => {
        const e = this.entry(name, ttl);
        const m = e?.value as Map<K, V> | undefined;
        if (!m?.has(k)) return;
        if (m.size === 1) {
          this.remove(name);
          return;
        }
        this.mutable(name, ttl, Change.InPlace);
        m.delete(k);
      },
      contains: (k) => map()?.has(k) ?? false,
      entries: () => (map() ?? new Map<K, V>()).entries(),
      isEmpty: () => (map()?.size ?? 0) === 0,
      clear: () => this.remove(name),
    };
  }

  forEachKey(name: string, fn: (key: readonly unknown[]) => void): void {
    for (const group of this.states.get(name)?.values() ?? []) {
      for (const e of [...group.values()]) {
        this.setCurrentKey(e.key);
        fn(e.key);
      }
    }
  }

  /** A consistent copy of all state, by key group, taken synchronously. */
  snapshot(): Readonly<Record<string, KeyGroupState>> {
    const out: Record<string, Record<string, unknown[]>> = {};
    for (const [name, groups] of this.states) {
      for (const [kg, entries] of groups) {
        if (entries.size === 0) continue;
        const list: unknown[] = [];
        for (const e of entries.values()) list.push([e.key, copyValue(e.value), e.writtenAt]);
        (out[kg] ??= {})[name] = list;
      }
    }
    return out;
  }

  /**
   * An asynchronous snapshot (Flink's copy-on-write snapshot of the heap backend): the synchronous
   * part only starts a new version, whatever the state size; `materialize` then writes the state
   * out in slices while records keep flowing, taking any entry changed in the meantime from the
   * copy saved at its first change.
   */
  snapshotAsync(options: { sliceMs?: number; checkpointId?: number } = {}): {
    materialize(): Promise<KeyedStateSnapshot>;
  } {
    // Several may run at once (a checkpoint triggered while the previous one is still written
    // out): each is copied on write from its own version, none is taken in full synchronously.
    const active: ActiveSnapshot = { version: ++this.version, saved: new Map() };
    this.actives.push(active);
    return {
      materialize: async () => {
        try {
          return await this.materialize(active, options.sliceMs ?? MATERIALIZE_SLICE_MS);
        } finally {
          this.actives.splice(this.actives.indexOf(active), 1);
        }
      },
    };
  }

  /**
   * Writes the snapshot out as JSON text (KeyGroupTextWriter) in one pass: each entry is encoded
   * as it is met (an entry changed since the snapshot began, from its saved copy), and what is
   * encoded is done before the thread yields to records that may change it.
   */
  private async materialize(active: ActiveSnapshot, sliceMs: number): Promise<KeyedStateSnapshot> {
    const out = new KeyGroupTextWriter();
    // Not even the first slice runs in the checkpoint's synchronous part, which ends with the
    // version bump (as in Flink, where the asynchronous part runs on another thread).
    await new Promise<void>((resolve) => setImmediate(resolve));
    let sliceStart = performance.now();
    let n = 0;
    for (const [name, groups] of this.states) {
      for (const [kg, entries] of groups) {
        let saved = active.saved.get(name)?.get(kg);
        for (const [key, e] of entries) {
          const copy = saved?.get(key);
          if (copy) {
            // A key deleted and created again after this pass saw it is met a second time.
            if (!copy.emitted) out.add(kg, name, copy.key, savedValue(copy), copy.writtenAt);
            copy.emitted = true;
          } else if (e.version < active.version) {
            out.add(kg, name, e.key, e.value, e.writtenAt);
            // Written out as it is now: a later change need not save a copy for this snapshot.
            // The version says so unless an older snapshot still running has yet to reach the
            // entry; then a marker does (an emitted saved copy, which is not written again).
            if (this.actives[0] === active) e.version = active.version;
            else (saved ??= savedOf(active, name, kg)).set(key, { ...e, emitted: true });
          }
          if ((++n & 255) === 0 && performance.now() - sliceStart >= sliceMs) {
            out.flush();
            await new Promise<void>((resolve) => setImmediate(resolve));
            sliceStart = performance.now();
            // Records may have saved the first copies of this key group meanwhile.
            saved = active.saved.get(name)?.get(kg);
          }
        }
      }
    }
    // Entries deleted (and perhaps re-created) before the pass above reached them exist only as
    // saved copies; every saved copy is written exactly once.
    for (const [name, groups] of active.saved) {
      for (const [kg, saved] of groups) {
        for (const e of saved.values()) if (!e.emitted) out.add(kg, name, e.key, savedValue(e), e.writtenAt);
      }
    }
    return out.finish();
  }

  /** Nothing to release: heap state goes with the task. */
  dispose(): void {}

  /** Loads the key groups this subtask owns from any number of snapshots (after a rescale, several). */
  restore(snapshots: readonly KeyedStateSnapshot[]): void {
    for (const snapshot of snapshots) {
      for (const [kgText, group] of Object.entries(snapshot)) {
        const kg = Number(kgText);
        if (kg < this.keyGroupRange.start || kg > this.keyGroupRange.end) continue;
        for (const [name, entries] of Object.entries(keyGroupState(group))) {
          const t = this.table(name);
          let group = t.get(kg);
          if (!group) t.set(kg, (group = new Map()));
          for (const raw of entries) {
            const [key, value, writtenAt] = raw as [unknown[], unknown, number];
            group.set(keyString(key), { key, value, writtenAt, version: this.version });
          }
        }
      }
    }
  }
}
