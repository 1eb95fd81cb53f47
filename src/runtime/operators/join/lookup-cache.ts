import type { LookupCacheOptions } from '../../api/lookup.js';

interface Entry {
  readonly rows: readonly (readonly unknown[])[];
  readonly writtenAt: number;
  accessedAt: number;
}

/**
 * Flink's DefaultLookupCache for one lookup-join subtask: the rows found per key, evicted least
 * recently used first beyond `maxRows` keys, expired `expireAfterWriteMs` after they were looked
 * up or `expireAfterAccessMs` after they were last read. Not checkpointed: after a restore the
 * cache starts empty, as in Flink.
 */
export class LookupCache {
  private readonly entries = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(
    private readonly options: LookupCacheOptions,
    private readonly now: () => number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The cached rows of `key`, or undefined when it is not cached (or expired). */
  get(key: string): readonly (readonly unknown[])[] | undefined {
    const entry = this.entries.get(key);
    if (!entry) {
      this.misses++;
      return undefined;
    }
    const now = this.now();
    const { expireAfterWriteMs, expireAfterAccessMs } = this.options;
    if (
      (expireAfterWriteMs !== undefined && now - entry.writtenAt >= expireAfterWriteMs) ||
      (expireAfterAccessMs !== undefined && now - entry.accessedAt >= expireAfterAccessMs)
    ) {
      this.entries.delete(key);
      this.misses++;
      return undefined;
    }
    entry.accessedAt = now;
    // Re-inserting moves the key to the end: Map order is the LRU order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return entry.rows;
  }

  put(key: string, rows: readonly (readonly unknown[])[]): void {
    if (rows.length === 0 && !this.options.cacheMissingKey) return;
    if (this.options.maxRows <= 0) return;
    const now = this.now();
    this.entries.delete(key);
    this.entries.set(key, { rows, writtenAt: now, accessedAt: now });
    while (this.entries.size > this.options.maxRows) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }
}

/** A key's identity in the cache and within a batch: its values, typed so 1 and '1' differ. */
export function lookupKeyString(values: readonly unknown[]): string {
  let s = '';
  for (const v of values) {
    if (typeof v === 'string') s += `s${JSON.stringify(v)}`;
    else if (typeof v === 'bigint') s += `d${v}`;
    else if (v instanceof Uint8Array)
      s += `b${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
    else s += `${typeof v}${String(v)}`;
    s += '\u0000';
  }
  return s;
}
