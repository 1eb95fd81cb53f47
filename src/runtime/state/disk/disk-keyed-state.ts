import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { copyFile, mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { WeirError } from '../../../common/errors.js';
import {
  isKeyedStateHandle,
  type KeyedStateHandle,
  type KeyedStateSnapshot,
  type ListState,
  type MapState,
  type StateTtl,
  type ValueState,
} from '../../api/state.js';
import { keyGroupState } from '../key-group-text.js';
import { assignToKeyGroup, hashFields, keyGroupRange } from '../key-groups.js';
import { keyString } from '../key-string.js';
import type { SnapshotTarget, SnapshottingKeyedStateBackend } from '../snapshot.js';
import { BlockCache } from './block-cache.js';
import { memtableScan, mergeSorted, sortInSlices } from './merge.js';
import {
  compositeKey,
  copyValue,
  type Entry,
  estimateSize,
  keyGroupOf,
  keyGroupPrefix,
  recordToSlot,
  type Slot,
  type StoredRecord,
  stateNameOf,
} from './records.js';
import { RUN_FILE_SUFFIX, SortedRunReader, SortedRunWriter } from './sorted-run.js';

export interface DiskBackendOptions {
  readonly maxParallelism: number;
  readonly parallelism: number;
  readonly subtaskIndex: number;
  /** The backend's own working directory (created; removed by dispose). */
  readonly directory: string;
  /** Prefix of file names this backend writes into shared/ and savepoints, e.g. `<operator id>-<subtask>`. */
  readonly namePrefix: string;
  /** Memtable size (estimated) at which it is frozen and flushed to a sorted run. */
  readonly writeBufferBytes?: number;
  readonly blockCacheBytes?: number;
  readonly blockSize?: number;
  /** Sorted runs beyond which a compaction merges the newest of them. */
  readonly maxRuns?: number;
  readonly clock?: () => number;
  /** What the snapshot of a checkpoint id is for (incremental checkpoint, savepoint, full). */
  readonly resolveTarget?: (checkpointId: number) => SnapshotTarget;
}

/** A memtable no longer written to, until its sorted run replaces it. */
interface FrozenMemtable {
  readonly entries: ReadonlyMap<string, Slot>;
  /** Estimated size, as accounted while it was the active memtable. */
  readonly bytes: number;
  sortedKeys?: string[];
  /** Settles when its run is in the run list. */
  flushed?: Promise<SortedRun>;
  /** Snapshots waiting for its run: each holds a pin on the run once it exists. */
  pinsOnFlush: number;
  /** The run file being written: the background flush or a write stall carries it on. */
  writing?: {
    readonly name: string;
    readonly path: string;
    readonly writer: SortedRunWriter;
    readonly records: Iterator<StoredRecord>;
  };
  /** Its run, once in the run list. */
  run?: SortedRun;
}

interface SortedRun {
  readonly name: string;
  readonly path: string;
  readonly reader: SortedRunReader;
  readonly sizeBytes: number;
  /** Snapshots still reading or uploading this run: it is deleted only after the last lets go. */
  pins: number;
  /** Replaced by a compaction; deleted once unpinned. */
  obsolete: boolean;
}

const DEFAULT_WRITE_BUFFER = 64 * 1024 * 1024;
const DEFAULT_BLOCK_CACHE = 64 * 1024 * 1024;
const DEFAULT_BLOCK_SIZE = 16 * 1024;
const DEFAULT_MAX_RUNS = 4;
/** At most this many frozen memtables wait for their flush; past it the active memtable keeps growing. */
const MAX_FROZEN = 2;
/**
 * RocksDB's write stop: with MAX_FROZEN memtables waiting, a write that takes the active memtable
 * to this many times the write buffer finishes the oldest flush on the writer's own thread before
 * it returns. Until then (the slowdown zone) the background flush may catch up by itself. Memory
 * for memtables is so bounded by (MAX_FROZEN + 1) × STOP_FACTOR × write buffer, whatever the rate.
 */
const STOP_FACTOR = 2;
/** Records a background flush writes between checks for its time slice. */
const FLUSH_STEP = 256;
/** How long a slice of background work (flush, compaction, snapshot) may hold the thread. */
const SLICE_MS = 4;

const ALL_FIELDS_CACHE: number[][] = [];
const allFields = (n: number) => (ALL_FIELDS_CACHE[n] ??= Array.from({ length: n }, (_, i) => i));

/** Yields to the event loop when the current slice has run long enough. */
function slicer(): () => Promise<void> {
  let start = performance.now();
  return async () => {
    if (performance.now() - start < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    start = performance.now();
  };
}

async function copyDurably(from: string, to: string): Promise<void> {
  const temp = `${to}.inprogress`;
  await copyFile(from, temp);
  const handle = await open(temp, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, to);
}

/**
 * Keyed state on local disk, for state larger than memory (the role of Flink's
 * EmbeddedRocksDBStateBackend), as a small log-structured merge tree:
 *
 * - writes go to a memtable (a Map); when it is full it is frozen and flushed, in the background,
 *   to an immutable sorted run file; reads look in the memtable, the frozen memtables and then
 *   the runs, newest first, each run skipped by its Bloom filter or read one block at a time
 *   through a block cache — all synchronously, as operators call state;
 * - compaction merges the newest runs into one, dropping deleted, expired and foreign entries;
 * - a snapshot freezes the memtable (the synchronous part is O(1)) and then either writes a
 *   canonical snapshot (full checkpoints, canonical savepoints) or flushes and hands over its run
 *   files: uploaded once into `shared/` for incremental checkpoints, copied for native savepoints.
 *
 * Values are held as the heap backend holds them (the memtable keeps live objects), so the
 * operators' contract is the same: a stored value is replaced, not changed in place.
 */
export class DiskKeyedStateBackend implements SnapshottingKeyedStateBackend {
  readonly maxParallelism: number;
  readonly keyGroupRange: { readonly start: number; readonly end: number };
  private active = new Map<string, Slot>();
  private activeBytes = 0;
  /** Newest first. */
  private frozen: FrozenMemtable[] = [];
  /** Newest first. */
  private runs: SortedRun[] = [];
  private readonly cache: BlockCache;
  private readonly clock: () => number;
  private readonly writeBufferBytes: number;
  private readonly blockSize: number;
  private readonly maxRuns: number;
  private nextRunId = 0;
  private flushChain: Promise<unknown> = Promise.resolve();
  private compacting = false;
  /** Writes that had to finish a flush themselves (the memtables outran the background flushes). */
  private writeStalls = 0;
  private failure?: Error;
  private disposed = false;
  /** TTL per state name, as the operators declared it: compaction drops expired entries. */
  private readonly ttls = new Map<string, number>();
  /** Runs already in a shared/ directory, by run name (incremental checkpoints upload each once). */
  private readonly uploaded = new Map<string, { path: string; sizeBytes: number }>();

  private currentKey: readonly unknown[] = [];
  private currentKeyString = '';
  private currentGroupHex = '0000';

  constructor(private readonly options: DiskBackendOptions) {
    this.maxParallelism = options.maxParallelism;
    this.keyGroupRange = keyGroupRange(options.maxParallelism, options.parallelism, options.subtaskIndex);
    this.cache = new BlockCache(options.blockCacheBytes ?? DEFAULT_BLOCK_CACHE);
    this.clock = options.clock ?? Date.now;
    this.writeBufferBytes = options.writeBufferBytes ?? DEFAULT_WRITE_BUFFER;
    this.blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
    this.maxRuns = Math.max(2, options.maxRuns ?? DEFAULT_MAX_RUNS);
    mkdirSync(options.directory, { recursive: true });
  }

  // ---- keys ----

  setCurrentKey(key: readonly unknown[]): void {
    this.currentKey = key;
    this.currentKeyString = keyString(key);
    this.currentGroupHex = keyGroupPrefix(
      assignToKeyGroup(hashFields(key, allFields(key.length)), this.maxParallelism),
    );
  }

  getCurrentKey(): readonly unknown[] {
    return this.currentKey;
  }

  private composite(name: string): string {
    return compositeKey(this.currentGroupHex, name, this.currentKeyString);
  }

  // ---- the read and write path ----

  private check(): void {
    if (this.failure) throw this.failure;
  }

  /** The newest slot for a composite key, or undefined if no layer has it. */
  private lookup(ck: string): Slot | undefined {
    const slot = this.active.get(ck);
    if (slot !== undefined) return slot;
    for (const m of this.frozen) {
      const s = m.entries.get(ck);
      if (s !== undefined) return s;
    }
    for (const run of this.runs) {
      const r = run.reader.get(ck);
      if (r !== undefined) return recordToSlot(r);
    }
    return undefined;
  }

  private expired(entry: Entry, ttl: StateTtl | undefined): boolean {
    return ttl !== undefined && this.clock() - entry.writtenAt >= ttl.ttlMs;
  }

  /** The live entry of the current key in state `name`; an expired one is deleted, as on the heap. */
  private read(name: string, ttl: StateTtl | undefined): Entry | undefined {
    this.check();
    const ck = this.composite(name);
    const slot = this.lookup(ck);
    if (!slot) return undefined;
    if (this.expired(slot, ttl)) {
      this.deleteSlot(ck);
      return undefined;
    }
    return slot;
  }

  /** The entry of the current key, in the active memtable so it may be changed in place. */
  private mutable(name: string, ttl: StateTtl | undefined): Entry | undefined {
    const ck = this.composite(name);
    const own = this.active.get(ck);
    if (own && !this.expired(own, ttl)) {
      own.writtenAt = this.clock();
      return own;
    }
    const entry = this.read(name, ttl);
    if (!entry) return undefined;
    // Older layers are immutable (snapshots and the block cache read them): copy on first write.
    const copy: Entry = { key: entry.key, value: copyValue(entry.value), writtenAt: this.clock() };
    // Not frozen here: the caller changes the copy next, and only then accounts for it (grew).
    this.active.set(ck, copy);
    this.activeBytes += ck.length * 2 + estimateSize(copy.value) + 48;
    return copy;
  }

  private write(name: string, value: unknown): void {
    this.check();
    this.put(
      this.composite(name),
      { key: this.currentKey, value, writtenAt: this.clock() },
      estimateSize(value),
    );
  }

  private put(ck: string, slot: Slot, bytes: number): void {
    this.active.set(ck, slot);
    this.grew(ck.length * 2 + bytes + 48);
  }

  private deleteSlot(ck: string): void {
    if (this.frozen.length === 0 && this.runs.length === 0) this.active.delete(ck);
    else this.put(ck, null, 0);
  }

  private remove(name: string): void {
    this.check();
    this.deleteSlot(this.composite(name));
  }

  /**
   * Accounts for memtable growth; a full memtable is frozen and flushed in the background. When
   * flushes fall behind, the write stalls (see STOP_FACTOR) instead of letting memory grow.
   */
  private grew(bytes: number): void {
    this.activeBytes += bytes;
    if (this.activeBytes < this.writeBufferBytes) return;
    if (this.frozen.length >= MAX_FROZEN) {
      if (this.activeBytes < STOP_FACTOR * this.writeBufferBytes) return;
      this.writeStalls++;
      // A snapshot may have frozen one more: flush until there is room.
      while (this.frozen.length >= MAX_FROZEN) this.advanceFlush(this.frozen[this.frozen.length - 1]);
    }
    this.freeze();
  }

  private declareTtl(name: string, ttl: StateTtl | undefined): void {
    if (ttl) this.ttls.set(name, ttl.ttlMs);
  }

  getValueState<T>(name: string, ttl?: StateTtl): ValueState<T> {
    this.declareTtl(name, ttl);
    return {
      value: () => this.read(name, ttl)?.value as T | undefined,
      update: (value) => this.write(name, value),
      clear: () => this.remove(name),
    };
  }

  getListState<T>(name: string, ttl?: StateTtl): ListState<T> {
    this.declareTtl(name, ttl);
    return {
      get: () => (this.read(name, ttl)?.value as T[] | undefined) ?? [],
      add: (value) => {
        this.check();
        const e = this.mutable(name, ttl);
        if (e) {
          (e.value as T[]).push(value);
          this.grew(estimateSize(value) + 8);
        } else this.write(name, [value]);
      },
      update: (values) => (values.length > 0 ? this.write(name, [...values]) : this.remove(name)),
      clear: () => this.remove(name),
    };
  }

  getMapState<K, V>(name: string, ttl?: StateTtl): MapState<K, V> {
    this.declareTtl(name, ttl);
    const map = () => this.read(name, ttl)?.value as Map<K, V> | undefined;
    return {
      get: (k) => map()?.get(k),
      put: (k, v) => {
        this.check();
        const e = this.mutable(name, ttl);
        if (e) {
          (e.value as Map<K, V>).set(k, v);
          this.grew(estimateSize(k) + estimateSize(v) + 16);
        } else this.write(name, new Map([[k, v]]));
      },
      remove: (k) => {
        const m = map();
        if (!m?.has(k)) return;
        if (m.size === 1) {
          this.remove(name);
          return;
        }
        (this.mutable(name, ttl)!.value as Map<K, V>).delete(k);
        this.grew(0);
      },
      contains: (k) => map()?.has(k) ?? false,
      entries: () => (map() ?? new Map<K, V>()).entries(),
      isEmpty: () => (map()?.size ?? 0) === 0,
      clear: () => this.remove(name),
    };
  }

  forEachKey(name: string, fn: (key: readonly unknown[]) => void): void {
    this.check();
    // Keys first, then the calls: fn may change state while we would still be scanning it.
    const keys: (readonly unknown[])[] = [];
    const activeKeys = [...this.active.keys()].filter((k) => stateNameOf(k) === name).sort();
    for (let kg = this.keyGroupRange.start; kg <= this.keyGroupRange.end; kg++) {
      const from = compositeKey(keyGroupPrefix(kg), name, '');
      for (const r of mergeSorted(this.sources(from, activeKeys))) {
        if (!r[0].startsWith(from)) break;
        if (r.length === 4) keys.push(r[1]);
      }
    }
    for (const key of keys) {
      this.setCurrentKey(key);
      fn(key);
    }
  }

  /** Every layer as a sorted source from `from`, newest first. */
  private sources(from: string | undefined, activeSortedKeys?: string[]): Iterator<StoredRecord>[] {
    const out: Iterator<StoredRecord>[] = [];
    if (activeSortedKeys) out.push(memtableScan(this.active, activeSortedKeys, from));
    for (const m of this.frozen) out.push(memtableScan(m.entries, sortedKeys(m), from));
    for (const run of this.runs) out.push(run.reader.scan(from));
    return out;
  }

  // ---- flush and compaction ----

  private newRunPath(): { name: string; path: string } {
    const name = `${String(this.nextRunId++).padStart(6, '0')}${RUN_FILE_SUFFIX}`;
    return { name, path: join(this.options.directory, name) };
  }

  private openRun(name: string, path: string): SortedRun {
    const reader = SortedRunReader.open(path, this.nextRunId++, this.cache);
    return { name, path, reader, sizeBytes: reader.meta.sizeBytes, pins: 0, obsolete: false };
  }

  /** Freezes the active memtable and queues its flush; flushes run one at a time, oldest first. */
  private freeze(): FrozenMemtable | undefined {
    if (this.active.size === 0) return undefined;
    const m: FrozenMemtable = { entries: this.active, bytes: this.activeBytes, pinsOnFlush: 0 };
    this.frozen.unshift(m);
    this.active = new Map();
    this.activeBytes = 0;
    const flushed = this.flushChain.then(() => this.flush(m));
    m.flushed = flushed;
    this.flushChain = flushed.catch(() => {});
    flushed.catch((err: Error) => {
      this.failure ??= err;
    });
    return m;
  }

  /** The background flush of `m`, in time slices; a write stall may finish it meanwhile. */
  private async flush(m: FrozenMemtable): Promise<SortedRun> {
    if (this.disposed) throw new Error('the state backend was disposed');
    // Not in the microtask of whoever froze the memtable (a checkpoint's synchronous part).
    await new Promise<void>((resolve) => setImmediate(resolve));
    const pause = slicer();
    if (!m.run && !m.sortedKeys) {
      const sorted = await sortInSlices([...m.entries.keys()], pause);
      m.sortedKeys ??= sorted;
    }
    for (;;) {
      const run = this.advanceFlush(m, FLUSH_STEP);
      if (run) return run;
      await pause();
      if (this.disposed) throw new Error('the state backend was disposed');
    }
  }

  /**
   * Writes up to `limit` more records of `m`'s run; once all are written, the run replaces the
   * memtable. Flushes complete oldest first whoever drives them, so the run order stays right.
   */
  private advanceFlush(m: FrozenMemtable, limit = Number.POSITIVE_INFINITY): SortedRun | undefined {
    if (m.run) return m.run;
    if (!m.writing) {
      const { name, path } = this.newRunPath();
      const writer = new SortedRunWriter(path, this.blockSize);
      m.writing = { name, path, writer, records: memtableScan(m.entries, sortedKeys(m)) };
    }
    const { name, path, writer, records } = m.writing;
    try {
      for (let i = 0; i < limit; i++) {
        const next = records.next();
        if (next.done) {
          writer.finish({ durable: false });
          return this.installFlushed(m, this.openRun(name, path));
        }
        writer.add(next.value);
      }
    } catch (err) {
      writer.abandon();
      this.failure ??= err as Error;
      throw err;
    }
    return undefined;
  }

  private installFlushed(m: FrozenMemtable, run: SortedRun): SortedRun {
    m.run = run;
    m.writing = undefined;
    run.pins += m.pinsOnFlush;
    // The run replaces the memtable in one step: readers never miss its entries.
    this.runs.unshift(run);
    this.frozen = this.frozen.filter((f) => f !== m);
    this.maybeCompact();
    return run;
  }

  /**
   * Universal-style compaction: merges a newest prefix of the runs, taking in the next older run
   * while it is at most twice the size of what is merged so far, so large old runs are rewritten
   * rarely. Deletions are dropped when the oldest run takes part; expired entries and key groups
   * this subtask no longer owns (after a rescale) are always dropped.
   */
  private maybeCompact(): void {
    if (this.compacting || this.disposed || this.runs.length <= this.maxRuns) return;
    const all = this.runs;
    let k = 1;
    let sum = all[0].sizeBytes;
    while (k < all.length && (k < 2 || all[k].sizeBytes <= 2 * sum)) sum += all[k++].sizeBytes;
    const inputs = all.slice(0, k);
    const bottommost = k === all.length;
    this.compacting = true;
    for (const r of inputs) r.pins++;
    this.compact(inputs, bottommost)
      .catch((err: Error) => {
        if (!this.disposed) this.failure ??= err;
      })
      .finally(() => {
        this.compacting = false;
        for (const r of inputs) this.unpin(r);
        this.maybeCompact();
      });
  }

  private async compact(inputs: SortedRun[], bottommost: boolean): Promise<void> {
    const { name, path } = this.newRunPath();
    const writer = new SortedRunWriter(path, this.blockSize);
    const pause = slicer();
    const now = this.clock();
    const { start, end } = this.keyGroupRange;
    try {
      let n = 0;
      for (const r of mergeSorted(inputs.map((run) => run.reader.scan(undefined, false)))) {
        if ((++n & 255) === 0) await pause();
        if (this.disposed) throw new Error('the state backend was disposed');
        if (r.length === 1) {
          if (!bottommost) writer.add(r);
          continue;
        }
        const kg = keyGroupOf(r[0]);
        if (kg < start || kg > end) continue;
        const ttl = this.ttls.get(stateNameOf(r[0]));
        if (ttl !== undefined && now - r[3] >= ttl) {
          // An older version below this compaction is as old, so it reads as expired too.
          if (!bottommost) writer.add([r[0]]);
          continue;
        }
        writer.add(r);
      }
      writer.finish({ durable: false });
    } catch (err) {
      writer.abandon();
      throw err;
    }
    const merged = this.openRun(name, path);
    if (this.disposed) {
      this.deleteRun(merged);
      return;
    }
    // Newer runs may have been flushed meanwhile; the inputs are still one contiguous stretch.
    const at = this.runs.indexOf(inputs[0]);
    this.runs.splice(at, inputs.length, merged);
    for (const r of inputs) r.obsolete = true;
  }

  private unpin(run: SortedRun): void {
    run.pins--;
    if (run.pins <= 0 && run.obsolete) this.deleteRun(run);
  }

  private deleteRun(run: SortedRun): void {
    try {
      run.reader.close();
      unlinkSync(run.path);
    } catch {}
  }

  /** Waits until every frozen memtable is flushed and no compaction runs (tests, benchmarks). */
  async settle(): Promise<void> {
    await this.flushChain;
    while (this.compacting) await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
  }

  /** Runs and memtables, for tests and benchmarks. */
  get stats(): {
    runs: number;
    runBytes: number;
    frozen: number;
    activeEntries: number;
    /** Estimated bytes in the active and frozen memtables. */
    memtableBytes: number;
    writeStalls: number;
  } {
    return {
      runs: this.runs.length,
      runBytes: this.runs.reduce((n, r) => n + r.sizeBytes, 0),
      frozen: this.frozen.length,
      activeEntries: this.active.size,
      memtableBytes: this.activeBytes + this.frozen.reduce((n, m) => n + m.bytes, 0),
      writeStalls: this.writeStalls,
    };
  }

  /** Flushes the active memtable now (tests, benchmarks). */
  async flushNow(): Promise<void> {
    this.freeze();
    await this.settle();
  }

  // ---- snapshots ----

  /**
   * The synchronous part freezes the memtable and pins the runs: O(1) whatever the state size.
   * `materialize` then produces the snapshot the target asks for, while records keep flowing.
   */
  snapshotAsync(options: { checkpointId?: number } = {}): {
    materialize(): Promise<KeyedStateSnapshot | KeyedStateHandle>;
  } {
    this.check();
    const target: SnapshotTarget =
      options.checkpointId !== undefined && this.options.resolveTarget
        ? this.options.resolveTarget(options.checkpointId)
        : { kind: 'checkpoint' };
    this.freeze();
    const memtables = [...this.frozen];
    const runs = [...this.runs];
    for (const r of runs) r.pins++;
    const asFiles =
      (target.kind === 'checkpoint' && target.sharedDirectory !== undefined) ||
      (target.kind === 'savepoint' && target.format === 'native');
    if (asFiles) for (const m of memtables) m.pinsOnFlush++;
    return {
      materialize: async () => {
        const flushedRuns: SortedRun[] = [];
        try {
          if (!asFiles) return await this.canonical(memtables, runs);
          for (const m of memtables) flushedRuns.push(await m.flushed!);
          const files = [...flushedRuns, ...runs];
          return target.kind === 'checkpoint'
            ? await this.uploadIncremental(files, target.sharedDirectory!)
            : await this.copyNative(files, target.directory);
        } finally {
          for (const r of runs) this.unpin(r);
          for (const r of flushedRuns) this.unpin(r);
        }
      },
    };
  }

  /** Flink's unified (canonical) format: every live entry of this subtask, by key group and state. */
  private async canonical(
    memtables: readonly FrozenMemtable[],
    runs: readonly SortedRun[],
  ): Promise<KeyedStateSnapshot> {
    const out: Record<string, Record<string, unknown[]>> = {};
    const pause = slicer();
    let n = 0;
    for (const [kg, name, entry] of this.liveEntries(memtables, runs)) {
      if ((++n & 255) === 0) await pause();
      ((out[kg] ??= {})[name] ??= []).push(entry);
    }
    return out;
  }

  /** A canonical snapshot taken synchronously (tests, and callers that need one at once). */
  snapshot(): KeyedStateSnapshot {
    this.check();
    // A throwaway wrapper: the active memtable is sorted for this scan only.
    const memtables = [{ entries: this.active, bytes: this.activeBytes, pinsOnFlush: 0 }, ...this.frozen];
    const out: Record<string, Record<string, unknown[]>> = {};
    for (const [kg, name, entry] of this.liveEntries(memtables, this.runs)) {
      ((out[kg] ??= {})[name] ??= []).push(entry);
    }
    return out;
  }

  /** The live entries of this subtask's key groups, as [key group, state name, canonical entry]. */
  private *liveEntries(
    memtables: readonly FrozenMemtable[],
    runs: readonly SortedRun[],
  ): Generator<[number, string, unknown[]]> {
    const sources = [
      ...memtables.map((m) => memtableScan(m.entries, sortedKeys(m))),
      ...runs.map((r) => r.reader.scan(undefined, false)),
    ];
    const { start, end } = this.keyGroupRange;
    for (const r of mergeSorted(sources)) {
      if (r.length === 1) continue;
      const kg = keyGroupOf(r[0]);
      if (kg < start || kg > end) continue;
      yield [kg, stateNameOf(r[0]), [r[1], copyValue(r[2]), r[3]]];
    }
  }

  /** Incremental checkpoint: each run is uploaded to shared/ once; later checkpoints refer to it. */
  private async uploadIncremental(
    runs: readonly SortedRun[],
    sharedDirectory: string,
  ): Promise<KeyedStateHandle> {
    await mkdir(sharedDirectory, { recursive: true });
    const files: { path: string; sizeBytes: number }[] = [];
    for (const run of runs) {
      let ref = this.uploaded.get(run.name);
      if (!ref?.path.startsWith(sharedDirectory)) {
        const path = join(sharedDirectory, `${this.options.namePrefix}-${randomUUID()}${RUN_FILE_SUFFIX}`);
        await copyDurably(run.path, path);
        ref = { path, sizeBytes: run.sizeBytes };
        this.uploaded.set(run.name, ref);
      }
      files.push(ref);
    }
    // Runs compacted away are never referenced again by this backend.
    const live = new Set(this.runs.map((r) => r.name));
    for (const name of this.uploaded.keys()) if (!live.has(name)) this.uploaded.delete(name);
    return { format: 'weir-sorted-runs-v1', keyGroupRange: this.keyGroupRange, files };
  }

  /** Native savepoint: the runs copied into the savepoint directory, which then stands on its own. */
  private async copyNative(runs: readonly SortedRun[], directory: string): Promise<KeyedStateHandle> {
    await mkdir(directory, { recursive: true });
    const files: { path: string; sizeBytes: number }[] = [];
    for (const run of runs) {
      const path = join(directory, `${this.options.namePrefix}-${run.name}`);
      await copyDurably(run.path, path);
      files.push({ path, sizeBytes: run.sizeBytes });
    }
    return { format: 'weir-sorted-runs-v1', keyGroupRange: this.keyGroupRange, files };
  }

  // ---- restore ----

  /**
   * Loads the key groups this subtask owns. Canonical snapshots are bulk-loaded into one sorted
   * run; run files (incremental checkpoints, native savepoints) are linked or copied in whole and
   * read through this subtask's key-group range until compaction drops the rest.
   */
  restore(states: readonly (KeyedStateSnapshot | KeyedStateHandle)[]): void {
    const { start, end } = this.keyGroupRange;
    const groups: [number, KeyedStateSnapshot[string]][] = [];
    for (const state of states) {
      if (isKeyedStateHandle(state)) {
        if (state.keyGroupRange.end < start || state.keyGroupRange.start > end) continue;
        for (const file of state.files) this.restoreRun(file);
        continue;
      }
      for (const [kgText, byName] of Object.entries(state)) {
        const kg = Number(kgText);
        if (kg >= start && kg <= end) groups.push([kg, byName]);
      }
    }
    if (groups.length > 0) this.bulkLoad(groups);
  }

  /**
   * Writes canonical state into one sorted run, key group by key group and state by state, in
   * the store's key order (key group, then state name, then key), sorting one state of one key
   * group at a time rather than the whole snapshot.
   */
  private bulkLoad(groups: [number, KeyedStateSnapshot[string]][]): void {
    groups.sort((a, b) => a[0] - b[0]);
    const { name, path } = this.newRunPath();
    const writer = new SortedRunWriter(path, this.blockSize);
    const restoredAt = this.clock();
    try {
      for (const [kg, group] of groups) {
        const prefix = keyGroupPrefix(kg);
        // Decoded a key group at a time: a snapshot written as text is never all decoded at once.
        const byName = keyGroupState(group);
        for (const state of Object.keys(byName).sort()) {
          const keyed = byName[state].map((raw) => {
            const e = raw as [unknown[], unknown, number];
            return [keyString(e[0]), e] as const;
          });
          keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
          for (const [ks, [key, value, writtenAt]] of keyed) {
            // The heap backend keeps no write time for state without TTL (a negative one): the
            // TTL of such an entry, if this run has one, starts at the restore.
            writer.add([compositeKey(prefix, state, ks), key, value, writtenAt < 0 ? restoredAt : writtenAt]);
          }
        }
      }
      writer.finish({ durable: false });
    } catch (err) {
      writer.abandon();
      throw err;
    }
    this.runs.push(this.openRun(name, path));
  }

  private restoreRun(file: { path: string; sizeBytes: number }): void {
    const { name, path } = this.newRunPath();
    if (!existsSync(file.path)) {
      throw new WeirError('RESTORE_INVALID', `State file ${file.path} of the checkpoint is missing`, {
        kind: 'external',
        hint: 'A checkpoint needs the files under shared/ it refers to; restore from another retained checkpoint or savepoint.',
      });
    }
    try {
      // Run files are immutable, so a hard link is as good as a copy, and free.
      linkSync(file.path, path);
    } catch {
      copyFileSync(file.path, path);
    }
    const run = this.openRun(name, path);
    const { start, end } = this.keyGroupRange;
    if (run.reader.meta.maxKeyGroup < start || run.reader.meta.minKeyGroup > end) {
      this.deleteRun(run);
      return;
    }
    this.runs.push(run);
    // After a failover the same job's shared/ files are reused instead of uploaded again.
    this.uploaded.set(name, { path: file.path, sizeBytes: file.sizeBytes });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const run of this.runs) {
      try {
        run.reader.close();
      } catch {}
    }
    this.runs = [];
    rmSync(this.options.directory, { recursive: true, force: true });
  }
}

function sortedKeys(m: FrozenMemtable): string[] {
  m.sortedKeys ??= [...m.entries.keys()].sort();
  return m.sortedKeys;
}
