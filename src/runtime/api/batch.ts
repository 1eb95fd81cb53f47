import type { RowKind } from '../../common/types.js';

/**
 * Records travel in batches, never one message per record. A row is an array of field values in
 * the runtime representation of src/common/types.ts.
 */
export interface RecordBatch {
  readonly rows: unknown[][];
  /** Row kind per row (+I, -U, +U, -D); absent when every row is an insert. */
  readonly kinds?: Uint8Array;
}

export function insertBatch(rows: unknown[][]): RecordBatch {
  return { rows };
}

export function rowKindAt(batch: RecordBatch, i: number): RowKind {
  return (batch.kinds ? batch.kinds[i] : 0) as RowKind;
}
