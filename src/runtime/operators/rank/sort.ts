import type { SortFieldSpec } from '../../../common/jobgraph.js';
import { compareBytes, compareStrings } from '../calc/strings-runtime.js';

/** Two non-NULL values of one SQL type in Flink's order: numbers, bigints (DECIMAL, BIGINT), strings by code point, bytes unsigned. */
export function compareValues(x: unknown, y: unknown): number {
  if (typeof x === 'string' && typeof y === 'string') return compareStrings(x, y);
  if (x instanceof Uint8Array && y instanceof Uint8Array) return compareBytes(x, y);
  return (x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0;
}

export type RowComparator = (a: readonly unknown[], b: readonly unknown[]) => number;

/** A comparator of rows by `keys`: each key ascending or descending, NULLs first or last as the key says. */
export function rowComparator(keys: readonly SortFieldSpec[]): RowComparator {
  return (a, b) => {
    for (const k of keys) {
      const x = a[k.index];
      const y = b[k.index];
      if (x == null || y == null) {
        if (x == null && y == null) continue;
        // NULLS FIRST/LAST is the position in the result, whatever the direction.
        return (x == null) === k.nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return k.descending ? -c : c;
    }
    return 0;
  };
}

/** The first index whose row sorts after `row` by `compare`: where a new row goes, behind its ties. */
export function upperBound(
  rows: readonly unknown[][],
  row: readonly unknown[],
  compare: RowComparator,
): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(rows[mid], row) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose row does not sort before `row` by `compare`. */
export function lowerBound(
  rows: readonly unknown[][],
  row: readonly unknown[],
  compare: RowComparator,
): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(rows[mid], row) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
