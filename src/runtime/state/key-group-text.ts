import { parseState, stringifyState } from '../../common/serde.js';
import type { KeyedStateSnapshot, KeyGroupState } from '../api/state.js';
import { keyFromString } from './key-string.js';

/** Entries encoded per JSON.stringify call: a call per entry costs about twice as much. */
const BATCH_ENTRIES = 512;

/**
 * The first item of a state's entries written flat: `[FLAT, key, value, writtenAt, key, …]`. A
 * key is its key string where that converts back (key-string.ts), else the key. Entries written
 * as rows, `[[key, value, writtenAt], …]`, start with an array instead: snapshots of earlier
 * versions, and the synchronous snapshot, are in that form.
 */
const FLAT = 1;

/** The entries of one state name in one key group: encoded pieces, and entries still to encode. */
interface Section {
  /** Each a comma-separated run of encoded items. */
  readonly pieces: string[];
  /** Flat: key, value, writtenAt, key, … */
  batch: unknown[];
}

/**
 * A keyed-state snapshot written as JSON text while it is taken (the form KeyedStateSnapshot
 * allows for a key group): entries are added as they are met, by key group and state name, and
 * encoded in batches, one batch per key group and state name. An added value is kept by reference
 * until its batch is encoded: whoever adds a value that may change in place afterwards (a list
 * that grows, a map) encodes it at once (`now`), or calls `flush()` before anything can change it.
 * Entries are written flat, with no array per entry to allocate, encode and, on restore, decode.
 */
export class KeyGroupTextWriter {
  private readonly groups = new Map<number, Map<string, Section>>();
  /** Sections with entries still to encode. */
  private pending: Section[] = [];
  private last: Section | undefined;
  private lastKeyGroup = -1;
  private lastName = '';

  /** Adds an entry; `key` is its key string if that converts back, else the key itself. */
  add(
    keyGroup: number,
    name: string,
    key: string | readonly unknown[],
    value: unknown,
    writtenAt: number,
    now = false,
  ): void {
    let section = this.last;
    if (keyGroup !== this.lastKeyGroup || name !== this.lastName || section === undefined) {
      let byName = this.groups.get(keyGroup);
      if (!byName) this.groups.set(keyGroup, (byName = new Map()));
      section = byName.get(name);
      if (!section) byName.set(name, (section = { pieces: [], batch: [] }));
      this.last = section;
      this.lastKeyGroup = keyGroup;
      this.lastName = name;
    }
    const batch = section.batch;
    if (batch.length === 0) this.pending.push(section);
    batch.push(key, value, writtenAt);
    if (now || batch.length >= 3 * BATCH_ENTRIES) encode(section);
  }

  /** Encodes every entry added so far. */
  flush(): void {
    for (const section of this.pending) encode(section);
    this.pending = [];
  }

  /** The snapshot: per key group, `{"<state name>":[FLAT, entries…],…}`. */
  finish(): KeyedStateSnapshot {
    this.flush();
    const out: Record<string, string> = {};
    for (const [keyGroup, byName] of this.groups) {
      const states: string[] = [];
      for (const [name, { pieces }] of byName) {
        states.push(`${JSON.stringify(name)}:[${FLAT},${pieces.join(',')}]`);
      }
      out[keyGroup] = `{${states.join(',')}}`;
      // The pieces go as soon as their key group is joined: the whole text is never held twice.
      this.groups.delete(keyGroup);
    }
    return out;
  }
}

function encode(section: Section): void {
  if (section.batch.length === 0) return;
  section.pieces.push(stringifyState(section.batch).slice(1, -1));
  section.batch = [];
}

/**
 * A key group of a snapshot as entries, `[key, value, writtenAt]` per entry with the key as an
 * array, whichever form it was written in (decoding it if it is text).
 */
export function keyGroupState(group: KeyGroupState | string): KeyGroupState {
  const byName = typeof group === 'string' ? (parseState(group) as KeyGroupState) : group;
  let rows: Record<string, readonly unknown[]> | undefined;
  for (const name of Object.keys(byName)) {
    const items = byName[name];
    if (items[0] !== FLAT) continue;
    const entries: unknown[] = [];
    for (let i = 1; i + 2 < items.length; i += 3) {
      const key = items[i];
      entries.push([typeof key === 'string' ? keyFromString(key) : key, items[i + 1], items[i + 2]]);
    }
    (rows ??= { ...byName })[name] = entries;
  }
  return rows ?? byName;
}
