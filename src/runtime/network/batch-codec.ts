import type { RecordBatch } from '../api/batch.js';

/**
 * How a batch crosses threads: written into one ArrayBuffer that is transferred, not cloned, so
 * the sender pays one pass over the rows and the receiver one pass to rebuild them; structured
 * clone would copy every row array and every value through V8's serializer instead.
 *
 * Layout (all offsets in bytes from the start of the buffer):
 *   header   Int32 × (HEADER + arity × COLUMN_HEADER): row count, arity, row-kinds offset (−1 when
 *            every row is an insert), then per column: encoding, data offset, null-marks offset
 *            (−1 when the column has no NULL), and an encoding-specific word;
 *   per column, 8-byte aligned: the values (Float64, BigInt64, bytes), and for nullable columns
 *            one byte per row (1 = NULL).
 *
 * A column's encoding is chosen per batch from the values it holds (a pass over the column before
 * writing), not from the edge's declared type: the runtime representation (src/common/types.ts)
 * maps several SQL types to one JS type, and a choice made from the values cannot disagree with
 * them. Columns holding nested values (ROW, ARRAY, MAP), mixed JS types, or DECIMALs beyond 64
 * bits take the slow path: they travel beside the buffer as plain arrays, by structured clone.
 */
export interface EncodedBatch {
  readonly buffer: ArrayBuffer;
  /** The slow-path columns, by field index (undefined where the column is in the buffer). */
  readonly cloned?: readonly (unknown[] | undefined)[];
  /** Rows of different lengths (weir's operators never make them): the whole batch, cloned. */
  readonly ragged?: RecordBatch;
}

const HEADER = 3;
const COLUMN_HEADER = 4;

enum Encoding {
  /** Every value NULL: nothing but the header. */
  Null = 0,
  /** JS numbers (TINYINT … DOUBLE, DATE, TIME, TIMESTAMP, INTERVAL) as Float64. */
  Number = 1,
  /** bigints (DECIMAL's unscaled value) that fit 64 bits, as BigInt64. */
  BigInt = 2,
  /** booleans, one byte each. */
  Boolean = 3,
  /** strings: Int32 byte ends per row, then UTF-8; the extra word is 1 when every byte is ASCII. */
  String = 4,
  /** Uint8Arrays (BINARY, BYTES): Int32 byte ends per row, then the bytes. */
  Bytes = 5,
  /** Anything else: the column is structured-cloned beside the buffer. */
  Cloned = 6,
}

/** V8 makes a substring shorter than this (SlicedString::kMinLength) a copy, not a view. */
const SHORT_STRING = 13;

const MIN_BIGINT = -(1n << 63n);
const MAX_BIGINT = (1n << 63n) - 1n;

const align8 = (n: number) => (n + 7) & ~7;

interface ColumnPlan {
  encoding: Encoding;
  hasNull: boolean;
  /** Bytes of the values region (strings: ends plus the worst-case UTF-8 size). */
  bytes: number;
}

/** Which encoding a column takes and how many bytes it needs. */
function planColumn(rows: readonly unknown[][], f: number): ColumnPlan {
  const size = rows.length;
  let type: string | undefined;
  let hasNull = false;
  let chars = 0;
  for (let i = 0; i < size; i++) {
    const v = rows[i][f];
    if (v === null) {
      hasNull = true;
      continue;
    }
    const t = typeof v;
    if (type === undefined) type = t === 'object' && v instanceof Uint8Array ? 'bytes' : t;
    switch (type) {
      case 'number':
      case 'boolean':
        if (t !== type) return { encoding: Encoding.Cloned, hasNull, bytes: 0 };
        break;
      case 'string':
        if (t !== 'string') return { encoding: Encoding.Cloned, hasNull, bytes: 0 };
        chars += (v as string).length;
        break;
      case 'bigint':
        if (t !== 'bigint' || (v as bigint) < MIN_BIGINT || (v as bigint) > MAX_BIGINT) {
          return { encoding: Encoding.Cloned, hasNull, bytes: 0 };
        }
        break;
      case 'bytes':
        if (!(v instanceof Uint8Array)) return { encoding: Encoding.Cloned, hasNull, bytes: 0 };
        chars += v.byteLength;
        break;
      default:
        return { encoding: Encoding.Cloned, hasNull, bytes: 0 };
    }
  }
  switch (type) {
    case undefined:
      return { encoding: Encoding.Null, hasNull: false, bytes: 0 };
    case 'number':
      return { encoding: Encoding.Number, hasNull, bytes: 8 * size };
    case 'bigint':
      return { encoding: Encoding.BigInt, hasNull, bytes: 8 * size };
    case 'boolean':
      return { encoding: Encoding.Boolean, hasNull, bytes: size };
    case 'string':
      // A UTF-16 code unit never takes more than 3 bytes of UTF-8.
      return { encoding: Encoding.String, hasNull, bytes: 4 * size + 3 * chars };
    default:
      return { encoding: Encoding.Bytes, hasNull, bytes: 4 * size + chars };
  }
}

const utf8 = new TextEncoder();

/** Writes a string column; returns whether every string was ASCII. */
function writeStrings(rows: readonly unknown[][], f: number, bytes: Uint8Array, ends: Int32Array): boolean {
  // The common case first: the whole column in one TextEncoder call, which is ASCII when it wrote
  // one byte per UTF-16 code unit; then each string's end is where its characters end.
  let joined = '';
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i][f];
    if (typeof s === 'string') joined += s;
    ends[i] = joined.length;
  }
  if (utf8.encodeInto(joined, bytes).written === joined.length) return true;
  let at = 0;
  for (let i = 0; i < rows.length; i++) {
    const s = rows[i][f];
    if (typeof s === 'string') at += utf8.encodeInto(s, bytes.subarray(at)).written;
    ends[i] = at;
  }
  return false;
}

/** Node's Buffer slices that make a fresh flat string (toString() with an encoding calls them). */
interface BufferSlices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Encodes a batch into one buffer, which the caller transfers. */
export function encodeBatch(batch: RecordBatch): EncodedBatch {
  const { rows, kinds } = batch;
  const size = rows.length;
  const arity = size === 0 ? 0 : rows[0].length;
  for (let i = 1; i < size; i++) {
    if (rows[i].length !== arity) return { buffer: new ArrayBuffer(0), ragged: batch };
  }
  const plans: ColumnPlan[] = [];
  let offset = align8(4 * (HEADER + COLUMN_HEADER * arity));
  const kindsAt = kinds ? offset : -1;
  if (kinds) offset = align8(offset + size);
  const dataAt: number[] = [];
  const nullsAt: number[] = [];
  for (let f = 0; f < arity; f++) {
    const plan = planColumn(rows, f);
    plans.push(plan);
    dataAt.push(offset);
    offset = align8(offset + plan.bytes);
    nullsAt.push(plan.hasNull ? offset : -1);
    if (plan.hasNull) offset = align8(offset + size);
  }
  const buffer = new ArrayBuffer(offset);
  const header = new Int32Array(buffer, 0, HEADER + COLUMN_HEADER * arity);
  header[0] = size;
  header[1] = arity;
  header[2] = kindsAt;
  if (kinds) new Uint8Array(buffer, kindsAt, size).set(kinds.subarray(0, size));
  let cloned: (unknown[] | undefined)[] | undefined;
  for (let f = 0; f < arity; f++) {
    const { encoding, hasNull } = plans[f];
    const h = HEADER + COLUMN_HEADER * f;
    header[h] = encoding;
    header[h + 1] = dataAt[f];
    header[h + 2] = nullsAt[f];
    if (hasNull) {
      const nulls = new Uint8Array(buffer, nullsAt[f], size);
      for (let i = 0; i < size; i++) {
        if (rows[i][f] === null) nulls[i] = 1;
      }
    }
    switch (encoding) {
      case Encoding.Null:
        break;
      case Encoding.Number: {
        const out = new Float64Array(buffer, dataAt[f], size);
        for (let i = 0; i < size; i++) {
          const v = rows[i][f];
          if (typeof v === 'number') out[i] = v;
        }
        break;
      }
      case Encoding.BigInt: {
        const out = new BigInt64Array(buffer, dataAt[f], size);
        for (let i = 0; i < size; i++) {
          const v = rows[i][f];
          if (typeof v === 'bigint') out[i] = v;
        }
        break;
      }
      case Encoding.Boolean: {
        const out = new Uint8Array(buffer, dataAt[f], size);
        for (let i = 0; i < size; i++) if (rows[i][f] === true) out[i] = 1;
        break;
      }
      case Encoding.String: {
        const ends = new Int32Array(buffer, dataAt[f], size);
        const bytes = new Uint8Array(buffer, dataAt[f] + 4 * size, plans[f].bytes - 4 * size);
        header[h + 3] = writeStrings(rows, f, bytes, ends) ? 1 : 0;
        break;
      }
      case Encoding.Bytes: {
        const ends = new Int32Array(buffer, dataAt[f], size);
        const bytes = new Uint8Array(buffer, dataAt[f] + 4 * size, plans[f].bytes - 4 * size);
        let at = 0;
        for (let i = 0; i < size; i++) {
          const v = rows[i][f];
          if (v instanceof Uint8Array) {
            bytes.set(v, at);
            at += v.byteLength;
          }
          ends[i] = at;
        }
        break;
      }
      case Encoding.Cloned: {
        cloned ??= new Array<unknown[] | undefined>(arity).fill(undefined);
        const column = new Array<unknown>(size);
        for (let i = 0; i < size; i++) column[i] = rows[i][f];
        cloned[f] = column;
        break;
      }
    }
  }
  return cloned ? { buffer, cloned } : { buffer };
}

/** Rebuilds the rows (and row kinds) of an encoded batch. */
export function decodeBatch(encoded: EncodedBatch): RecordBatch {
  const { buffer, cloned } = encoded;
  if (encoded.ragged) return encoded.ragged;
  const meta = new Int32Array(buffer, 0, HEADER);
  const size = meta[0];
  const arity = meta[1];
  const kindsAt = meta[2];
  const header = new Int32Array(buffer, 0, HEADER + COLUMN_HEADER * arity);
  const rows = new Array<unknown[]>(size);
  for (let i = 0; i < size; i++) rows[i] = new Array<unknown>(arity);
  for (let f = 0; f < arity; f++) {
    const h = HEADER + COLUMN_HEADER * f;
    const encoding = header[h] as Encoding;
    const at = header[h + 1];
    const nulls = header[h + 2] >= 0 ? new Uint8Array(buffer, header[h + 2], size) : undefined;
    switch (encoding) {
      case Encoding.Null:
        for (let i = 0; i < size; i++) rows[i][f] = null;
        break;
      case Encoding.Number: {
        const values = new Float64Array(buffer, at, size);
        for (let i = 0; i < size; i++) rows[i][f] = values[i];
        break;
      }
      case Encoding.BigInt: {
        const values = new BigInt64Array(buffer, at, size);
        for (let i = 0; i < size; i++) rows[i][f] = values[i];
        break;
      }
      case Encoding.Boolean: {
        const values = new Uint8Array(buffer, at, size);
        for (let i = 0; i < size; i++) rows[i][f] = values[i] === 1;
        break;
      }
      case Encoding.String: {
        const ends = new Int32Array(buffer, at, size);
        // Buffer's slices make fresh flat strings: a string kept in state does not pin the batch.
        const bytes = Buffer.from(buffer, at + 4 * size) as unknown as BufferSlices;
        let start = 0;
        if (header[h + 3] === 1) {
          // Short strings are cut from the whole column decoded once: V8 copies substrings shorter
          // than SHORT_STRING, so they do not pin the column's string; longer ones get their own.
          const column = bytes.latin1Slice(0, size > 0 ? ends[size - 1] : 0);
          for (let i = 0; i < size; i++) {
            const end = ends[i];
            rows[i][f] =
              end - start < SHORT_STRING ? column.substring(start, end) : bytes.latin1Slice(start, end);
            start = end;
          }
        } else {
          for (let i = 0; i < size; i++) {
            rows[i][f] = bytes.utf8Slice(start, ends[i]);
            start = ends[i];
          }
        }
        break;
      }
      case Encoding.Bytes: {
        const ends = new Int32Array(buffer, at, size);
        let start = at + 4 * size;
        for (let i = 0; i < size; i++) {
          const end = at + 4 * size + ends[i];
          // A copy per value: a BYTES value kept in state does not pin the whole batch's buffer.
          rows[i][f] = new Uint8Array(buffer.slice(start, end));
          start = end;
        }
        break;
      }
      case Encoding.Cloned: {
        const column = cloned![f]!;
        for (let i = 0; i < size; i++) rows[i][f] = column[i];
        break;
      }
    }
    if (nulls && encoding !== Encoding.Cloned) {
      for (let i = 0; i < size; i++) if (nulls[i] === 1) rows[i][f] = null;
    }
  }
  return kindsAt < 0 ? { rows } : { rows, kinds: new Uint8Array(buffer, kindsAt, size) };
}
