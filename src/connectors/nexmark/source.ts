import { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { RowType } from '../../common/types.js';
import type { OperatorContext, OperatorStateSnapshot, Output } from '../../runtime/api/operator.js';
import type { PollResult, SourceFactory, SourceReader } from '../../runtime/api/source.js';
import { type NexmarkConfig, type NexmarkSplit, readConfig, splitOf } from './config.js';
import { NexmarkGenerator } from './generator.js';
import { matchesNexmarkSchema } from './schema.js';

const MAX_BATCH = 1024;
const SPLITS_STATE = 'nexmark-splits';
/** How long a kept-alive, exhausted source sleeps between polls; checkpoints still run meanwhile. */
const KEEP_ALIVE_POLL_MS = 1000;

/** A split as checkpointed: its timeline, how far it got and when (wall clock) it started. */
interface SplitState extends NexmarkSplit {
  readonly emitted: number;
  readonly wallclockBase: number;
}

/** The source writes rows positionally, so the declared physical schema must be upstream's. */
function checkSchema(schema: RowType, table: string): void {
  if (matchesNexmarkSchema(schema)) return;
  throw new WeirError(
    'NEXMARK_SCHEMA',
    `The nexmark table ${table} must have the physical columns event_type INT, person ROW<8 fields>, auction ROW<10 fields>, bid ROW<7 fields>`,
    { hint: "Declare it as nexmark-flink's ddl_gen.sql does; computed columns and a WATERMARK may follow." },
  );
}

/**
 * Reads the nexmark splits assigned to one subtask. On a fresh start subtask i of n owns split i
 * of n; after a restore it owns whatever splits the redistributed state gives it (several after a
 * scale-down, none after a scale-up) and continues each one at its checkpointed event count.
 */
export class NexmarkSourceReader implements SourceReader {
  private restored: SplitState[] | undefined;
  private generators: NexmarkGenerator[] = [];
  private wallclockBases: number[] = [];
  private config!: NexmarkConfig;
  private next = 0;

  constructor(private readonly spec: ConnectorSpec) {}

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    this.restored = restored === undefined ? undefined : ((restored[SPLITS_STATE] ?? []) as SplitState[]);
  }

  open(ctx: OperatorContext): void {
    checkSchema(this.spec.schema, this.spec.table);
    this.config = readConfig(new Configuration(Object.entries(this.spec.options)), this.spec.table);
    const states = this.restored ?? [
      {
        ...splitOf(this.config, ctx.subtaskIndex, ctx.parallelism, this.config.baseTime ?? Date.now()),
        emitted: 0,
        wallclockBase: -1,
      },
    ];
    const honourStopAt = this.config.stopAt >= 0;
    this.generators = states.map((s) => new NexmarkGenerator(this.config, s, s.emitted, honourStopAt));
    this.wallclockBases = states.map((s) => s.wallclockBase);
  }

  async poll(output: Output): Promise<PollResult> {
    const n = this.generators.length;
    let earliestDue = Number.POSITIVE_INFINITY;
    // Round robin over the owned splits, one batch per poll.
    for (let k = 0; k < n; k++) {
      const index = (this.next + k) % n;
      const g = this.generators[index];
      let count = Math.min(g.remaining(), MAX_BATCH);
      if (count === 0) continue;
      if (!this.config.maxEmitSpeed) {
        const due = this.dueCount(index, count);
        if (due === 0) {
          earliestDue = Math.min(earliestDue, this.wallclockDue(index, g.emitted));
          continue;
        }
        count = due;
      }
      this.next = (index + 1) % n;
      const rows: unknown[][] = new Array(count);
      g.fill(rows, 0, count);
      await output.emit({ rows });
      return { status: 'emitted' };
    }
    if (earliestDue !== Number.POSITIVE_INFINITY) return { status: 'wait', untilMs: earliestDue };
    if (this.config.keepAlive) return { status: 'wait', untilMs: Date.now() + KEEP_ALIVE_POLL_MS };
    return { status: 'end' };
  }

  /**
   * With max-emit-speed off, an event is due when the wall clock has advanced from the split's
   * first emission as far as its event time has from the base time (upstream's wallclockTimestamp).
   */
  private dueCount(index: number, upTo: number): number {
    const g = this.generators[index];
    const now = Date.now();
    if (this.wallclockBases[index] < 0) this.wallclockBases[index] = now;
    let count = 0;
    while (count < upTo && this.wallclockDue(index, g.emitted + count) <= now) count++;
    return count;
  }

  private wallclockDue(index: number, position: number): number {
    const g = this.generators[index];
    return this.wallclockBases[index] + (g.timestampAt(position) - g.split.baseTime);
  }

  snapshotState(_checkpointId?: number): OperatorStateSnapshot {
    return {
      [SPLITS_STATE]: this.generators.map(
        (g, i): SplitState => ({ ...g.split, emitted: g.emitted, wallclockBase: this.wallclockBases[i] }),
      ),
    };
  }

  close(): void {}
}

export const nexmarkSourceFactory: SourceFactory = {
  createReader: (spec) => new NexmarkSourceReader(spec),
};
