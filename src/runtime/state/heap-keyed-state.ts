import type {
  KeyedStateBackend,
  KeyedStateSnapshot,
  ListState,
  MapState,
  StateTtl,
  ValueState,
} from '../api/state.js';
import { assignToKeyGroup, hashFields, keyGroupRange } from './key-groups.js';

interface Entry {
  readonly key: readonly unknown[];
  value: unknown;
  /** Last write (processing time), for TTL. */
  writtenAt: number;
}

/** A canonical string for a key, so equal keys of any type meet in one Map slot. */
export function keyString(key: readonly unknown[]): string {
  if (key.length === 1) {
    const v = key[0];
    if (typeof v === 'string') return `s${v}`;
    if (typeof v === 'number') return `n${v}`;
  }
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
export class HeapKeyedStateBackend implements KeyedStateBackend {
  readonly keyGroupRange: { readonly start: number; readonly end: number };
  private readonly states = new Map<string, Map<number, Map<string, Entry>>>();
  private currentKey: readonly unknown[] = [];
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
      group!.delete(this.currentKeyString);
      return undefined;
    }
    return e;
  }

  private write(name: string, value: unknown): void {
    const t = this.table(name);
    let group = t.get(this.currentKeyGroup);
    if (!group) t.set(this.currentKeyGroup, (group = new Map()));
    const e = group.get(this.currentKeyString);
    if (e) {
      e.value = value;
      e.writtenAt = this.clock();
    } else {
      group.set(this.currentKeyString, { key: this.currentKey, value, writtenAt: this.clock() });
    }
  }

  private remove(name: string): void {
    this.states.get(name)?.get(this.currentKeyGroup)?.delete(this.currentKeyString);
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
        const e = this.entry(name, ttl);
        if (e) {
          (e.value as T[]).push(value);
          e.writtenAt = this.clock();
        } else this.write(name, [value]);
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
        const e = this.entry(name, ttl);
        if (e) {
          (e.value as Map<K, V>).set(k, v);
          e.writtenAt = this.clock();
        } else this.write(name, new Map([[k, v]]));
      },
      remove: (k) => {
        const m = map();
        if (!m) return;
        m.delete(k);
        if (m.size === 0) this.remove(name);
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

  /**
   * A consistent copy of all state, by key group. Values are copied one level deep (lists and
   * maps are the mutable containers operators use), so later writes cannot change the snapshot.
   */
  snapshot(): KeyedStateSnapshot {
    const out: Record<string, Record<string, unknown[]>> = {};
    for (const [name, groups] of this.states) {
      for (const [kg, entries] of groups) {
        if (entries.size === 0) continue;
        const list: unknown[] = [];
        for (const e of entries.values()) {
          const v = Array.isArray(e.value)
            ? [...e.value]
            : e.value instanceof Map
              ? new Map(e.value)
              : e.value;
          list.push([e.key, v, e.writtenAt]);
        }
        (out[kg] ??= {})[name] = list;
      }
    }
    return out;
  }

  /** Loads the key groups this subtask owns from any number of snapshots (after a rescale, several). */
  restore(snapshots: readonly KeyedStateSnapshot[]): void {
    for (const snapshot of snapshots) {
      for (const [kgText, byName] of Object.entries(snapshot)) {
        const kg = Number(kgText);
        if (kg < this.keyGroupRange.start || kg > this.keyGroupRange.end) continue;
        for (const [name, entries] of Object.entries(byName)) {
          const t = this.table(name);
          let group = t.get(kg);
          if (!group) t.set(kg, (group = new Map()));
          for (const raw of entries) {
            const [key, value, writtenAt] = raw as [unknown[], unknown, number];
            group.set(keyString(key), { key, value, writtenAt });
          }
        }
      }
    }
  }
}
