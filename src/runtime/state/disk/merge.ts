import { type Slot, type StoredRecord, slotToRecord } from './records.js';

/**
 * Merges sorted streams of records into one, in key order. Sources come newest first: when
 * several hold the same key, the newest wins and the older versions are skipped — the read path
 * of a log-structured store (memtable, then newer runs over older ones).
 */
export function* mergeSorted(sources: readonly Iterator<StoredRecord>[]): Generator<StoredRecord> {
  const heads: (StoredRecord | undefined)[] = sources.map((s) => s.next().value as StoredRecord | undefined);
  for (;;) {
    let min: string | undefined;
    let winner = -1;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (h !== undefined && (min === undefined || h[0] < min)) {
        min = h[0];
        winner = i;
      }
    }
    if (winner < 0) return;
    yield heads[winner]!;
    for (let i = 0; i < heads.length; i++) {
      if (heads[i]?.[0] === min) heads[i] = sources[i].next().value as StoredRecord | undefined;
    }
  }
}

/** The first index in sorted `keys` whose key is >= `from`. */
function lowerBound(keys: readonly string[], from: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A memtable's slots as records in key order, from the first key >= `from`. */
export function* memtableScan(
  entries: ReadonlyMap<string, Slot>,
  sortedKeys: readonly string[],
  from?: string,
): Generator<StoredRecord> {
  for (let i = from === undefined ? 0 : lowerBound(sortedKeys, from); i < sortedKeys.length; i++) {
    const key = sortedKeys[i];
    const slot = entries.get(key);
    if (slot !== undefined) yield slotToRecord(key, slot);
  }
}

const SORT_CHUNK = 4096;

/**
 * Sorts keys without holding the thread for long: chunks are sorted one at a time and then merged
 * pairwise, calling `pause` (which yields to the event loop when a slice is used up) in between.
 * A flush sorts a whole memtable; done at once, that would stall the task for hundreds of ms.
 */
export async function sortInSlices(keys: string[], pause: () => Promise<void>): Promise<string[]> {
  let runs: string[][] = [];
  for (let i = 0; i < keys.length; i += SORT_CHUNK) {
    runs.push(keys.slice(i, i + SORT_CHUNK).sort());
    await pause();
  }
  while (runs.length > 1) {
    const next: string[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r];
      const b = runs[r + 1];
      if (!b) {
        next.push(a);
        continue;
      }
      const out: string[] = new Array(a.length + b.length);
      let i = 0;
      let j = 0;
      let k = 0;
      while (i < a.length && j < b.length) {
        out[k++] = a[i] <= b[j] ? a[i++] : b[j++];
        if ((k & 4095) === 0) await pause();
      }
      while (i < a.length) out[k++] = a[i++];
      while (j < b.length) out[k++] = b[j++];
      next.push(out);
    }
    runs = next;
  }
  return runs[0] ?? [];
}
