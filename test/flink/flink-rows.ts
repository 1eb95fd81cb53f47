import type { GatewayColumn, GatewayRow } from '../../src/cli/targets/sql-gateway.js';
import { canonicalValues } from '../differential/canonical.js';
import { DateValue, Dec, TimestampValue, TimeValue, type Value } from '../differential/values.js';

const DAY_MS = 86_400_000;

/**
 * A field of the SQL Gateway's PLAIN_TEXT rows (each value as Flink prints it, exact for DECIMAL) as
 * a value of the reference evaluator, by its Flink type.
 */
function toValue(column: GatewayColumn, v: unknown): Value {
  if (v === null || v === undefined) return null;
  const text = String(v);
  switch (column.logicalType.type) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INTEGER':
    case 'BIGINT':
      return BigInt(text);
    case 'DECIMAL':
      return Dec.parse(text);
    case 'FLOAT':
    case 'DOUBLE':
      return Number(text);
    case 'BOOLEAN':
      return text === 'TRUE';
    case 'DATE':
      return new DateValue(Date.parse(`${text}T00:00:00Z`) / DAY_MS);
    case 'TIME_WITHOUT_TIME_ZONE':
      return new TimeValue(Date.parse(`1970-01-01T${text}Z`));
    case 'TIMESTAMP_WITHOUT_TIME_ZONE':
    case 'TIMESTAMP_WITH_LOCAL_TIME_ZONE':
      return new TimestampValue(Date.parse(`${text.replace(' ', 'T')}Z`));
    default:
      return text;
  }
}

/**
 * The final table of a changelog: +I and +U add a row, -U and -D take one away. A retraction of a
 * row the table does not hold is an error, as it is in the differential harness for weir.
 */
export function applyChangelog(columns: readonly GatewayColumn[], changes: readonly GatewayRow[]): string[] {
  const table = new Map<string, number>();
  for (const change of changes) {
    const row = canonicalValues(change.fields.map((f, i) => toValue(columns[i], f)));
    const count = table.get(row) ?? 0;
    if (change.kind === 'INSERT' || change.kind === 'UPDATE_AFTER') table.set(row, count + 1);
    else if (count === 0) throw new Error(`Flink retracted ${row}, which the table does not hold`);
    else if (count === 1) table.delete(row);
    else table.set(row, count - 1);
  }
  return [...table].flatMap(([row, n]) => Array.from({ length: n }, () => row)).sort();
}
