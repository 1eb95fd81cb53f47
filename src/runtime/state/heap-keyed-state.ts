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
  /**
   * Last write (processing time), for TTL; NO_TIMESTAMP for state without TTL, which has no use
   * for it (and then costs neither a clock read per write nor a boxed number per entry).
   */
  writtenAt: number;
  /**
   * The backend's snapshot version when the entry was created or last written out to the running
   * snapshots: every snapshot of a later version still has to write it out.
   */
  version: number;
}

/**
 * A snapshot being written out while records keep flowing. Each entry goes into its writer
 * exactly once, as it was when the snapshot began: when the pass over all state reaches it, or
 * before its first change if a record gets there first.
 */
interface ActiveSnapshot {
  readonly version: number;
  readonly out: KeyGroupTextWriter;
}

/**
 * How a record is about to change an entry: replace or remove its value (the old value is left
 * as it was, so a snapshot may keep it by reference until it is encoded), or change it in place
 * (a list that grows, a map: a snapshot encodes it before).
 */
enum Change {
  Replace,
  InPlace,
}

/** The last-write time of entries of state without TTL. */
const NO_TIMESTAMP = -1;

/** Copies a value one level deep: lists and maps are the containers operators mutate in place. */
function copyValue(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value instanceof Map ? new Map(value) : value;
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
    if (e && ttl && e.writtenAt === NO_TIMESTAMP) {
      // Written without TTL (by an earlier run of the job, restored): its TTL starts now.
      e.writtenAt = this.clock();
    } else if (e && ttl && this.clock() - e.writtenAt >= ttl.ttlMs) {
      this.beforeMutate(name, this.currentKeyGroup, e, Change.Replace);
      group!.delete(this.currentKeyString);
      return undefined;
    }
    return e;
  }

  /**
   * Copy on write, where the copy is the entry's encoded form: before its first change, an entry
   * the running snapshots still need is written out to them as it is.
   */
  private beforeMutate(name: string, keyGroup: number, e: Entry, change: Change): void {
    const actives = this.actives;
    if (actives.length === 0 || e.version >= actives[actives.length - 1].version) return;
    this.writeOut(name, keyGroup, e, change === Change.InPlace);
  }

  /**
   * Writes `e` out to every running snapshot that still needs it; then none does. With `now`, it
   * is encoded at once, as its value is about to change in place.
   */
  private writeOut(name: string, keyGroup: number, e: Entry, now: boolean): void {
    for (const active of this.actives) {
      if (e.version < active.version) active.out.add(keyGroup, name, e.key, e.value, e.writtenAt, now);
    }
    e.version = this.version;
  }

  /** The entry for the current key, about to be appended to (a list) or changed in place (a map). */
  private mutable(name: string, ttl: StateTtl | undefined): Entry | undefined {
    const e = this.entry(name, ttl);
    if (e) {
      this.beforeMutate(name, this.currentKeyGroup, e, Change.InPlace);
      if (ttl) e.writtenAt = this.clock();
    }
    return e;
  }

  private write(name: string, value: unknown, ttl: StateTtl | undefined): void {
    const t = this.table(name);
    let group = t.get(this.currentKeyGroup);
    if (!group) t.set(this.currentKeyGroup, (group = new Map()));
    const e = group.get(this.currentKeyString);
    if (e) {
      this.beforeMutate(name, this.currentKeyGroup, e, Change.Replace);
      e.value = value;
      if (ttl) e.writtenAt = this.clock();
    } else {
      group.set(this.currentKeyString, {
        key: this.currentKey,
        value,
        writtenAt: ttl ? this.clock() : NO_TIMESTAMP,
        version: this.version,
      });
    }
  }

  private remove(name: string): void {
    const group = this.states.get(name)?.get(this.currentKeyGroup);
    const e = group?.get(this.currentKeyString);
    if (!e) return;
    this.beforeMutate(name, this.currentKeyGroup, e, Change.Replace);
    group!.delete(this.currentKeyString);
  }

  getValueState<T>(name: string, ttl?: StateTtl): ValueState<T> {
    return {
      value: () => this.entry(name, ttl)?.value as T | undefined,
      update: (value) => this.write(name, value, ttl),
      clear: () => this.remove(name),
    };
  }

  getListState<T>(name: string, ttl?: StateTtl): ListState<T> {
    return {
      get: () => (this.entry(name, ttl)?.value as T[] | undefined) ?? [],
      add: (value) => {
        const e = this.mutable(name, ttl);
        if (e) (e.value as T[]).push(value);
        else this.write(name, [value], ttl);
      },
      update: (values) => (values.length > 0 ? this.write(name, [...values], ttl) : this.remove(name)),
      clear: () => this.remove(name),
    };
  }

  getMapState<K, V>(name: string, ttl?: StateTtl): MapState<K, V> {
    const map = () => this.entry(name, ttl)?.value as Map<K, V> | undefined;
    return {
      get: (k) => map()?.get(k),
      put: (k, v) => {
        const e = this.mutable(name, ttl);
        if (e) (e.value as Map<K, V>).set(k, v);
        else this.write(name, new Map([[k, v]]), ttl);
      },
      remove: (k) => {
        const e = this.entry(name, ttl);
        const m = e?.value as Map<K, V> | undefined;
        if (!m?.has(k)) return;
        if (m.size === 1) {
          this.remove(name);
          return;
        }
        this.mutable(name, ttl);
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
   * out in slices while records keep flowing, and a record that is about to change an entry not
   * yet written out writes it out first.
   */
  snapshotAsync(options: { sliceMs?: number; checkpointId?: number } = {}): {
    materialize(): Promise<KeyedStateSnapshot>;
  } {
    // Several may run at once (a checkpoint triggered while the previous one is still written
    // out): each takes an entry from its own version, none is taken in full synchronously.
    const active: ActiveSnapshot = { version: ++this.version, out: new KeyGroupTextWriter() };
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
   * The pass of a snapshot over all state, as JSON text (KeyGroupTextWriter): every entry not
   * yet written out is written out, to this snapshot and to any older one still running that has
   * not reached it. An entry deleted or changed before the pass reached it was written out at that
   * moment; one created after the snapshot began has a later version and is skipped.
   */
  private async materialize(active: ActiveSnapshot, sliceMs: number): Promise<KeyedStateSnapshot> {
    // Not even the first slice runs in the checkpoint's synchronous part, which ends with the
    // version bump (as in Flink, where the asynchronous part runs on another thread).
    await new Promise<void>((resolve) => setImmediate(resolve));
    let sliceStart = performance.now();
    let n = 0;
    for (const [name, groups] of this.states) {
      for (const [kg, entries] of groups) {
        for (const e of entries.values()) {
          if (e.version < active.version) this.writeOut(name, kg, e, false);
          if ((++n & 255) === 0 && performance.now() - sliceStart >= sliceMs) {
            this.encodeWrittenOut();
            await new Promise<void>((resolve) => setImmediate(resolve));
            sliceStart = performance.now();
          }
        }
      }
    }
    // A newer snapshot still running may hold entries this pass wrote out for it.
    this.encodeWrittenOut();
    return active.out.finish();
  }

  /**
   * Encodes every running snapshot's pending entries. What a pass writes out is live state, held
   * by reference until encoded: this runs before the pass gives the thread to records that may
   * change it in place.
   */
  private encodeWrittenOut(): void {
    for (const a of this.actives) a.out.flush();
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
