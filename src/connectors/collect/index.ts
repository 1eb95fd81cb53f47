import type { ConnectorDescriptor } from '../../common/connector.js';
import { formatValue } from '../../common/format.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { type LogicalType, ROW_KIND_SHORT, type RowKind } from '../../common/types.js';
import type { RecordBatch } from '../../runtime/api/batch.js';
import type { OperatorContext, StreamOperator } from '../../runtime/api/operator.js';
import type { SinkFactory } from '../../runtime/api/sink.js';
import type { PrintTarget } from '../print/index.js';

/**
 * The sink of a bare SELECT: the rows go to the client, which shows them in its result mode
 * (Flink's collect sink behind the SQL client).
 */
export const collectDescriptor: ConnectorDescriptor = {
  identifier: 'collect',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only', 'retract', 'upsert'] },
};

/** Where a query's changes go: the SQL client's view of the result, or a program's iterator. */
export interface ResultCollector {
  /** The result's columns, once, before any change. */
  open(columns: readonly string[], types: readonly LogicalType[]): void;
  /**
   * Changes in arrival order: each row's kind and its values (runtime representation). A promise
   * holds the sink until the consumer has room: a slow reader backpressures the job.
   */
  changes(kinds: readonly RowKind[], rows: readonly (readonly unknown[])[]): void | Promise<void>;
}

/** A row's values as Flink prints them (`formatValue` of each column's type). */
export function formatRow(types: readonly LogicalType[], row: readonly unknown[]): string[] {
  return types.map((t, i) => formatValue(t, row[i]));
}

const MIN_WIDTH = 12;

/**
 * Flink's tableau mode for a streaming query: a header, then one line per change with its row
 * kind, as the changes arrive. Columns are at least 12 wide; values are right-aligned.
 */
export function tableauCollector(target: PrintTarget): ResultCollector {
  let widths: number[] = [];
  let types: readonly LogicalType[] = [];
  return {
    open(columns, columnTypes) {
      types = columnTypes;
      widths = columns.map((n) => Math.max(MIN_WIDTH, n.length));
      const line = `+----+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
      target.write(
        `${line}\n| op |${columns.map((n, i) => ` ${n.padStart(widths[i])} `).join('|')}|\n${line}\n`,
      );
    },
    changes(kinds, rows) {
      let text = '';
      for (let r = 0; r < rows.length; r++)
        text += `| ${ROW_KIND_SHORT[kinds[r]]} |${formatRow(types, rows[r])
          .map((v, i) => ` ${v.padStart(widths[i])} `)
          .join('|')}|\n`;
      if (!target.write(text)) return new Promise((resolve) => target.once('drain', resolve));
    },
  };
}

class CollectSinkWriter implements StreamOperator {
  private collector!: ResultCollector;

  constructor(
    private readonly spec: ConnectorSpec,
    private readonly collectorOf: () => ResultCollector,
  ) {}

  open(ctx: OperatorContext): void {
    this.collector = this.collectorOf();
    const fields = this.spec.schema.fields;
    if (ctx.subtaskIndex === 0)
      this.collector.open(
        fields.map((f) => f.name),
        fields.map((f) => f.type),
      );
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const kinds: RowKind[] = new Array(batch.rows.length);
    for (let r = 0; r < batch.rows.length; r++) kinds[r] = (batch.kinds ? batch.kinds[r] : 0) as RowKind;
    return this.collector.changes(kinds, batch.rows);
  }
}

/** The collect sink; `collectorOf` is asked, when a query starts, where its changes go. */
export function collectSinkFactory(collectorOf: () => ResultCollector): SinkFactory {
  return { createWriter: (spec) => new CollectSinkWriter(spec, collectorOf) };
}
