import { parseState, stringifyState } from '../../common/serde.js';
import type { KeyedStateSnapshot, KeyGroupState } from '../api/state.js';
import { keyOfStored, type StoredKey } from './key-string.js';

/** Entries encoded per JSON.stringify call: a call per entry costs about twice as much. */
const BATCH_ENTRIES = 512;

/**
 * The first item of a state's entries written flat: `[FLAT, key, value, writtenAt, key, …]`. A
 * key is as the backend keeps it (key-string.ts): a single number as itself, its key string
 * where that converts back, else the key. Entries written
 * as rows, `[[key, value, writtenAt], …]`, start with an array instead: snapshots of earlier
 * versions, and the synchronous snapshot, are in that form.
 */
const FLAT = 1;

/** The entries of one state name in one key group: encoded pieces, and entries still to encode. */
interface Section {
  /**
   * Each a comma-separated run of encoded items, as UTF-8 bytes: the text of a batch dies at
   * once, and what a snapshot holds until `_metadata` is written lies outside the JS heap, which
   * the garbage collector would otherwise copy on every young-generation collection.
   */
  readonly pieces: Buffer[];
  /** Flat: key, value, writtenAt, key, … */
  batch: unknown[];
}

/**
 * A keyed-state snapshot written as JSON text while it is taken, each key group's text as UTF-8
 * bytes (a form KeyedStateSnapshot allows for a key group, which `_metadata` takes as it is): entries are added as they are met, by key group and state name, and
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

  /** Adds an entry, its key as the backend keeps it (key-string.ts). */
  add(keyGroup: number, name: string, key: StoredKey, value: unknown, writtenAt: number, now = false): void {
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

  /** The snapshot: per key group, the bytes of `{"<state name>":[FLAT, entries…],…}`. */
  finish(): KeyedStateSnapshot {
    this.flush();
    const out: Record<string, Uint8Array> = {};
    for (const [keyGroup, byName] of this.groups) {
      const parts: Buffer[] = [];
      for (const [name, { pieces }] of byName) {
        parts.push(Buffer.from(`${parts.length === 0 ? '{' : ','}${JSON.stringify(name)}:[${FLAT}`));
        for (const piece of pieces) parts.push(COMMA, piece);
        parts.push(CLOSE_LIST);
      }
      parts.push(CLOSE_OBJECT);
      out[keyGroup] = Buffer.concat(parts);
      // The pieces go as soon as their key group is joined: the whole text is never held twice.
      this.groups.delete(keyGroup);
    }
    return out;
  }
}

const COMMA = Buffer.from(',');
const CLOSE_LIST = Buffer.from(']');
const CLOSE_OBJECT = Buffer.from('}');

function encode(section: Section): void {
  const batch = section.batch;
  if (batch.length === 0) return;
  const text = Buffer.from(stringifyState(batch));
  // Without the batch's brackets: pieces are joined into one list.
  section.pieces.push(text.subarray(1, text.length - 1));
  section.batch = [];
}

/**
 * A key group of a snapshot as entries, `[key, value, writtenAt]` per entry with the key as an
 * array, whichever form it was written in (decoding it if it is text or bytes).
 */
export function keyGroupState(group: KeyedStateSnapshot[string]): KeyGroupState {
  const byName =
    typeof group === 'string'
      ? (parseState(group) as KeyGroupState)
      : group instanceof Uint8Array
        ? (parseState(
            Buffer.from(group.buffer, group.byteOffset, group.byteLength).toString('utf8'),
          ) as KeyGroupState)
        : group;
  let rows: Record<string, readonly unknown[]> | undefined;
  for (const name of Object.keys(byName)) {
    const items = byName[name];
    if (items[0] !== FLAT) continue;
    const entries: unknown[] = [];
    for (let i = 1; i + 2 < items.length; i += 3) {
      entries.push([keyOfStored(items[i] as StoredKey), items[i + 1], items[i + 2]]);
    }
    (rows ??= { ...byName })[name] = entries;
  }
  return rows ?? byName;
}
