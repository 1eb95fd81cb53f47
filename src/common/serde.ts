/**
 * JSON for state and checkpoint metadata. Runtime values include types JSON cannot carry
 * (DECIMAL as bigint, BYTES as Uint8Array, MAP as Map); they are written as tagged objects
 * ({"$bigint": "…"}, {"$bytes": "<base64>"}, {"$map": [[k, v], …]}, {"$number": "NaN"} for NaN,
 * ±Infinity and -0) and read back as themselves.
 * Plain objects with a `$`-key of their own are escaped the same way, so any value round-trips.
 */
const TAGS = new Set(['$bigint', '$bytes', '$map', '$object', '$undefined', '$number']);

function encode(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      // JSON has no NaN, Infinity or -0 (DOUBLE values can be any of them).
      return Number.isFinite(value) && !Object.is(value, -0)
        ? value
        : { $number: String(Object.is(value, -0) ? '-0' : value) };
    case 'bigint':
      return { $bigint: value.toString() };
    case 'undefined':
      return { $undefined: true };
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) return value.map(encode);
      if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
      if (value instanceof Map) return { $map: [...value].map(([k, v]) => [encode(k), encode(v)]) };
      const entries = Object.entries(value).map(([k, v]) => [k, encode(v)] as const);
      const obj = Object.fromEntries(entries);
      return entries.some(([k]) => TAGS.has(k)) ? { $object: obj } : obj;
    }
    default:
      return value;
  }
}

/**
 * Whether a value holds anything JSON cannot carry as it is (so `encode` would change it). Most
 * state is plain rows of strings and finite numbers: for those, stringifying skips the copy.
 */
function needsEncoding(value: unknown): boolean {
  switch (typeof value) {
    case 'number':
      return !Number.isFinite(value) || Object.is(value, -0);
    case 'string':
    case 'boolean':
      return false;
    case 'object': {
      if (value === null) return false;
      if (Array.isArray(value)) {
        // Strings and numbers, the usual fields of a row, are checked here rather than by a call
        // each: this walk runs over every entry of every checkpoint.
        for (let i = 0; i < value.length; i++) {
          const v = value[i];
          if (typeof v === 'string') continue;
          if (typeof v === 'number') {
            if (v - v !== 0 || (v === 0 && 1 / v < 0)) return true;
          } else if (needsEncoding(v)) return true;
        }
        return false;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) return true;
      for (const k in value) {
        if (TAGS.has(k) || needsEncoding((value as Record<string, unknown>)[k])) return true;
      }
      return false;
    }
    default:
      return true;
  }
}

/** Decodes what JSON.parse just made, reusing its arrays and objects (nothing else refers to them). */
function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v !== null && typeof v === 'object') value[i] = decode(v);
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  if ('$bigint' in obj) return BigInt(obj.$bigint as string);
  if ('$bytes' in obj) return new Uint8Array(Buffer.from(obj.$bytes as string, 'base64'));
  if ('$map' in obj)
    return new Map((obj.$map as [unknown, unknown][]).map(([k, v]) => [decode(k), decode(v)]));
  if ('$undefined' in obj) return undefined;
  if ('$number' in obj) return obj.$number === '-0' ? -0 : Number(obj.$number);
  const plain = '$object' in obj ? (obj.$object as Record<string, unknown>) : obj;
  for (const k of Object.keys(plain)) {
    const v = plain[k];
    if (v === null || typeof v !== 'object') continue;
    // Own data property, even for '__proto__' (which plain assignment would take as the prototype).
    Object.defineProperty(plain, k, {
      value: decode(v),
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return plain;
}

export function stringifyState(value: unknown): string {
  return JSON.stringify(needsEncoding(value) ? encode(value) : value);
}

export function parseState(text: string): unknown {
  return decode(JSON.parse(text));
}
