import type { KeyedStateHandle, KeyedStateSnapshot } from '../../api/state.js';
import { BlockCache } from './block-cache.js';
import { mergeSorted } from './merge.js';
import { keyGroupOf, stateNameOf } from './records.js';
import { SortedRunReader } from './sorted-run.js';

/**
 * Reads run files (an incremental checkpoint or a native savepoint) into the canonical form, for
 * the key groups in `range`: how the heap backend restores from the disk backend's own format.
 */
export function runFilesToCanonical(
  handles: readonly KeyedStateHandle[],
  range: { readonly start: number; readonly end: number },
): KeyedStateSnapshot {
  const out: Record<string, Record<string, unknown[]>> = {};
  const cache = new BlockCache(0);
  for (const handle of handles) {
    if (handle.keyGroupRange.end < range.start || handle.keyGroupRange.start > range.end) continue;
    const readers = handle.files.map((f, i) => SortedRunReader.open(f.path, i, cache));
    try {
      for (const r of mergeSorted(readers.map((reader) => reader.scan(undefined, false)))) {
        if (r.length === 1) continue;
        const kg = keyGroupOf(r[0]);
        if (kg < range.start || kg > range.end) continue;
        ((out[kg] ??= {})[stateNameOf(r[0])] ??= []).push([r[1], r[2], r[3]]);
      }
    } finally {
      for (const reader of readers) reader.close();
    }
  }
  return out;
}
