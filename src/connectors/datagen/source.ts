import { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { OperatorContext, OperatorStateSnapshot, Output } from '../../runtime/api/operator.js';
import type { PollResult, SourceFactory, SourceReader } from '../../runtime/api/source.js';
import { NUMBER_OF_ROWS, ROWS_PER_SECOND } from './descriptor.js';
import { createFieldGenerator, type FieldGenerator } from './generators.js';

const MAX_BATCH = 1024;
const POSITION_STATE = 'datagen-position';

/**
 * Emits generated rows at 'rows-per-second' (shared across subtasks). The number of rows emitted
 * is the checkpointed position: after a restore, sequences continue exactly where the checkpoint
 * was taken.
 */
export class DatagenSourceReader implements SourceReader {
  private generators: FieldGenerator[] = [];
  private position = 0;
  private limit = Number.POSITIVE_INFINITY;
  private ratePerMs = 0;
  private startedAt = 0;
  private positionAtStart = 0;

  constructor(private readonly spec: ConnectorSpec) {}

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    const positions = (restored?.[POSITION_STATE] ?? []) as number[];
    // After a scale-down a subtask may inherit several positions; sequences were split per
    // subtask, so the only safe continuation is the furthest one it was given.
    this.position = positions.length > 0 ? Math.max(...positions) : 0;
  }

  open(ctx: OperatorContext): void {
    const options = new Configuration(Object.entries(this.spec.options));
    const raw = new Map(Object.entries(this.spec.options));
    this.generators = this.spec.schema.fields.map((f) =>
      createFieldGenerator(this.spec.table, f, raw, ctx.subtaskIndex, ctx.parallelism),
    );
    const total = options.get(NUMBER_OF_ROWS);
    if (total !== undefined) {
      const share =
        Math.floor(total / ctx.parallelism) + (ctx.subtaskIndex < total % ctx.parallelism ? 1 : 0);
      this.limit = share;
    }
    for (const g of this.generators) if (g.length !== undefined) this.limit = Math.min(this.limit, g.length);
    const rate = options.require(ROWS_PER_SECOND) / ctx.parallelism;
    if (rate <= 0) {
      throw new WeirError(
        'DATAGEN_INVALID_RATE',
        `'rows-per-second' must be positive for ${this.spec.table}`,
      );
    }
    this.ratePerMs = rate / 1000;
    this.startedAt = Date.now();
    this.positionAtStart = this.position;
  }

  async poll(output: Output): Promise<PollResult> {
    if (this.position >= this.limit) return { status: 'end' };
    const now = Date.now();
    const due = this.positionAtStart + Math.floor((now - this.startedAt) * this.ratePerMs) + 1;
    const count = Math.min(due - this.position, this.limit - this.position, MAX_BATCH);
    if (count <= 0) {
      const nextDueAt = this.startedAt + (this.position - this.positionAtStart) / this.ratePerMs;
      return { status: 'wait', untilMs: Math.ceil(nextDueAt) };
    }
    const rows: unknown[][] = new Array(count);
    const generators = this.generators;
    for (let r = 0; r < count; r++) {
      const position = this.position + r;
      const row = new Array(generators.length);
      for (let f = 0; f < generators.length; f++) row[f] = generators[f].valueAt(position);
      rows[r] = row;
    }
    this.position += count;
    await output.emit({ rows });
    return { status: 'emitted' };
  }

  snapshotState(): OperatorStateSnapshot {
    return { [POSITION_STATE]: [this.position] };
  }

  close(): void {}
}

export const datagenSourceFactory: SourceFactory = {
  createReader: (spec) => new DatagenSourceReader(spec),
};
