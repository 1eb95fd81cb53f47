/**
 * A Bloom filter over the keys of one sorted run file, so a point lookup skips the files that
 * cannot hold its key without reading a block (RocksDB's full filter, 10 bits per key).
 */

const BITS_PER_KEY = 10;
const PROBES = 6;

/** Two independent 32-bit hashes of a string (FNV-1a and a multiplicative one), for double hashing. */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 15;
  }
  return [a >>> 0, (b | 1) >>> 0];
}

export class BloomFilterBuilder {
  private readonly pairs: number[] = [];

  add(key: string): void {
    const [a, b] = hashes(key);
    this.pairs.push(a, b);
  }

  /** The filter's bits, base64 (the file's index is JSON). */
  build(): { bits: number; data: string } {
    const bits = Math.max(64, (this.pairs.length / 2) * BITS_PER_KEY);
    const bytes = new Uint8Array(Math.ceil(bits / 8));
    for (let i = 0; i < this.pairs.length; i += 2) {
      let h = this.pairs[i];
      const delta = this.pairs[i + 1];
      for (let p = 0; p < PROBES; p++) {
        const bit = h % bits;
        bytes[bit >>> 3] |= 1 << (bit & 7);
        h = (h + delta) >>> 0;
      }
    }
    return { bits, data: Buffer.from(bytes).toString('base64') };
  }
}

export class BloomFilter {
  private readonly bytes: Uint8Array;

  constructor(
    private readonly bits: number,
    data: string,
  ) {
    this.bytes = new Uint8Array(Buffer.from(data, 'base64'));
  }

  mayContain(key: string): boolean {
    let [h, delta] = hashes(key);
    for (let p = 0; p < PROBES; p++) {
      const bit = h % this.bits;
      if ((this.bytes[bit >>> 3] & (1 << (bit & 7))) === 0) return false;
      h = (h + delta) >>> 0;
    }
    return true;
  }
}
