import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { call, inputRef } from '../../../common/expr.js';
import { formatRow } from '../../../common/format.js';
import type { JoinSpec } from '../../../common/jobgraph.js';
import { type RowKind, Types } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { SemiAntiJoinOperator } from './semi-anti-join.js';

const KIND: Record<string, number> = { '+I': 0, '-U': 1, '+U': 2, '-D': 3 };

const leftType = {
  fields: [
    { name: 'id', type: Types.INT() },
    { name: 'lv', type: Types.STRING() },
  ],
};
const rightType = {
  fields: [
    { name: 'rid', type: Types.INT() },
    { name: 'rv', type: Types.STRING() },
  ],
};

interface Harness {
  left(...rows: [string, ...unknown[]][]): string[];
  right(...rows: [string, ...unknown[]][]): string[];
  backend: TestKeyedStateBackend;
}

function harness(
  joinType: 'SEMI' | 'ANTI',
  extra: Partial<JoinSpec> = {},
  restoreFrom?: TestKeyedStateBackend,
  backendOf?: () => TestKeyedStateBackend,
): Harness {
  const spec: JoinSpec = {
    kind: 'join',
    joinType,
    leftKeys: [0],
    rightKeys: [0],
    filterNulls: [true],
    leftType,
    rightType,
    outputType: leftType,
    ...extra,
  };
  const backend = backendOf?.() ?? createTestBackend(128, 1, 0);
  if (restoreFrom) backend.restore([restoreFrom.snapshot()]);
  const op = new SemiAntiJoinOperator(spec);
  let emitted: RecordBatch[] = [];
  op.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'Join',
    } as unknown as OperatorContext,
    {
      emit: (b) => {
        emitted.push(b);
      },
      emitWatermark: () => {},
    },
  );
  const types = leftType.fields.map((f) => f.type);
  const push = (input: number, rows: [string, ...unknown[]][]) => {
    emitted = [];
    void op.processBatch(
      { rows: rows.map(([, ...fields]) => fields), kinds: Uint8Array.from(rows.map(([k]) => KIND[k])) },
      input,
    );
    return emitted.flatMap((b) => b.rows.map((r, i) => formatRow(types, (b.kinds?.[i] ?? 0) as RowKind, r)));
  };
  return { backend, left: (...rows) => push(0, rows), right: (...rows) => push(1, rows) };
}

describe('SemiAntiJoinOperator', () => {
  it('semi join: a left row goes out once it has a match, with its own kind, and is withdrawn with its last match', () => {
    const h = harness('SEMI');
    expect(h.left(['+I', 1, 'a'])).toEqual([]);
    expect(h.right(['+I', 1, 'x'])).toEqual(['+I[1, a]']);
    // A second match changes nothing: the output is the left row only, once.
    expect(h.right(['+I', 1, 'y'])).toEqual([]);
    expect(h.left(['+I', 1, 'b'])).toEqual(['+I[1, b]']);
    // Updates of a visible left row are forwarded as such.
    expect(h.left(['-U', 1, 'a'], ['+U', 1, 'c'])).toEqual(['-U[1, a]', '+U[1, c]']);
    expect(h.right(['-D', 1, 'x'])).toEqual([]);
    expect(h.right(['-D', 1, 'y'])).toEqual(['-D[1, b]', '-D[1, c]']);
    // A retraction of a left row that is not visible emits nothing.
    expect(h.left(['-D', 1, 'b'])).toEqual([]);
    expect(h.right(['+I', 1, 'z'])).toEqual(['+I[1, c]']);
  });

  it('anti join: a left row goes out while it has no match, -D when its first match comes, +I when its last goes', () => {
    const h = harness('ANTI');
    expect(h.left(['+I', 1, 'a'], ['+I', 2, 'b'])).toEqual(['+I[1, a]', '+I[2, b]']);
    expect(h.right(['+I', 1, 'x'])).toEqual(['-D[1, a]']);
    expect(h.right(['+I', 1, 'x'])).toEqual([]);
    expect(h.left(['+I', 1, 'c'])).toEqual([]);
    expect(h.right(['-D', 1, 'x'])).toEqual([]);
    expect(h.right(['-D', 1, 'x'])).toEqual(['+I[1, a]', '+I[1, c]']);
    expect(h.left(['-D', 2, 'b'])).toEqual(['-D[2, b]']);
  });

  it('duplicate left rows are counted: each copy is emitted and retracted', () => {
    const h = harness('SEMI');
    h.left(['+I', 1, 'a'], ['+I', 1, 'a']);
    expect(h.right(['+I', 1, 'x'])).toEqual(['+I[1, a]', '+I[1, a]']);
    expect(h.left(['-D', 1, 'a'])).toEqual(['-D[1, a]']);
    expect(h.right(['-D', 1, 'x'])).toEqual(['-D[1, a]']);
  });

  it('a NULL key matches nothing: a semi join drops the row, an anti join keeps it whatever the right side holds', () => {
    const semi = harness('SEMI');
    semi.right(['+I', null, 'x']);
    expect(semi.left(['+I', null, 'a'])).toEqual([]);
    const anti = harness('ANTI');
    anti.right(['+I', null, 'x']);
    expect(anti.left(['+I', null, 'a'])).toEqual(['+I[null, a]']);
    expect(anti.right(['+I', null, 'y'])).toEqual([]);
    expect(anti.left(['-D', null, 'a'])).toEqual(['-D[null, a]']);
  });

  it('the non-equi condition is over the left row, then the right row', () => {
    // lv <> rv: a right row with the same value is no match.
    const h = harness('SEMI', {
      nonEquiCondition: call(
        '<>',
        [inputRef(1, Types.STRING()), inputRef(3, Types.STRING())],
        Types.BOOLEAN(),
      ),
    });
    h.left(['+I', 1, 'a']);
    expect(h.right(['+I', 1, 'a'])).toEqual([]);
    expect(h.right(['+I', 1, 'b'])).toEqual(['+I[1, a]']);
  });

  it('a join without keys (the null-aware NOT IN) runs under one global key', () => {
    const isNull = (i: number) => call('IS NULL', [inputRef(i, Types.INT())], Types.BOOLEAN(false));
    const condition = call(
      'OR',
      [
        call(
          'OR',
          [call('=', [inputRef(0, Types.INT()), inputRef(2, Types.INT())], Types.BOOLEAN()), isNull(0)],
          Types.BOOLEAN(),
        ),
        isNull(2),
      ],
      Types.BOOLEAN(),
    );
    const h = harness('ANTI', { leftKeys: [], rightKeys: [], filterNulls: [], nonEquiCondition: condition });
    // An empty subquery: every row is NOT IN it, NULL included.
    expect(h.left(['+I', 1, 'a'], ['+I', null, 'n'], ['+I', 2, 'b'])).toEqual([
      '+I[1, a]',
      '+I[null, n]',
      '+I[2, b]',
    ]);
    // Once the subquery has a row, x NOT IN (…) is UNKNOWN for a NULL x.
    expect(h.right(['+I', 2, 'x'])).toEqual(['-D[null, n]', '-D[2, b]']);
    // A NULL in the subquery makes NOT IN UNKNOWN for every row.
    expect(h.right(['+I', null, 'y'])).toEqual(['-D[1, a]']);
    expect(h.right(['-D', null, 'y'])).toEqual(['+I[1, a]']);
  });

  it('state survives a snapshot and restore, with the match counts', () => {
    const h = harness('ANTI');
    h.left(['+I', 1, 'a'], ['+I', 2, 'b']);
    h.right(['+I', 1, 'x']);
    const restored = harness('ANTI', {}, h.backend);
    expect(restored.right(['-D', 1, 'x'])).toEqual(['+I[1, a]']);
    expect(restored.right(['+I', 2, 'y'])).toEqual(['-D[2, b]']);
    expect(restored.left(['+I', 2, 'c'])).toEqual([]);
  });

  it('rescale: each subtask gets the key groups it owns, with their left rows and match counts', () => {
    const h = harness('SEMI');
    for (let id = 0; id < 50; id++) h.left(['+I', id, `l${id}`]);
    for (let id = 0; id < 50; id += 2) h.right(['+I', id, `r${id}`]);
    const snapshot = h.backend.snapshot();
    const outputs: string[] = [];
    for (let subtask = 0; subtask < 3; subtask++) {
      const backend = createTestBackend(128, 3, subtask);
      backend.restore([snapshot]);
      const part = harness('SEMI', {}, undefined, () => backend);
      // Each subtask only holds the keys of its range: retract every right row, only owned ones count.
      for (let id = 0; id < 50; id += 2) outputs.push(...part.right(['-D', id, `r${id}`]));
    }
    expect(outputs.sort()).toEqual(Array.from({ length: 25 }, (_, i) => `-D[${2 * i}, l${2 * i}]`).sort());
  });
});
