import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { formatRow } from '../../../common/format.js';
import { type RowKind, Types } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext } from '../../api/operator.js';
import type { KeyedStateSnapshot } from '../../api/state.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { SinkUpsertMaterializerOperator } from './sink-upsert-materializer.js';

const KIND: Record<string, number> = { '+I': 0, '-U': 1, '+U': 2, '-D': 3 };
const types = [Types.STRING(), Types.STRING()];

/** The materializer keyed by field 0 (the sink's key: an owner), rows [owner, item]. */
function harness(restoreFrom?: KeyedStateSnapshot) {
  const backend: TestKeyedStateBackend = createTestBackend(128, 1, 0);
  if (restoreFrom) backend.restore([restoreFrom]);
  const op = new SinkUpsertMaterializerOperator({ kind: 'sink-upsert-materializer', keys: [0] });
  const warnings: string[] = [];
  let emitted: RecordBatch[] = [];
  op.open(
    {
      config: new Configuration(),
      keyedStateBackend: backend,
      operatorName: 'SinkMaterializer',
      log: { info: () => {}, warn: (m: string) => warnings.push(m) },
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        emitted.push(b);
      },
      emitWatermark: () => {},
    },
  );
  return {
    backend,
    warnings,
    push(...rows: [string, ...unknown[]][]): string[] {
      emitted = [];
      void op.processBatch({
        rows: rows.map(([, ...fields]) => fields),
        kinds: Uint8Array.from(rows.map(([k]) => KIND[k])),
      });
      return emitted.flatMap((b) =>
        b.rows.map((r, i) => formatRow(types, (b.kinds?.[i] ?? 0) as RowKind, r)),
      );
    },
  };
}

describe('SinkUpsertMaterializerOperator', () => {
  it('a late retraction of an older row of the key does not delete the key', () => {
    const h = harness();
    expect(h.push(['+I', 'carol', 'item2'])).toEqual(['+I[carol, item2]']);
    // item1 moves to carol while she still holds item2: the sink's row for carol becomes item1.
    expect(h.push(['+U', 'carol', 'item1'])).toEqual(['+U[carol, item1]']);
    // item2 leaves carol: the sink already holds carol's newest row, nothing to send.
    expect(h.push(['-U', 'carol', 'item2'])).toEqual([]);
    // item1 leaves too: no row is left for carol.
    expect(h.push(['-U', 'carol', 'item1'])).toEqual(['-D[carol, item1]']);
  });

  it("retracting the key's newest row falls back to the row before it", () => {
    const h = harness();
    h.push(['+I', 'k', 'a'], ['+I', 'k', 'b'], ['+I', 'k', 'c']);
    expect(h.push(['-D', 'k', 'c'])).toEqual(['+U[k, b]']);
    expect(h.push(['-D', 'k', 'a'])).toEqual([]);
    expect(h.push(['-D', 'k', 'b'])).toEqual(['-D[k, b]']);
    expect(h.push(['+I', 'k', 'd'])).toEqual(['+I[k, d]']);
  });

  it('removes one of two equal rows, the later one', () => {
    const h = harness();
    h.push(['+I', 'k', 'a'], ['+I', 'k', 'b'], ['+I', 'k', 'a']);
    expect(h.push(['-U', 'k', 'a'])).toEqual(['+U[k, b]']);
    expect(h.push(['-U', 'k', 'b'])).toEqual(['+U[k, a]']);
  });

  it('ignores, once warned, a retraction of a row it does not hold', () => {
    const h = harness();
    expect(h.push(['-D', 'k', 'x'], ['-D', 'k', 'y'])).toEqual([]);
    expect(h.warnings).toHaveLength(1);
  });

  it("keeps each key's rows in keyed state across a checkpoint and restore", () => {
    const h = harness();
    h.push(['+I', 'carol', 'item2'], ['+I', 'carol', 'item1'], ['+I', 'dave', 'item3']);
    const restored = harness(h.backend.snapshot());
    expect(restored.push(['-U', 'carol', 'item2'], ['-D', 'dave', 'item3'])).toEqual(['-D[dave, item3]']);
    expect(restored.push(['-U', 'carol', 'item1'])).toEqual(['-D[carol, item1]']);
  });
});
