import type {
  KeyedStateBackend,
  KeyedStateSnapshot,
  KeyGroupState,
  ListState,
  MapState,
  StateTtl,
  ValueState,
} from '../api/state.js';
import { Encode, KeyGroupTextWriter, keyGroupState, NO_TIMESTAMP } from './key-group-text.js';
import { assignToKeyGroup, hashFields, keyGroupRange } from './key-groups.js';
import { keyOfStored, mapKeyOf, mapKeyOfStored, type StoredKey, storedKeyOf } from './key-string.js';
import type { SnapshottingKeyedStateBackend } from './snapshot.js';

/**
 * The entries of one state in one key group: a slot per key, in parallel arrays rather than an
 * object per entry. A snapshot's pass walks the arrays in order and fetches, per entry, only its
 * value (and the key string of a key that is not one number) from elsewhere in memory; with an
 * object and a key array per entry it fetched three more, and the pass is bound by those
 * fetches, not by encoding.
 */
class KeyGroupEntries {
  /** By map key (key-string.ts: a single number as itself, else the key string), the key's slot. */
  readonly slots = new Map<number | string, number>();
  /** Per slot, the key as a snapshot writes it (storedKeyOf). */
  readonly keys: StoredKey[] = [];
  readonly values: unknown[] = [];
  /**
   * Last write (processing time), for TTL; NO_TIMESTAMP for state without TTL, which has no use
   * for it (and then costs no clock read per write).
   */
  readonly writtenAt: number[] = [];
  /**
   * The backend's snapshot version when the entry was created or last written out to the running
   * snapshots: every snapshot of a later version still has to write it out.
   */
  readonly versions: number[] = [];
}

/**
 * One state (a state name) across key groups, indexed by key group, with where the current key
 * was last found: an operator reads a value and then updates it, one lookup for both.
 */
class StateTable {
  readonly groups: (KeyGroupEntries | undefined)[];
  /** Whether its values change in place (list and map state); a value state's values never do. */
  changesInPlace = false;
  /** Whether its entries may have write times: state with TTL, or restored with write times. */
  timed = false;
  /** The backend's key count when `group` and `slot` were looked up; they hold for that key only. */
  lookedUpFor = -1;
  group: KeyGroupEntries | undefined;
  /** The current key's slot in `group`, or -1. */
  slot = -1;

  constructor(
    readonly name: string,
    maxParallelism: number,
  ) {
    this.groups = new Array(maxParallelism);
  }
}

/**
 * A snapshot being written out while records keep flowing. Each entry goes into its writer
 * exactly once, as it was when the snapshot began: when the pass over all state reaches it, or
 * before its first change if a record gets there first.
 */
interface ActiveSnapshot {
  readonly version: number;
  readonly out: KeyGroupTextWriter;
  /**
   * Where its pass gave the thread to records last: the entries it was walking and the first slot
   * it had not reached. Records only run while the pass waits, so this is where it is for them.
   */
  pausedIn: KeyGroupEntries | undefined;
  pausedAt: number;
}

/** Copies a value one level deep: lists and maps are the containers operators mutate in place. */
function copyValue(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value instanceof Map ? new Map(value) : value;
}

/** How long one slice of an asynchronous snapshot may hold the thread before yielding. */
const MATERIALIZE_SLICE_MS = 4;

const ALL_FIELDS_CACHE: number[][] = [];
const allFields = (n: number) => (ALL_FIELDS_CACHE[n] ??= Array.from({ length: n }, (_, i) => i));

/**
 * Keyed state on the heap (Flink's HashMapStateBackend): per state name, per key group, the
 * entries of each key. Grouping by key group lets a snapshot be split by key group, so a restore
 * at another parallelism hands each subtask exactly the key groups it owns.
 */
export class HeapKeyedStateBackend implements KeyedStateBackend, SnapshottingKeyedStateBackend {
  readonly keyGroupRange: { readonly start: number; readonly end: number };
  private readonly tables = new Map<string, StateTable>();
  private currentKey: readonly unknown[] = [];
  private currentMapKey: number | string = '';
  private currentKeyGroup = 0;
  /** Counts setCurrentKey calls (and restores): a table's looked-up slot holds for one count. */
  private keyCount = 0;
  private version = 0;
  /** Snapshots being written out, oldest first (a checkpoint may start before the previous one is written). */
  private readonly actives: ActiveSnapshot[] = [];

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
    this.currentMapKey = mapKeyOf(key);
    this.currentKeyGroup = assignToKeyGroup(hashFields(key, allFields(key.length)), this.maxParallelism);
    this.keyCount++;
  }

  getCurrentKey(): readonly unknown[] {
    return this.currentKey;
  }

  private table(name: string): StateTable {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new StateTable(name, this.maxParallelism)));
    return t;
  }

  /** The table behind a state handle, told what the handle's state is like. */
  private tableFor(name: string, ttl: StateTtl | undefined, changesInPlace: boolean): StateTable {
    const table = this.table(name);
    if (ttl) table.timed = true;
    if (changesInPlace) table.changesInPlace = true;
    return table;
  }

  /** The current key's slot in `table` (its group then in `table.group`), or -1. */
  private lookup(table: StateTable): number {
    if (table.lookedUpFor !== this.keyCount) {
      const group = table.groups[this.currentKeyGroup];
      table.group = group;
      table.slot = group?.slots.get(this.currentMapKey) ?? -1;
      table.lookedUpFor = this.keyCount;
    }
    return table.slot;
  }

  /** As lookup, but an entry past its TTL is removed and not found. */
  private live(table: StateTable, ttl: StateTtl | undefined): number {
    const slot = this.lookup(table);
    if (slot < 0 || !ttl) return slot;
    const writtenAt = table.group!.writtenAt;
    if (writtenAt[slot] === NO_TIMESTAMP) {
      // Written without TTL (by an earlier run of the job, restored): its TTL starts now.
      writtenAt[slot] = this.clock();
    } else if (this.clock() - writtenAt[slot] >= ttl.ttlMs) {
      this.removeSlot(table, slot);
      return -1;
    }
    return slot;
  }

  /**
   * Copy on write, where the copy is the entry's encoded form: before its first change, an entry
   * the running snapshots still need is written out to them as it is. `inPlace`: its value is
   * about to change in place (a list that grows, a map), so it is encoded at once; a value about
   * to be replaced or removed is left as it was, and a snapshot may keep it by reference.
   */
  private beforeMutate(
    table: StateTable,
    keyGroup: number,
    group: KeyGroupEntries,
    slot: number,
    inPlace: boolean,
  ): void {
    const actives = this.actives;
    if (actives.length === 0 || group.versions[slot] >= actives[actives.length - 1].version) return;
    this.writeOut(table, keyGroup, group, slot, inPlace ? Encode.Now : Encode.WithBatch);
  }

  /** Writes an entry out to every running snapshot that still needs it; then none does. */
  private writeOut(
    table: StateTable,
    keyGroup: number,
    group: KeyGroupEntries,
    slot: number,
    encode: Encode,
  ): void {
    const version = group.versions[slot];
    for (const active of this.actives) {
      if (version < active.version) {
        active.out.add(
          keyGroup,
          table.name,
          group.keys[slot],
          group.values[slot],
          table.timed ? group.writtenAt[slot] : undefined,
          encode,
        );
      }
    }
    group.versions[slot] = this.version;
  }

  /** The current key's slot, its entry about to change in place (a list appended to, a map), or -1. */
  private mutable(table: StateTable, ttl: StateTtl | undefined): number {
    const slot = this.live(table, ttl);
    if (slot >= 0) {
      const group = table.group!;
      this.beforeMutate(table, this.currentKeyGroup, group, slot, true);
      if (ttl) group.writtenAt[slot] = this.clock();
    }
    return slot;
  }

  private write(table: StateTable, value: unknown, ttl: StateTtl | undefined): void {
    const slot = this.lookup(table);
    if (slot >= 0) {
      const group = table.group!;
      this.beforeMutate(table, this.currentKeyGroup, group, slot, false);
      group.values[slot] = value;
      if (ttl) group.writtenAt[slot] = this.clock();
      return;
    }
    let group = table.group;
    if (!group) table.groups[this.currentKeyGroup] = table.group = group = new KeyGroupEntries();
    table.slot = group.values.length;
    group.slots.set(this.currentMapKey, table.slot);
    group.keys.push(storedKeyOf(this.currentKey, this.currentMapKey));
    group.values.push(value);
    group.writtenAt.push(ttl ? this.clock() : NO_TIMESTAMP);
    group.versions.push(this.version);
  }

  private remove(table: StateTable): void {
    const slot = this.lookup(table);
    if (slot >= 0) this.removeSlot(table, slot);
  }

  /** Removes the current key's entry; the group's last entry moves into its slot. */
  private removeSlot(table: StateTable, slot: number): void {
    const group = table.group!;
    const keyGroup = this.currentKeyGroup;
    this.beforeMutate(table, keyGroup, group, slot, false);
    group.slots.delete(this.currentMapKey);
    const last = group.values.length - 1;
    if (slot !== last) {
      // A pass paused in this group past `slot` but not yet at `last` would miss the moving entry:
      // it is written out first, and encoded at once if it may change in place later. Any other
      // pass has written it out already or will meet it in its new slot.
      if (this.actives.some((a) => a.pausedIn === group && a.pausedAt > slot)) {
        this.beforeMutate(table, keyGroup, group, last, table.changesInPlace);
      }
      const moved = group.keys[last];
      group.keys[slot] = moved;
      group.values[slot] = group.values[last];
      group.writtenAt[slot] = group.writtenAt[last];
      group.versions[slot] = group.versions[last];
      group.slots.set(mapKeyOfStored(moved), slot);
    }
    group.keys.pop();
    group.values.pop();
    group.writtenAt.pop();
    group.versions.pop();
    table.slot = -1;
  }

  getValueState<T>(name: string, ttl?: StateTtl): ValueState<T> {
    const table = this.tableFor(name, ttl, false);
    return {
      value: () => {
        const slot = this.live(table, ttl);
        return slot < 0 ? undefined : (table.group!.values[slot] as T);
      },
      update: (value) => this.write(table, value, ttl),
      clear: () => this.remove(table),
    };
  }

  getListState<T>(name: string, ttl?: StateTtl): ListState<T> {
    const table = this.tableFor(name, ttl, true);
    return {
      get: () => {
        const slot = this.live(table, ttl);
        return slot < 0 ? [] : (table.group!.values[slot] as T[]);
      },
      add: (value) => {
        const slot = this.mutable(table, ttl);
        if (slot >= 0) (table.group!.values[slot] as T[]).push(value);
        else this.write(table, [value], ttl);
      },
      update: (values) => (values.length > 0 ? this.write(table, [...values], ttl) : this.remove(table)),
      clear: () => this.remove(table),
    };
  }

  getMapState<K, V>(name: string, ttl?: StateTtl): MapState<K, V> {
    const table = this.tableFor(name, ttl, true);
    const map = () => {
      const slot = this.live(table, ttl);
      return slot < 0 ? undefined : (table.group!.values[slot] as Map<K, V>);
    };
    return {
      get: (k) => map()?.get(k),
      put: (k, v) => {
        const slot = this.mutable(table, ttl);
        if (slot >= 0) (table.group!.values[slot] as Map<K, V>).set(k, v);
        else this.write(table, new Map([[k, v]]), ttl);
      },
      remove: (k) => {
        const m = map();
        if (!m?.has(k)) return;
        if (m.size === 1) {
          this.remove(table);
          return;
        }
        this.mutable(table, ttl);
        m.delete(k);
      },
      contains: (k) => map()?.has(k) ?? false,
      entries: () => (map() ?? new Map<K, V>()).entries(),
      isEmpty: () => (map()?.size ?? 0) === 0,
      clear: () => this.remove(table),
    };
  }

  forEachKey(name: string, fn: (key: readonly unknown[]) => void): void {
    const table = this.tables.get(name);
    if (!table) return;
    // Taken first: `fn` may remove entries, which moves others between slots.
    const keys: (readonly unknown[])[] = [];
    for (const group of table.groups) {
      if (group) for (const key of group.keys) keys.push(keyOfStored(key));
    }
    for (const key of keys) {
      this.setCurrentKey(key);
      fn(key);
    }
  }

  /** A consistent copy of all state, by key group, taken synchronously. */
  snapshot(): Readonly<Record<string, KeyGroupState>> {
    const out: Record<string, Record<string, unknown[]>> = {};
    for (const [name, table] of this.tables) {
      table.groups.forEach((group, kg) => {
        if (!group || group.values.length === 0) return;
        const list: unknown[] = [];
        for (let slot = 0; slot < group.values.length; slot++) {
          const key = group.keys[slot];
          const value = copyValue(group.values[slot]);
          list.push([keyOfStored(key), value, group.writtenAt[slot]]);
        }
        (out[kg] ??= {})[name] = list;
      });
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
    const active: ActiveSnapshot = {
      version: ++this.version,
      out: new KeyGroupTextWriter(),
      pausedIn: undefined,
      pausedAt: 0,
    };
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
    for (const table of this.tables.values()) {
      const groups = table.groups;
      // A value state's values never change: they are encoded with their batch. Lists and maps
      // met here are live and change in place: encoded before records run again.
      const encode = table.changesInPlace ? Encode.BeforeYield : Encode.WithBatch;
      for (let kg = 0; kg < groups.length; kg++) {
        const group = groups[kg];
        if (!group) continue;
        // Lengths are read afresh each step: records between slices add and remove entries.
        for (let slot = 0; slot < group.versions.length; slot++) {
          if (group.versions[slot] < active.version) this.writeOut(table, kg, group, slot, encode);
          if ((++n & 255) === 0 && performance.now() - sliceStart >= sliceMs) {
            this.encodeWrittenOut();
            active.pausedIn = group;
            active.pausedAt = slot + 1;
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
   * Encodes the live lists and maps the pass wrote out to every running snapshot, held by
   * reference until encoded: this runs before the pass gives the thread to records that may
   * change them in place.
   */
  private encodeWrittenOut(): void {
    for (const a of this.actives) a.out.encodeLive();
  }

  /** Nothing to release: heap state goes with the task. */
  dispose(): void {}

  /** Loads the key groups this subtask owns from any number of snapshots (after a rescale, several). */
  restore(snapshots: readonly KeyedStateSnapshot[]): void {
    for (const snapshot of snapshots) {
      for (const [kgText, byName] of Object.entries(snapshot)) {
        const kg = Number(kgText);
        if (kg < this.keyGroupRange.start || kg > this.keyGroupRange.end) continue;
        for (const [name, entries] of Object.entries(keyGroupState(byName))) {
          const table = this.table(name);
          const group = (table.groups[kg] ??= new KeyGroupEntries());
          for (const raw of entries) {
            const [key, value, writtenAt] = raw as [unknown[], unknown, number];
            if (writtenAt !== NO_TIMESTAMP) table.timed = true;
            const mapKey = mapKeyOf(key);
            const slot = group.slots.get(mapKey);
            if (slot !== undefined) {
              group.values[slot] = value;
              group.writtenAt[slot] = writtenAt;
              continue;
            }
            group.slots.set(mapKey, group.values.length);
            group.keys.push(storedKeyOf(key, mapKey));
            group.values.push(value);
            group.writtenAt.push(writtenAt);
            group.versions.push(this.version);
          }
        }
      }
    }
    this.keyCount++;
  }
}
