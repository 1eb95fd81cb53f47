import type { RecordBatch } from '../api/batch.js';

/**
 * How a batch crosses threads. Structured clone of a batch copies one array per row; sent by
 * column instead — numeric columns as Float64Arrays whose buffers are transferred, not copied —
 * a batch costs the receiver one array per row to rebuild and the clone a few objects per batch.
 * Columns with anything but numbers (strings, bigint DECIMALs, NULLs, nested values) go as plain
 * arrays, which structured clone handles as before.
 */
export interface EncodedBatch {
  readonly size: number;
  readonly columns: readonly (Float64Array | unknown[])[];
  readonly kinds?: Uint8Array;
}

export function encodeBatch(batch: RecordBatch, transfer: ArrayBuffer[]): EncodedBatch | RecordBatch {
  const { rows } = batch;
  const size = rows.length;
  if (size === 0) return batch;
  const arity = rows[0].length;
  for (let i = 1; i < size; i++) if (rows[i].length !== arity) return batch;
  const columns: (Float64Array | unknown[])[] = [];
  for (let f = 0; f < arity; f++) {
    let numeric = true;
    for (let i = 0; i < size && numeric; i++) numeric = typeof rows[i][f] === 'number';
    if (numeric) {
      const column = new Float64Array(size);
      for (let i = 0; i < size; i++) column[i] = rows[i][f] as number;
      transfer.push(column.buffer);
      columns.push(column);
    } else {
      const column = new Array<unknown>(size);
      for (let i = 0; i < size; i++) column[i] = rows[i][f];
      columns.push(column);
    }
  }
  return batch.kinds ? { size, columns, kinds: batch.kinds } : { size, columns };
}

export function isEncoded(batch: EncodedBatch | RecordBatch): batch is EncodedBatch {
  return 'columns' in batch;
}

export function decodeBatch(encoded: EncodedBatch): RecordBatch {
  const { size, columns } = encoded;
  const arity = columns.length;
  const rows = new Array<unknown[]>(size);
  for (let i = 0; i < size; i++) {
    const row = new Array<unknown>(arity);
    for (let f = 0; f < arity; f++) row[f] = columns[f][i];
    rows[i] = row;
  }
  return encoded.kinds ? { rows, kinds: encoded.kinds } : { rows };
}
