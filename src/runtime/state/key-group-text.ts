import { parseState, stringifyState } from '../../common/serde.js';
import type { KeyedStateSnapshot, KeyGroupState } from '../api/state.js';
import { keyOfStored, type StoredKey } from './key-string.js';

/** Entries encoded per JSON.stringify call: a call per entry costs about twice as much. */
const BATCH_ENTRIES = 512;

/**
 * The first item of a state's entries written flat: `[FLAT, key, value, writtenAt, key, …]`, or
 * for state whose entries have no write time `[FLAT_UNTIMED, key, value, key, …]`. A key is as
 * the backend keeps it (key-string.ts): a single number as itself, its key string where that
 * converts back, else the key. Entries written as rows, `[[key, value, writtenAt], …]`, start
 * with an array instead: snapshots of earlier versions, and the synchronous snapshot, are in that
 * form.
 */
const FLAT = 1;
const FLAT_UNTIMED = 2;

/** The write time of an entry of state without TTL, which has none. */
export const NO_TIMESTAMP = -1;

/** When an added value must be encoded: how long it stays as it is. */
export enum Encode {
  /** At once: it is about to change in place. */
  Now,
  /** Before the thread is given to records: it is live state that may change in place (a list, a map). */
  BeforeYield,
  /** With its batch: it never changes (a value replaced or removed, or a value state's value). */
  WithBatch,
}

/** The entries of one state name in one key group: encoded pieces, and entries still to encode. */
interface Section {
  /**
   * Each a comma-separated run of encoded items. Kept as strings, on the JS heap: bytes would lie
   * outside it, and V8 starts a full marking of the heap for every 64 MB of memory allocated
   * outside it (q7, with ~600 MB of state, spent ~10 s of a 40 s run marking during checkpoints).
   */
  readonly pieces: string[];
  /** Flat: key, value, writtenAt, key, … (without writtenAt if untimed). */
  batch: unknown[];
  /** Items per entry: 3, or 2 for state without write times. */
  readonly width: number;
  /** Whether `batch` holds a value to encode before the thread is given to records. */
  live: boolean;
}

/**
 * A keyed-state snapshot written as JSON text while it is taken, each key group's text in parts
 * (a form KeyedStateSnapshot allows for a key group, which `_metadata` takes as it is).
 * Entries are added as they are met, by key group and state name, and encoded in batches, one
 * batch per key group and state name, each value by the time its `Encode` says: until then it is
 * kept by reference, and whoever added a live one calls `encodeLive()` before anything can change
 * it. Entries are written flat, with no array per entry to allocate, encode and, on restore,
 * decode.
 */
export class KeyGroupTextWriter {
  private readonly groups = new Map<number, Map<string, Section>>();
  /** Sections that may hold values to encode before records run. */
  private live: Section[] = [];
  private last: Section | undefined;
  private lastKeyGroup = -1;
  private lastName = '';

  /**
   * Adds an entry, its key as the backend keeps it (key-string.ts). `writtenAt` is undefined for
   * every entry of a state without write times, and defined for every entry of one with them.
   */
  add(
    keyGroup: number,
    name: string,
    key: StoredKey,
    value: unknown,
    writtenAt: number | undefined,
    encode: Encode,
  ): void {
    let section = this.last;
    if (keyGroup !== this.lastKeyGroup || name !== this.lastName || section === undefined) {
      let byName = this.groups.get(keyGroup);
      if (!byName) this.groups.set(keyGroup, (byName = new Map()));
      section = byName.get(name);
      if (!section) {
        const width = writtenAt === undefined ? 2 : 3;
        byName.set(name, (section = { pieces: [], batch: [], live: false, width }));
      }
      this.last = section;
      this.lastKeyGroup = keyGroup;
      this.lastName = name;
    }
    const batch = section.batch;
    if (section.width === 3) batch.push(key, value, writtenAt);
    else batch.push(key, value);
    if (encode === Encode.Now || batch.length >= section.width * BATCH_ENTRIES) {
      this.encodeBatch(section);
    } else if (encode === Encode.BeforeYield && !section.live) {
      section.live = true;
      this.live.push(section);
    }
  }

  /** Encodes every live value added so far (Encode.BeforeYield). */
  encodeLive(): void {
    for (const section of this.live) if (section.live) this.encodeBatch(section);
    this.live = [];
  }

  /**
   * The snapshot: per key group, the text `{"<state name>":[FLAT, entries…],…}` in parts, which
   * `_metadata` writes one after another (joined, they would be copied once more).
   */
  finish(): KeyedStateSnapshot {
    const out: Record<string, string[]> = {};
    for (const [keyGroup, byName] of this.groups) {
      const parts: string[] = [];
      for (const [name, section] of byName) {
        this.encodeBatch(section);
        const format = section.width === 3 ? FLAT : FLAT_UNTIMED;
        parts.push(`${parts.length === 0 ? '{' : ','}${JSON.stringify(name)}:[${format}`);
        for (const piece of section.pieces) parts.push(',', piece);
        parts.push(']');
      }
      parts.push('}');
      out[keyGroup] = parts;
    }
    return out;
  }

  private encodeBatch(section: Section): void {
    const batch = section.batch;
    section.live = false;
    if (batch.length === 0) return;
    const text = stringifyState(batch);
    // Without the batch's brackets: pieces are joined into one list.
    section.pieces.push(text.slice(1, -1));
    section.batch = [];
  }
}

/**
 * A key group of a snapshot as entries, `[key, value, writtenAt]` per entry with the key as an
 * array, whichever form it was written in (decoding it if it is text).
 */
export function keyGroupState(group: KeyedStateSnapshot[string]): KeyGroupState {
  const byName =
    typeof group === 'string'
      ? (parseState(group) as KeyGroupState)
      : Array.isArray(group)
        ? (parseState((group as readonly string[]).join('')) as KeyGroupState)
        : (group as KeyGroupState);
  let rows: Record<string, readonly unknown[]> | undefined;
  for (const name of Object.keys(byName)) {
    const items = byName[name];
    const format = items[0];
    if (format !== FLAT && format !== FLAT_UNTIMED) continue;
    const entries: unknown[] = [];
    const width = format === FLAT ? 3 : 2;
    for (let i = 1; i + width - 1 < items.length; i += width) {
      const writtenAt = width === 3 ? items[i + 2] : NO_TIMESTAMP;
      entries.push([keyOfStored(items[i] as StoredKey), items[i + 1], writtenAt]);
    }
    (rows ??= { ...byName })[name] = entries;
  }
  return rows ?? byName;
}
