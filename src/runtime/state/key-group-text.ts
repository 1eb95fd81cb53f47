import { stringifyState } from '../../common/serde.js';
import type { KeyedStateSnapshot } from '../api/state.js';

/** Entries encoded per JSON.stringify call: a call per entry costs about twice as much. */
const BATCH_ENTRIES = 512;

/**
 * A keyed-state snapshot written as JSON text while it is taken (the form KeyedStateSnapshot
 * allows for a key group): entries are added as they are met, by key group and state name, and
 * encoded in batches. Added values are live state, so whoever adds them must `flush()` before
 * anything else can change them (before the thread yields).
 */
export class KeyGroupTextWriter {
  /** key group -> state name -> encoded pieces, each a comma-separated run of entries. */
  private readonly groups = new Map<number, Map<string, string[]>>();
  private batch: unknown[] = [];
  private pieces: string[] | undefined;
  private keyGroup = -1;
  private name = '';

  add(keyGroup: number, name: string, key: readonly unknown[], value: unknown, writtenAt: number): void {
    if (keyGroup !== this.keyGroup || name !== this.name || this.pieces === undefined) {
      this.flush();
      let byName = this.groups.get(keyGroup);
      if (!byName) this.groups.set(keyGroup, (byName = new Map()));
      let pieces = byName.get(name);
      if (!pieces) byName.set(name, (pieces = []));
      this.pieces = pieces;
      this.keyGroup = keyGroup;
      this.name = name;
    }
    this.batch.push([key, value, writtenAt]);
    if (this.batch.length >= BATCH_ENTRIES) this.flush();
  }

  /** Encodes the entries added so far. */
  flush(): void {
    if (this.batch.length === 0) return;
    const text = stringifyState(this.batch);
    this.pieces!.push(text.slice(1, -1));
    this.batch = [];
  }

  /** The snapshot: per key group, `{"<state name>":[entries…],…}`. */
  finish(): KeyedStateSnapshot {
    this.flush();
    const out: Record<string, string> = {};
    for (const [keyGroup, byName] of this.groups) {
      const states: string[] = [];
      for (const [name, pieces] of byName) states.push(`${JSON.stringify(name)}:[${pieces.join(',')}]`);
      out[keyGroup] = `{${states.join(',')}}`;
      // The pieces go as soon as their key group is joined: the whole text is never held twice.
      this.groups.delete(keyGroup);
    }
    return out;
  }
}
