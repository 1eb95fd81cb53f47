import type { ValuesSpec } from '../../../common/jobgraph.js';
import { LOCAL_TIME_ZONE } from '../../../common/options.js';
import type { OperatorContext, OperatorStateSnapshot, Output } from '../../api/operator.js';
import type { PollResult, SourceReader } from '../../api/source.js';
import { compileProjection } from '../calc/index.js';

export interface ValuesSourceOptions {
  /** Rows per emitted batch; all rows in one batch when absent. */
  readonly batchSize?: number;
}

/**
 * `VALUES (…), (…)` as a bounded source (Flink's Values node, a source of parallelism 1). The
 * constant expressions are compiled like a Calc's and evaluated once at open. Its position (how
 * many rows it has emitted) is operator state, so a restore neither repeats nor skips a row.
 */
export class ValuesSourceReader implements SourceReader {
  private rows: unknown[][] = [];
  private next = 0;

  constructor(
    private readonly spec: ValuesSpec,
    private readonly options: ValuesSourceOptions = {},
  ) {}

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    // The position is list state; after a rescale (not done: Values runs at parallelism 1) the
    // furthest position wins, so no row is emitted twice.
    const positions = (restored?.position ?? []) as number[];
    this.next = positions.length > 0 ? Math.max(...positions) : 0;
  }

  open(ctx: OperatorContext): void {
    const zone = ctx.config.get(LOCAL_TIME_ZONE);
    const compileOptions = zone && zone !== 'default' ? { timeZone: zone } : {};
    // Only subtask 0 emits, should the vertex ever run wider than 1.
    if (ctx.subtaskIndex !== 0) return;
    this.rows = this.spec.tuples.map((tuple) => compileProjection(tuple, compileOptions)([]));
  }

  poll(output: Output): PollResult | Promise<PollResult> {
    if (this.next >= this.rows.length) return { status: 'end' };
    const end = Math.min(this.rows.length, this.next + (this.options.batchSize ?? this.rows.length));
    const batch = this.rows.slice(this.next, end);
    this.next = end;
    const emitted = output.emit({ rows: batch });
    return emitted ? emitted.then(() => ({ status: 'emitted' })) : { status: 'emitted' };
  }

  snapshotState(): OperatorStateSnapshot {
    return { position: [this.next] };
  }

  close(): void {}
}
