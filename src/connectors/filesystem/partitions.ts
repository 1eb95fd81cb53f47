import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { LogicalType, RowType } from '../../common/types.js';
import { parser } from '../../runtime/operators/calc/datefmt.js';

/**
 * Partitioned filesystem tables, as Flink lays them out: a row of a table `PARTITIONED BY (dt, hm)`
 * lives in `<path>/dt=<value>/hm=<value>/`, and its file holds only the other columns.
 */

/** Characters Flink's PartitionPathUtils escapes in a partition value (besides control characters). */
const ESCAPED = new Set(['"', '#', '%', "'", '*', '/', ':', '=', '?', '\\', '\u007f', '{', '[', ']', '^']);

export function escapePartitionValue(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.charCodeAt(0);
    out += code < 0x20 || ESCAPED.has(ch) ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : ch;
  }
  return out;
}

export function unescapePartitionValue(text: string): string {
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/** How the rows of a partitioned table map to directories and back. */
export interface PartitionLayout {
  /** The columns a file holds: the table's columns without the partition columns. */
  readonly dataSchema: RowType;
  /** The directory of a row, relative to the table's path: `dt=2024-01-01/hm=10%3A00`. */
  partitionOf(row: readonly unknown[]): string;
  /** The row's columns that go into its file. */
  dataOf(row: readonly unknown[]): unknown[];
  /** A full row from a file's row and the partition values of its directory. */
  rowOf(data: readonly unknown[], partition: ReadonlyMap<string, string | null>): unknown[];
}

/** The layout of `spec`'s table, or undefined when it is not partitioned. */
export function partitionLayout(spec: ConnectorSpec, defaultName: string): PartitionLayout | undefined {
  const keys = spec.partitionKeys ?? [];
  if (keys.length === 0) return undefined;
  const fields = spec.schema.fields;
  const keyIndex = keys.map((k) => fields.findIndex((f) => f.name === k));
  const dataIndex = fields.map((_, i) => i).filter((i) => !keyIndex.includes(i));
  const parsers = fields.map((f) => partitionValueParser(f.type, f.name, spec.table));
  return {
    dataSchema: { fields: dataIndex.map((i) => fields[i]) },
    partitionOf(row) {
      return keyIndex
        .map((i, k) => {
          const v = row[i];
          const text =
            v === null || v === undefined || v === '' ? defaultName : escapePartitionValue(String(v));
          return `${keys[k]}=${text}`;
        })
        .join('/');
    },
    dataOf(row) {
      return dataIndex.map((i) => row[i]);
    },
    rowOf(data, partition) {
      const row = new Array<unknown>(fields.length);
      dataIndex.forEach((i, d) => {
        row[i] = data[d];
      });
      keyIndex.forEach((i, k) => {
        const text = partition.get(keys[k]);
        row[i] = text === undefined || text === null || text === defaultName ? null : parsers[i](text);
      });
      return row;
    },
  };
}

/** `dt=2024-01-01/hm=10%3A00/part-0` → dt → '2024-01-01', hm → '10:00'. */
export function partitionValuesOf(relativePath: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const segment of relativePath.split('/').slice(0, -1)) {
    const eq = segment.indexOf('=');
    if (eq > 0) values.set(segment.slice(0, eq), unescapePartitionValue(segment.slice(eq + 1)));
  }
  return values;
}

function partitionValueParser(type: LogicalType, column: string, table: string): (text: string) => unknown {
  switch (type.root) {
    case 'CHAR':
    case 'VARCHAR':
      return (text) => text;
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return (text) => {
        const n = Number(text);
        if (!Number.isSafeInteger(n)) {
          throw new WeirError(
            'CONNECTOR_IO',
            `Partition value '${text}' of column ${column} in table ${table} is not an integer`,
            { kind: 'user' },
          );
        }
        return n;
      };
    case 'BOOLEAN':
      return (text) => text.toLowerCase() === 'true';
    default:
      return (text) => {
        throw new WeirError(
          'CONNECTOR_IO',
          `Partition column ${column} of table ${table} has type ${type.root}; weir reads STRING, integer and BOOLEAN partition columns (value '${text}')`,
          { kind: 'user' },
        );
      };
  }
}

/**
 * Flink's DefaultPartTimeExtractor: the partition's time is `pattern` with `$name` replaced by the
 * partition values (by default the first value alone), parsed with `formatter` — a date alone is
 * midnight. Wall-clock milliseconds, as weir's TIMESTAMP values and watermarks are.
 */
export function partitionTimeExtractor(
  keys: readonly string[],
  pattern: string | undefined,
  formatter: string,
): (values: ReadonlyMap<string, string>) => number | undefined {
  const parse = parser(formatter);
  const dateOnly = parser('yyyy-MM-dd');
  return (values) => {
    const text =
      pattern === undefined
        ? (values.get(keys[0]) ?? '')
        : pattern.replace(/\$(\w+)/g, (m, name: string) => values.get(name) ?? m);
    return parse(text) ?? dateOnly(text);
  };
}
