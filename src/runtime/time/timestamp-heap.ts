/**
 * A binary min-heap of timestamps: the order in which timers come due. Session windows and
 * interval joins register a new timestamp for almost every record, so insertion must not shift
 * a sorted array (O(n) per timer) — here both push and pop are O(log n).
 */
export class TimestampHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The smallest timestamp, or undefined when empty. */
  peek(): number | undefined {
    return this.items[0];
  }

  push(timestamp: number): void {
    const items = this.items;
    let i = items.length;
    items.push(timestamp);
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (items[parent] <= timestamp) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = timestamp;
  }

  /** Removes and returns the smallest timestamp. */
  pop(): number | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && items[right] < items[left] ? right : left;
        if (items[child] >= last) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return top;
  }
}
