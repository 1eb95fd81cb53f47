/**
 * How the disk backend names and holds an entry. Every entry lives under one composite key,
 * `<key group, 4 hex digits><state name>\0<key string>`, so the store sorts by key group first
 * (a restore at another parallelism reads whole key-group ranges, as RocksDB's key-group prefix
 * allows), then by state, then by key.
 */

/** A live entry: the key fields, the value, and its last write time (for TTL). */
export interface Entry {
  readonly key: readonly unknown[];
  value: unknown;
  writtenAt: number;
}

/** A memtable slot: an entry, or null for a deletion that must shadow older files. */
export type Slot = Entry | null;

/** An entry as a file stores it: [composite key, key fields, value, written at], or [composite key] for a deletion. */
export type StoredRecord = [string, readonly unknown[], unknown, number] | [string];

const SEPARATOR = '\u0000';

export function keyGroupPrefix(keyGroup: number): string {
  return keyGroup.toString(16).padStart(4, '0');
}

export function compositeKey(keyGroupHex: string, stateName: string, keyString: string): string {
  return `${keyGroupHex}${stateName}${SEPARATOR}${keyString}`;
}

export function keyGroupOf(composite: string): number {
  return Number.parseInt(composite.slice(0, 4), 16);
}

export function stateNameOf(composite: string): string {
  return composite.slice(4, composite.indexOf(SEPARATOR, 4));
}

export function recordToSlot(record: StoredRecord): Slot {
  return record.length === 1 ? null : { key: record[1], value: record[2], writtenAt: record[3] };
}

export function slotToRecord(composite: string, slot: Slot): StoredRecord {
  return slot === null ? [composite] : [composite, slot.key, slot.value, slot.writtenAt];
}

/** Copies a value one level deep: lists and maps are the containers the backend changes in place. */
export function copyValue(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value instanceof Map ? new Map(value) : value;
}

/**
 * A rough size of a value in memory, to decide when the memtable is full. It only has to be
 * proportional to the real footprint, not exact.
 */
export function estimateSize(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'object': {
      if (value === null) return 8;
      if (Array.isArray(value)) {
        let n = 16;
        for (const v of value) n += estimateSize(v);
        return n;
      }
      if (value instanceof Map) {
        let n = 32;
        for (const [k, v] of value) n += estimateSize(k) + estimateSize(v) + 16;
        return n;
      }
      if (value instanceof Uint8Array) return 16 + value.length;
      return 64;
    }
    default:
      return 8;
  }
}
