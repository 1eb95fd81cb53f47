import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  fsyncSync,
  openSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { WeirError } from '../../../common/errors.js';
import { parseState, stringifyState } from '../../../common/serde.js';
import type { BlockCache } from './block-cache.js';
import { BloomFilter, BloomFilterBuilder } from './bloom.js';
import { keyGroupOf, type StoredRecord } from './records.js';

/**
 * Sorted run files (the SST role): immutable, written once in key order, read by point lookups
 * and scans without loading the whole file.
 *
 *   [block 0][block 1]…[index (JSON)][footer, 32 bytes]
 *
 * A block is a JSON array of records (see records.ts). The index lists each block's first key,
 * offset, length and checksum, plus a Bloom filter and the key-group range of the file. The
 * footer holds the magic, the index position, length and checksum. A file is written under a
 * temporary name and renamed when complete, so a half-written file is never taken for a run.
 */

const MAGIC = 'WEIRSST1';
const FOOTER_BYTES = 32;
export const RUN_FILE_SUFFIX = '.sst';
export const TEMP_SUFFIX = '.inprogress';

interface RunIndex {
  readonly blocks: readonly [firstKey: string, offset: number, length: number, checksum: number][];
  readonly count: number;
  readonly minKeyGroup: number;
  readonly maxKeyGroup: number;
  readonly bloomBits: number;
  readonly bloom: string;
}

export interface RunMeta {
  readonly count: number;
  readonly minKeyGroup: number;
  readonly maxKeyGroup: number;
  readonly sizeBytes: number;
}

function checksum(buf: Buffer): number {
  return createHash('md5').update(buf).digest().readUInt32LE(0);
}

function corrupt(path: string, what: string): WeirError {
  return new WeirError('STATE_FILE_CORRUPT', `State file ${path} is damaged: ${what}`, {
    kind: 'external',
    hint: 'Restore from another retained checkpoint or savepoint.',
  });
}

/**
 * Writes one run. Records must be added in strictly increasing key order; `finish` makes the file
 * durable (when asked) and visible under its final name.
 */
export class SortedRunWriter {
  private readonly fd: number;
  private readonly temp: string;
  private offset = 0;
  private parts: string[] = [];
  private partsBytes = 0;
  private firstKey = '';
  private readonly blocks: [string, number, number, number][] = [];
  private readonly bloom = new BloomFilterBuilder();
  private count = 0;
  private minKeyGroup = Number.POSITIVE_INFINITY;
  private maxKeyGroup = Number.NEGATIVE_INFINITY;
  private lastKey?: string;

  constructor(
    readonly path: string,
    private readonly blockSize: number,
  ) {
    this.temp = `${path}${TEMP_SUFFIX}`;
    this.fd = openSync(this.temp, 'w');
  }

  add(record: StoredRecord): void {
    const key = record[0];
    if (this.lastKey !== undefined && key <= this.lastKey) {
      throw new Error(`Sorted run ${this.path}: key out of order`);
    }
    this.lastKey = key;
    if (this.parts.length === 0) this.firstKey = key;
    const text = stringifyState(record);
    this.parts.push(text);
    this.partsBytes += text.length;
    this.bloom.add(key);
    this.count++;
    const kg = keyGroupOf(key);
    if (kg < this.minKeyGroup) this.minKeyGroup = kg;
    if (kg > this.maxKeyGroup) this.maxKeyGroup = kg;
    if (this.partsBytes >= this.blockSize) this.flushBlock();
  }

  private flushBlock(): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(`[${this.parts.join(',')}]`);
    this.write(buf);
    this.blocks.push([this.firstKey, this.offset - buf.length, buf.length, checksum(buf)]);
    this.parts = [];
    this.partsBytes = 0;
  }

  private write(buf: Buffer): void {
    let done = 0;
    while (done < buf.length) done += writeSync(this.fd, buf, done, buf.length - done, this.offset + done);
    this.offset += buf.length;
  }

  get recordCount(): number {
    return this.count;
  }

  /** Writes the index and footer, then renames the file into place. Returns its size. */
  finish(options: { durable: boolean }): number {
    try {
      this.flushBlock();
      const bloom = this.bloom.build();
      const index: RunIndex = {
        blocks: this.blocks,
        count: this.count,
        minKeyGroup: this.count > 0 ? this.minKeyGroup : 0,
        maxKeyGroup: this.count > 0 ? this.maxKeyGroup : -1,
        bloomBits: bloom.bits,
        bloom: bloom.data,
      };
      const indexBuf = Buffer.from(JSON.stringify(index));
      const indexOffset = this.offset;
      this.write(indexBuf);
      const footer = Buffer.alloc(FOOTER_BYTES);
      footer.write(MAGIC, 0, 'latin1');
      footer.writeDoubleLE(indexOffset, 8);
      footer.writeUInt32LE(indexBuf.length, 16);
      footer.writeUInt32LE(checksum(indexBuf), 20);
      footer.write('WEIR', 28, 'latin1');
      this.write(footer);
      if (options.durable) fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
    }
    renameSync(this.temp, this.path);
    return this.offset;
  }

  /** Gives up on the file: the temporary file is removed and nothing becomes visible. */
  abandon(): void {
    try {
      closeSync(this.fd);
    } catch {}
    try {
      unlinkSync(this.temp);
    } catch {}
  }
}

/** Reads one run: the index is held in memory, blocks are read on demand through the block cache. */
export class SortedRunReader {
  private readonly blockKeys: string[];
  private readonly bloom: BloomFilter;
  readonly meta: RunMeta;

  private constructor(
    readonly path: string,
    private readonly fd: number,
    private readonly id: number,
    private readonly index: RunIndex,
    sizeBytes: number,
    private readonly cache: BlockCache,
  ) {
    this.blockKeys = index.blocks.map((b) => b[0]);
    this.bloom = new BloomFilter(index.bloomBits, index.bloom);
    this.meta = {
      count: index.count,
      minKeyGroup: index.minKeyGroup,
      maxKeyGroup: index.maxKeyGroup,
      sizeBytes,
    };
  }

  /** Opens a run file, checking its footer and index; `id` names its blocks in the cache. */
  static open(path: string, id: number, cache: BlockCache): SortedRunReader {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size < FOOTER_BYTES) throw corrupt(path, `only ${size} bytes`);
      const footer = Buffer.alloc(FOOTER_BYTES);
      readSync(fd, footer, 0, FOOTER_BYTES, size - FOOTER_BYTES);
      if (footer.toString('latin1', 0, 8) !== MAGIC || footer.toString('latin1', 28, 32) !== 'WEIR') {
        throw corrupt(path, 'no sorted-run footer (truncated or not a weir state file)');
      }
      const indexOffset = footer.readDoubleLE(8);
      const indexLength = footer.readUInt32LE(16);
      if (indexOffset + indexLength + FOOTER_BYTES !== size) throw corrupt(path, 'index out of bounds');
      const indexBuf = Buffer.alloc(indexLength);
      readSync(fd, indexBuf, 0, indexLength, indexOffset);
      if (checksum(indexBuf) !== footer.readUInt32LE(20)) throw corrupt(path, 'index checksum mismatch');
      const index = JSON.parse(indexBuf.toString()) as RunIndex;
      return new SortedRunReader(path, fd, id, index, size, cache);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  private block(i: number, fillCache = true): StoredRecord[] {
    const cacheKey = `${this.id}:${i}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const [, offset, length, sum] = this.index.blocks[i];
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, offset + done);
      if (n === 0) throw corrupt(this.path, `block ${i} truncated`);
      done += n;
    }
    if (checksum(buf) !== sum) throw corrupt(this.path, `block ${i} checksum mismatch`);
    const records = parseState(buf.toString()) as StoredRecord[];
    if (fillCache) this.cache.put(cacheKey, records, length);
    return records;
  }

  /** The last block whose first key is <= key, or -1. */
  private blockFor(key: string): number {
    let lo = 0;
    let hi = this.blockKeys.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.blockKeys[mid] <= key) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  /** The record under `key` (an entry or a deletion), or undefined if this run has none. */
  get(key: string): StoredRecord | undefined {
    if (!this.bloom.mayContain(key)) return undefined;
    const b = this.blockFor(key);
    if (b < 0) return undefined;
    const records = this.block(b);
    let lo = 0;
    let hi = records.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = records[mid][0];
      if (k === key) return records[mid];
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /**
   * Records in key order, starting at the first key >= `from`. Bulk reads (snapshots, compaction)
   * pass `fillCache: false` so they do not push the working set out of the block cache.
   */
  *scan(from?: string, fillCache = true): Generator<StoredRecord> {
    let b = from === undefined ? 0 : Math.max(0, this.blockFor(from));
    for (; b < this.index.blocks.length; b++) {
      for (const r of this.block(b, fillCache)) if (from === undefined || r[0] >= from) yield r;
    }
  }

  close(): void {
    closeSync(this.fd);
  }
}
