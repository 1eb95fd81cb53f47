import type { ChangelogMode } from '../../common/jobgraph.js';

/**
 * The row kinds a physical node emits, as Flink's ChangelogMode (a set of RowKinds) and as
 * EXPLAIN CHANGELOG_MODE prints them: I (insert), UB (update before), UA (update after), D (delete).
 * The JobGraph and connectors speak the coarser ChangelogMode: insert-only, upsert, retract.
 */
export type RowKindName = 'I' | 'UB' | 'UA' | 'D';

/** Row kinds in canonical order (I, UB, UA, D). */
export type RowKindSet = readonly RowKindName[];

const ORDER: readonly RowKindName[] = ['I', 'UB', 'UA', 'D'];

export const INSERT_ONLY: RowKindSet = ['I'];

export function rowKindSet(...kinds: readonly RowKindName[]): RowKindSet {
  return ORDER.filter((k) => kinds.includes(k));
}

export function rowKindsOf(mode: ChangelogMode): RowKindSet {
  switch (mode) {
    case 'insert-only':
      return INSERT_ONLY;
    case 'upsert':
      return ['I', 'UA', 'D'];
    case 'retract':
      return ORDER;
    default: {
      const never: never = mode;
      return never;
    }
  }
}

/** A stream with -U rows is a retract stream; one with +U or -D but no -U an upsert stream. */
export function changelogModeOf(kinds: RowKindSet): ChangelogMode {
  if (kinds.includes('UB')) return 'retract';
  return kinds.length === 1 && kinds[0] === 'I' ? 'insert-only' : 'upsert';
}

export const isInsertOnly = (kinds: RowKindSet) => kinds.length === 1 && kinds[0] === 'I';
export const hasUpdates = (kinds: RowKindSet) => kinds.includes('UA') || kinds.includes('UB');
export const hasDeletes = (kinds: RowKindSet) => kinds.includes('D');
