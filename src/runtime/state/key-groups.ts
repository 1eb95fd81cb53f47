/**
 * Key groups, as Flink's KeyGroupRangeAssignment: a key hashes to one of `maxParallelism` key
 * groups, and each parallel subtask owns a contiguous range of them. State is stored by key
 * group, so it can be re-split when the parallelism changes without rehashing any key.
 */

/** Flink's MathUtils.murmurHash: the finalizer that spreads a 32-bit hash. */
export function murmurHash(code: number): number {
  let h = Math.imul(code, 0xcc9e2d51);
  h = (h << 15) | (h >>> 17);
  h = Math.imul(h, 0x1b873593);
  h = (h << 13) | (h >>> 19);
  h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  h ^= 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >= 0 ? h : h === -2147483648 ? 0 : -h;
}

const float64 = new Float64Array(1);
const float64Words = new Int32Array(float64.buffer);

/** A stable 32-bit hash of one field value (strings as Java's String.hashCode). */
export function hashValue(value: unknown): number {
  switch (typeof value) {
    case 'string': {
      let h = 0;
      for (let i = 0; i < value.length; i++) h = (Math.imul(h, 31) + value.charCodeAt(i)) | 0;
      return h;
    }
    case 'number':
      if (Number.isInteger(value) && value >= -2147483648 && value <= 2147483647) return value | 0;
      float64[0] = value;
      return float64Words[0] ^ float64Words[1];
    case 'bigint':
      return Number(BigInt.asIntN(32, value ^ (value >> 32n)));
    case 'boolean':
      return value ? 1231 : 1237;
    case 'object': {
      if (value === null) return 0;
      if (value instanceof Uint8Array) {
        let h = 1;
        for (const b of value) h = (Math.imul(h, 31) + b) | 0;
        return h;
      }
      if (Array.isArray(value))
        return hashFields(
          value,
          value.map((_, i) => i),
        );
      return hashValue(JSON.stringify(value));
    }
    default:
      return 0;
  }
}

/** Hash of the key fields of a row, combined as Java's Arrays.hashCode. */
export function hashFields(row: readonly unknown[], keys: readonly number[]): number {
  let h = 1;
  for (const k of keys) h = (Math.imul(h, 31) + hashValue(row[k])) | 0;
  return h;
}

export function assignToKeyGroup(keyHash: number, maxParallelism: number): number {
  return murmurHash(keyHash) % maxParallelism;
}

/** The subtask that owns a key group. */
export function operatorIndexForKeyGroup(
  maxParallelism: number,
  parallelism: number,
  keyGroup: number,
): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

/** The key groups [start, end] a subtask owns. */
export function keyGroupRange(
  maxParallelism: number,
  parallelism: number,
  subtaskIndex: number,
): { start: number; end: number } {
  return {
    start: Math.ceil((subtaskIndex * maxParallelism) / parallelism),
    end: Math.ceil(((subtaskIndex + 1) * maxParallelism) / parallelism) - 1,
  };
}
