/** A canonical string for a key, so equal keys of any type meet in one Map slot. */
export function keyString(key: readonly unknown[]): string {
  if (key.length === 1) {
    const v = key[0];
    if (typeof v === 'string') return `s${v}`;
    if (typeof v === 'number') return `n${v}`;
  }
  // The JSON text of the key, built by hand for the usual fields (numbers, strings, NULLs): a
  // replacer function makes JSON.stringify several times slower, and this runs once per record.
  let text = '[';
  for (let i = 0; i < key.length; i++) {
    const v = key[i];
    const field =
      typeof v === 'number'
        ? Number.isFinite(v)
          ? String(v === 0 ? 0 : v)
          : 'null'
        : typeof v === 'string'
          ? JSON.stringify(v)
          : v === null || v === undefined
            ? 'null'
            : typeof v === 'boolean'
              ? String(v)
              : typeof v === 'bigint'
                ? `"${v}n"`
                : undefined;
    if (field === undefined) return jsonKeyString(key);
    text += i === 0 ? field : `,${field}`;
  }
  return `${text}]`;
}

function jsonKeyString(key: readonly unknown[]): string {
  return JSON.stringify(key, (_, v) =>
    typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Array.from(v) : v === undefined ? null : v,
  );
}

/**
 * Whether keyFromString gives the key back from its key string: for the usual keys (strings,
 * finite numbers but -0, NULLs, booleans) the key string is all a backend needs to keep of a key.
 * (A key of one number never asks: a backend keeps it as the number, see mapKeyOf.)
 */
export function isKeyStringExact(key: readonly unknown[]): boolean {
  for (let i = 0; i < key.length; i++) {
    const v = key[i];
    // JSON text has no NaN, ±Infinity or -0: they would come back as null or 0.
    if (
      typeof v === 'number'
        ? !Number.isFinite(v) || Object.is(v, -0)
        : !(typeof v === 'string' || v === null || typeof v === 'boolean')
    ) {
      return false;
    }
  }
  return true;
}

/** The key of a key string of a key for which isKeyStringExact holds. */
export function keyFromString(text: string): unknown[] {
  switch (text.charCodeAt(0)) {
    case 0x73: // s
      return [text.slice(1)];
    case 0x6e: // n
      return [Number(text.slice(1))];
    default:
      return JSON.parse(text) as unknown[];
  }
}

/**
 * A key as a backend's map holds it: a single number as itself (no string to build per record,
 * and a lookup compares numbers instead of fetching the stored string to compare its text), any
 * other key as its key string.
 */
export function mapKeyOf(key: readonly unknown[]): number | string {
  return key.length === 1 && typeof key[0] === 'number' ? key[0] : keyString(key);
}

/**
 * A key as a backend keeps it beside its value and writes it into a snapshot: its map key where
 * that converts back (keyOfStored), else the key itself.
 */
export type StoredKey = number | string | readonly unknown[];

export function storedKeyOf(key: readonly unknown[], mapKey: number | string): StoredKey {
  return typeof mapKey === 'number' || isKeyStringExact(key) ? mapKey : key;
}

export function keyOfStored(stored: StoredKey): readonly unknown[] {
  return typeof stored === 'number' ? [stored] : typeof stored === 'string' ? keyFromString(stored) : stored;
}

export function mapKeyOfStored(stored: StoredKey): number | string {
  return typeof stored === 'number' || typeof stored === 'string' ? stored : keyString(stored);
}
