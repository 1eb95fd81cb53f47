import { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { OperatorContext, OperatorStateSnapshot, Output } from '../../runtime/api/operator.js';
import type { PollResult, SourceFactory, SourceReader } from '../../runtime/api/source.js';
import { NUMBER_OF_ROWS, ROWS_PER_SECOND } from './descriptor.js';
import { createFieldGenerator, type FieldGenerator } from './generators.js';

const MAX_BATCH = 1024;
/** Operator state: one entry per split, redistributed across subtasks on rescale. */
export const SPLITS_STATE = 'datagen-splits';

/**
 * A share of the generated sequence: subtask `index` of `of` in the run that first split the
 * work. A restore at another parallelism hands whole splits to the new subtasks, so every row is
 * generated exactly once however often the job is rescaled.
 */
interface Split {
  readonly index: number;
  readonly of: number;
  emitted: number;
}

interface OpenSplit {
  readonly split: Split;
  readonly generators: FieldGenerator[];
  readonly limit: number;
}

/**
 * Emits generated rows at 'rows-per-second' (shared across subtasks). What each split has emitted
 * is the checkpointed state: after a restore, sequences continue exactly where the checkpoint was
 * taken.
 */
export class DatagenSourceReader implements SourceReader {
  private splits: Split[] = [];
  private open_: OpenSplit[] = [];
  private current = 0;
  private ratePerMs = 0;
  private startedAt = 0;
  private emittedThisRun = 0;

  constructor(private readonly spec: ConnectorSpec) {}

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    const splits = restored?.[SPLITS_STATE] as Split[] | undefined;
    // Restored state, even an empty list (a rescale gave this subtask no split), is followed as
    // is; only a fresh start splits the work by this run's parallelism, in open().
    this.fresh = splits === undefined;
    this.splits = (splits ?? []).map((s) => ({ ...s }));
  }

  private fresh = true;

  open(ctx: OperatorContext): void {
    const options = new Configuration(Object.entries(this.spec.options));
    const raw = new Map(Object.entries(this.spec.options));
    if (this.fresh) this.splits = [{ index: ctx.subtaskIndex, of: ctx.parallelism, emitted: 0 }];
    const total = options.get(NUMBER_OF_ROWS);
    this.open_ = this.splits.map((split) => {
      const generators = this.spec.schema.fields.map((f) =>
        createFieldGenerator(this.spec.table, f, raw, split.index, split.of),
      );
      let limit =
        total === undefined
          ? Number.POSITIVE_INFINITY
          : Math.floor(total / split.of) + (split.index < total % split.of ? 1 : 0);
      for (const g of generators) if (g.length !== undefined) limit = Math.min(limit, g.length);
      return { split, generators, limit };
    });
    const rate = options.require(ROWS_PER_SECOND) / ctx.parallelism;
    if (rate <= 0) {
      throw new WeirError(
        'DATAGEN_INVALID_RATE',
        `'rows-per-second' must be positive for ${this.spec.table}`,
      );
    }
    this.ratePerMs = rate / 1000;
    this.startedAt = Date.now();
  }

  async poll(output: Output): Promise<PollResult> {
    while (
      this.current < this.open_.length &&
      this.open_[this.current].split.emitted >= this.open_[this.current].limit
    ) {
      this.current++;
    }
    if (this.current >= this.open_.length) return { status: 'end' };
    const { split, generators, limit } = this.open_[this.current];
    const due = Math.floor((Date.now() - this.startedAt) * this.ratePerMs) + 1 - this.emittedThisRun;
    const count = Math.min(due, limit - split.emitted, MAX_BATCH);
    if (count <= 0) {
      return { status: 'wait', untilMs: Math.ceil(this.startedAt + this.emittedThisRun / this.ratePerMs) };
    }
    const rows: unknown[][] = new Array(count);
    for (let r = 0; r < count; r++) {
      const position = split.emitted + r;
      const row = new Array(generators.length);
      for (let f = 0; f < generators.length; f++) row[f] = generators[f].valueAt(position);
      rows[r] = row;
    }
    split.emitted += count;
    this.emittedThisRun += count;
    await output.emit({ rows });
    return { status: 'emitted' };
  }

  snapshotState(): OperatorStateSnapshot {
    return { [SPLITS_STATE]: this.splits.map((s) => ({ ...s })) };
  }

  close(): void {}
}

export const datagenSourceFactory: SourceFactory = {
  createReader: (spec) => new DatagenSourceReader(spec),
};
