import { formatDate, formatTime, formatTimestamp } from '../../src/common/format.js';
import type { LogicalType } from '../../src/common/types.js';
import { DateValue, Dec, TimestampValue, TimeValue, type Value } from './values.js';

/**
 * One text form for a row of either side, so that the streaming table and the evaluator's table
 * can be compared as multisets of strings. Numbers compare by value (an exact decimal, trailing
 * zeros dropped), so DECIMAL scale is not compared — plan goldens check types; this checks values.
 */
export function canonicalRow(types: readonly LogicalType[], row: readonly unknown[]): string {
  return types.map((t, i) => canonical(fromRuntime(t, row[i]))).join(' | ');
}

export function canonicalValues(row: readonly Value[]): string {
  return row.map(canonical).join(' | ');
}

/** A streaming row's field (runtime representation of src/common/types.ts) as an evaluator value. */
function fromRuntime(type: LogicalType, v: unknown): Value {
  if (v === null || v === undefined) return null;
  switch (type.root) {
    case 'DECIMAL':
      return new Dec(v as bigint, type.scale ?? 0);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return BigInt(v as number);
    case 'DATE':
      return new DateValue(v as number);
    case 'TIME':
      return new TimeValue(v as number);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return new TimestampValue(v as number);
    default:
      return v as Value;
  }
}

export function canonical(v: Value): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return BigInt(v).toString();
    return Number.isFinite(v) ? String(v) : String(v);
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof Dec) return v.normalizedText();
  if (v instanceof DateValue) return `DATE ${formatDate(v.days)}`;
  if (v instanceof TimeValue) return `TIME ${formatTime(v.millis)}`;
  if (v instanceof TimestampValue) return `TS ${formatTimestamp(v.millis)}`;
  return JSON.stringify(v);
}
