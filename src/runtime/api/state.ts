/**
 * Keyed state as operators see it (Flink's ValueState, ListState, MapState). Every access is
 * scoped to the backend's current key, which the operator sets per record.
 *
 * Values are treated as immutable once stored: to change a value, store a new one with update()
 * or put(). Snapshots are copy-on-write and asynchronous, so an object changed in place after it
 * was stored could leak later changes into a checkpoint that is being written out.
 */
export interface ValueState<T> {
  value(): T | undefined;
  update(value: T): void;
  clear(): void;
}

export interface ListState<T> {
  get(): readonly T[];
  add(value: T): void;
  update(values: readonly T[]): void;
  clear(): void;
}

export interface MapState<K, V> {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  remove(key: K): void;
  contains(key: K): boolean;
  entries(): IterableIterator<[K, V]>;
  isEmpty(): boolean;
  clear(): void;
}

export interface StateTtl {
  /** Entries not written for this long are expired and never returned (Flink's OnCreateAndWrite, NeverReturnExpired). */
  readonly ttlMs: number;
}

export interface KeyedStateBackend {
  readonly maxParallelism: number;
  readonly keyGroupRange: { readonly start: number; readonly end: number };
  setCurrentKey(key: readonly unknown[]): void;
  getCurrentKey(): readonly unknown[];
  getValueState<T>(name: string, ttl?: StateTtl): ValueState<T>;
  getListState<T>(name: string, ttl?: StateTtl): ListState<T>;
  getMapState<K, V>(name: string, ttl?: StateTtl): MapState<K, V>;
  /** Calls `fn` with each key that has state `name`, the backend's current key set to it. */
  forEachKey(name: string, fn: (key: readonly unknown[]) => void): void;
}

/**
 * The keyed state of one key group: per state name, the entries as [key fields, value, last
 * write time] (or, as the heap backend writes them, flat: see key-group-text.ts, whose
 * keyGroupState reads either form).
 */
export type KeyGroupState = Readonly<Record<string, readonly unknown[]>>;

/**
 * Keyed state in a checkpoint, by key group: each group's entries, or their JSON text as
 * common/serde writes state, whole or in parts. The heap backend hands its snapshots over as text
 * in parts, encoded during the copy-on-write pass: `_metadata` takes the parts as they are, and
 * they cross threads as strings instead of a structured clone of every entry.
 */
export type KeyedStateSnapshot = Readonly<Record<string, KeyGroupState | string | readonly string[]>>;

/**
 * Keyed state in a checkpoint as the disk backend's own files (Flink's
 * IncrementalRemoteKeyedStateHandle): the sorted runs of one subtask, newest first. Incremental
 * checkpoints point into the job's `shared/` directory, where runs are shared between checkpoints;
 * native savepoints hold their own copies. Paths are absolute in memory and written relative to
 * the directory of the `_metadata` file, so a savepoint folder can be moved.
 */
export interface KeyedStateHandle {
  readonly format: 'weir-sorted-runs-v1';
  readonly keyGroupRange: { readonly start: number; readonly end: number };
  readonly files: readonly { readonly path: string; readonly sizeBytes: number }[];
}

export function isKeyedStateHandle(value: unknown): value is KeyedStateHandle {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === 'weir-sorted-runs-v1'
  );
}
