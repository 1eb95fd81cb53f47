/** One key's pre-aggregated slices in a WindowBuffer. */
export interface BufferedKey {
  readonly key: readonly unknown[];
  /** Slice end → the accumulator row of the rows buffered for it. */
  readonly slices: Map<number, unknown[]>;
}

/**
 * The in-memory pre-aggregation of a slicing window aggregate (Flink's WindowBuffer): rows are
 * combined per key and slice here, between watermarks and checkpoints, so that keyed state is read
 * and written once per key and slice on flush instead of once per row. Nothing in it is
 * checkpointed: the operator flushes it into keyed state before every snapshot.
 */
export class WindowBuffer {
  /** By the key's single field, or by the key's canonical string for composite keys. */
  private keys = new Map<unknown, BufferedKey>();
  private entries = 0;

  constructor(
    /** Builds a fresh accumulator row for a slice seen for the first time. */
    private readonly newAccumulator: () => unknown[],
  ) {}

  /** How many (key, slice) accumulators are buffered. */
  get size(): number {
    return this.entries;
  }

  /**
   * The buffered accumulator row of `key` (identified by `id`, equal for equal keys) and the slice
   * ending at `sliceEnd`, created when new; the caller accumulates the row into it.
   */
  accumulatorOf(id: unknown, key: () => readonly unknown[], sliceEnd: number): unknown[] {
    let buffered = this.keys.get(id);
    if (!buffered) this.keys.set(id, (buffered = { key: key(), slices: new Map() }));
    let acc = buffered.slices.get(sliceEnd);
    if (!acc) {
      buffered.slices.set(sliceEnd, (acc = this.newAccumulator()));
      this.entries++;
    }
    return acc;
  }

  /** Empties the buffer, returning what it held in arrival order of keys. */
  drain(): Iterable<BufferedKey> {
    const drained = this.keys;
    this.keys = new Map();
    this.entries = 0;
    return drained.values();
  }
}
