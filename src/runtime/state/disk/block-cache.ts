import type { StoredRecord } from './records.js';

/**
 * Decoded blocks of sorted run files, least recently used evicted first, bounded by the encoded
 * size of the blocks it holds (RocksDB's block cache). Keys are `<file id>:<block index>`; files
 * are immutable, so a cached block never goes stale, and the blocks of a deleted file simply age out.
 */
export class BlockCache {
  private readonly blocks = new Map<string, { records: StoredRecord[]; bytes: number }>();
  private bytes = 0;

  constructor(private readonly capacityBytes: number) {}

  get(key: string): StoredRecord[] | undefined {
    const hit = this.blocks.get(key);
    if (!hit) return undefined;
    // Re-inserting moves it to the most recently used end of the Map's order.
    this.blocks.delete(key);
    this.blocks.set(key, hit);
    return hit.records;
  }

  put(key: string, records: StoredRecord[], bytes: number): void {
    if (bytes > this.capacityBytes) return;
    const old = this.blocks.get(key);
    if (old) {
      this.bytes -= old.bytes;
      this.blocks.delete(key);
    }
    this.blocks.set(key, { records, bytes });
    this.bytes += bytes;
    for (const [k, v] of this.blocks) {
      if (this.bytes <= this.capacityBytes) break;
      this.blocks.delete(k);
      this.bytes -= v.bytes;
    }
  }

  get sizeBytes(): number {
    return this.bytes;
  }
}
