import type { ConnectorDescriptor } from '../../common/connector.js';
import { formatDate, formatValue } from '../../common/format.js';
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

/**
 * A value as Flink's SQL client shows it: as CAST(… AS STRING) would (`2024-01-01 10:00:00.000`
 * for a TIMESTAMP(3), `10:00:00` for a TIME), unlike `Row.toString`'s java.time forms that the
 * print connector shows.
 */
export function formatResultValue(type: LogicalType, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (type.root) {
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const millis = value as number;
      const days = Math.floor(millis / 86_400_000);
      const ofDay = millis - days * 86_400_000;
      return `${formatDate(days)} ${sqlTime(ofDay, type.precision ?? 6)}`;
    }
    case 'TIME':
      return sqlTime(value as number, type.precision ?? 0);
    default:
      return formatValue(type, value);
  }
}

/** `HH:mm:ss` with `precision` fractional digits (weir keeps milliseconds; finer digits are 0). */
function sqlTime(millisOfDay: number, precision: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const text = `${two(Math.floor(millisOfDay / 3_600_000))}:${two(Math.floor(millisOfDay / 60_000) % 60)}:${two(
    Math.floor(millisOfDay / 1000) % 60,
  )}`;
  if (precision <= 0) return text;
  return `${text}.${String(millisOfDay % 1000)
    .padStart(3, '0')
    .padEnd(precision, '0')
    .slice(0, precision)}`;
}

/** A row's values as Flink's SQL client shows them (`formatResultValue` of each column's type). */
export function formatRow(types: readonly LogicalType[], row: readonly unknown[]): string[] {
  return types.map((t, i) => formatResultValue(t, row[i]));
}

const MIN_WIDTH = 12;

/**
 * The column width a type needs, as Flink's tableau mode infers it from the type (so that a
 * streaming result's lines stay aligned): a TIMESTAMP(3) always takes 23 characters.
 */
function typeWidth(type: LogicalType): number {
  switch (type.root) {
    case 'DATE':
      return 10;
    case 'TIME':
      return 8 + ((type.precision ?? 0) > 0 ? (type.precision ?? 0) + 1 : 0);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return 19 + ((type.precision ?? 6) > 0 ? (type.precision ?? 6) + 1 : 0);
    default:
      return 0;
  }
}

/** A tableau collector also writes Flink's closing lines when the query ends. */
export interface TableauCollector extends ResultCollector {
  /** The closing border and `Received a total of N rows`, or Flink's line for a cancelled query. */
  finish(cancelled: boolean): void;
}

/**
 * Flink's tableau mode for a streaming query: a header, then one line per change with its row
 * kind, as the changes arrive. Columns are at least 12 wide; values are right-aligned.
 */
export function tableauCollector(target: PrintTarget): TableauCollector {
  let widths: number[] = [];
  let types: readonly LogicalType[] = [];
  let line = '';
  let received = 0;
  return {
    open(columns, columnTypes) {
      types = columnTypes;
      widths = columns.map((n, i) => Math.max(MIN_WIDTH, n.length, typeWidth(columnTypes[i])));
      line = `+----+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
      target.write(
        `${line}\n| op |${columns.map((n, i) => ` ${n.padStart(widths[i])} `).join('|')}|\n${line}\n`,
      );
    },
    changes(kinds, rows) {
      let text = '';
      received += rows.length;
      for (let r = 0; r < rows.length; r++)
        text += `| ${ROW_KIND_SHORT[kinds[r]]} |${formatRow(types, rows[r])
          .map((v, i) => ` ${v.padStart(widths[i])} `)
          .join('|')}|\n`;
      if (!target.write(text)) return new Promise((resolve) => target.once('drain', resolve));
    },
    finish(cancelled) {
      // Flink's CliTableauResultView, word for word ("1 row", "2 rows", and "0 row").
      const rows = `${received} ${received > 1 ? 'rows' : 'row'}`;
      target.write(
        cancelled
          ? `Query terminated, received a total of ${rows}\n`
          : `${line ? `${line}\n` : ''}Received a total of ${rows}\n`,
      );
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
