import { stringifyState } from '../../common/serde.js';
import type { KeyedStateSnapshot } from '../api/state.js';

/** Entries encoded per JSON.stringify call: a call per entry costs about twice as much. */
const BATCH_ENTRIES = 512;

/** The entries of one state name in one key group: encoded pieces, and entries still to encode. */
interface Section {
  /** Each a comma-separated run of encoded entries. */
  readonly pieces: string[];
  batch: unknown[];
}

/**
 * A keyed-state snapshot written as JSON text while it is taken (the form KeyedStateSnapshot
 * allows for a key group): entries are added as they are met, by key group and state name, and
 * encoded in batches, one batch per key group and state name. An added value is kept by reference
 * until its batch is encoded: whoever adds a value that may change in place afterwards (a list
 * that grows, a map) encodes it at once (`now`), or calls `flush()` before anything can change it.
 */
export class KeyGroupTextWriter {
  private readonly groups = new Map<number, Map<string, Section>>();
  /** Sections with entries still to encode. */
  private pending: Section[] = [];
  private last: Section | undefined;
  private lastKeyGroup = -1;
  private lastName = '';

  add(
    keyGroup: number,
    name: string,
    key: readonly unknown[],
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
    if (section.batch.length === 0) this.pending.push(section);
    section.batch.push([key, value, writtenAt]);
    if (now || section.batch.length >= BATCH_ENTRIES) encode(section);
  }

  /** Encodes every entry added so far. */
  flush(): void {
    for (const section of this.pending) encode(section);
    this.pending = [];
  }

  /** The snapshot: per key group, `{"<state name>":[entries…],…}`. */
  finish(): KeyedStateSnapshot {
    this.flush();
    const out: Record<string, string> = {};
    for (const [keyGroup, byName] of this.groups) {
      const states: string[] = [];
      for (const [name, { pieces }] of byName) states.push(`${JSON.stringify(name)}:[${pieces.join(',')}]`);
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
