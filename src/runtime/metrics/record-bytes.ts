import type { RecordBatch } from '../api/batch.js';

/**
 * The bytes Flink would count for records crossing a task boundary (numBytesIn/numBytesOut).
 * weir hands rows between tasks without serializing them, so the size is what Flink's network
 * stack writes for a BinaryRowData: a 4-byte length prefix of the serialized element, the 1-byte
 * StreamElement tag (SQL operators erase timestamps), BinaryRowDataSerializer's 4-byte length, then
 * the row itself. A row is an 8-byte header word with the null bits (more words past 56 fields),
 * 8 bytes per field, and a variable part in 8-byte words for what does not fit in a field: strings
 * and bytes longer than 7 bytes, DECIMALs above 18 digits, nested rows, arrays and maps (arrays and
 * maps laid out as rows, an approximation). Strings count one byte per UTF-16 unit.
 */
const RECORD_FRAMING = 4 + 1 + 4;

const roundUp8 = (n: number) => (n + 7) & ~7;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Bytes of the fixed part of a row or the element slots of an array of `arity` values. */
const fixedPart = (arity: number) => Math.ceil((arity + 8) / 64) * 8 + arity * 8;

/** Bytes a value takes outside its 8-byte slot. */
function variablePart(value: unknown): number {
  switch (typeof value) {
    case 'string':
      // One byte per UTF-16 unit: exact for ASCII, low for other text. Measuring UTF-8 would cost
      // the record path more than the rest of the count together (a counter must not slow the job).
      return value.length <= 7 ? 0 : roundUp8(value.length);
    case 'bigint':
      // A compact DECIMAL (precision <= 18) is its unscaled long; a wider one takes 16 bytes.
      return value >= INT64_MIN && value <= INT64_MAX ? 0 : 16;
    case 'object': {
      if (value === null) return 0;
      if (value instanceof Uint8Array) return value.byteLength <= 7 ? 0 : roundUp8(value.byteLength);
      if (Array.isArray(value)) return rowBytes(value);
      if (value instanceof Map) return 8 + rowBytes([...value.keys()]) + rowBytes([...value.values()]);
      return 0;
    }
    default:
      return 0;
  }
}

/** Bytes of a row (or a nested array, laid out alike) in Flink's binary format. */
function rowBytes(row: readonly unknown[]): number {
  let bytes = fixedPart(row.length);
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    // Numbers, booleans and NULL live in their slot; only other values are looked at further.
    if (typeof v !== 'number' && typeof v !== 'boolean' && v !== null && v !== undefined)
      bytes += variablePart(v);
  }
  return bytes;
}

/**
 * Rows of a batch measured one by one; in a larger batch this many rows, spread evenly, are
 * measured and the rest estimated from them. Walking every value of every row was about 5 % of a
 * Nexmark job's CPU (the source rows nest a ROW per event type); rows of one batch share a
 * schema, so the estimate is close. It depends only on the batch's rows: the task that sends a
 * batch and the one that takes it count the same bytes for it.
 */
const MEASURED_ROWS = 32;

/** The serialized bytes of a batch's records, as Flink's network stack would count them. */
export function serializedBytes(batch: RecordBatch): number {
  const { rows } = batch;
  const n = rows.length;
  let bytes = n * RECORD_FRAMING;
  if (n <= MEASURED_ROWS) {
    for (let i = 0; i < n; i++) bytes += rowBytes(rows[i]);
    return bytes;
  }
  let sampled = 0;
  for (let k = 0; k < MEASURED_ROWS; k++) sampled += rowBytes(rows[Math.floor((k * n) / MEASURED_ROWS)]);
  return bytes + Math.round((sampled * n) / MEASURED_ROWS);
}
