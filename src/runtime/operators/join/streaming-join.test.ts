import { describe, expect, it } from 'vitest';
import { Configuration } from '../../../common/config.js';
import { call, inputRef } from '../../../common/expr.js';
import { formatRow } from '../../../common/format.js';
import type { JoinSpec, JoinType } from '../../../common/jobgraph.js';
import { type RowKind, Types } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext } from '../../api/operator.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';
import { StreamingJoinOperator } from './streaming-join.js';

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
  /** Feeds one batch of `[kind, …fields]` rows to the left (0) or right (1) input; returns the output as Flink prints it. */
  left(...rows: [string, ...unknown[]][]): string[];
  right(...rows: [string, ...unknown[]][]): string[];
  backend: TestKeyedStateBackend;
  clock: { now: number };
}

function harness(
  joinType: JoinType,
  extra: Partial<JoinSpec> = {},
  config: Record<string, string> = {},
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
    outputType: { fields: [...leftType.fields, ...rightType.fields] },
    ...extra,
  };
  const clock = { now: 1_000 };
  const backend = backendOf?.() ?? createTestBackend(128, 1, 0, () => clock.now);
  if (restoreFrom) backend.restore([restoreFrom.snapshot()]);
  const op = new StreamingJoinOperator(spec);
  let emitted: RecordBatch[] = [];
  op.open(
    {
      config: new Configuration(Object.entries(config)),
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
  const types = spec.outputType.fields.map((f) => f.type);
  const push = (input: number, rows: [string, ...unknown[]][]) => {
    emitted = [];
    void op.processBatch(
      { rows: rows.map(([, ...fields]) => fields), kinds: Uint8Array.from(rows.map(([k]) => KIND[k])) },
      input,
    );
    return emitted.flatMap((b) => b.rows.map((r, i) => formatRow(types, (b.kinds?.[i] ?? 0) as RowKind, r)));
  };
  return {
    backend,
    clock,
    left: (...rows) => push(0, rows),
    right: (...rows) => push(1, rows),
  };
}

describe('StreamingJoinOperator', () => {
  it('inner join: joins both ways, forwards row kinds, and retracts from either side', () => {
    const h = harness('INNER');
    expect(h.left(['+I', 1, 'a'])).toEqual([]);
    expect(h.right(['+I', 1, 'x'])).toEqual(['+I[1, a, 1, x]']);
    expect(h.right(['+I', 1, 'y'], ['+I', 2, 'z'])).toEqual(['+I[1, a, 1, y]']);
    // An update of the left row: -U and +U are forwarded as such by an inner join.
    expect(h.left(['-U', 1, 'a'], ['+U', 1, 'b'])).toEqual([
      '-U[1, a, 1, x]',
      '-U[1, a, 1, y]',
      '+U[1, b, 1, x]',
      '+U[1, b, 1, y]',
    ]);
    expect(h.right(['-D', 1, 'x'])).toEqual(['-D[1, b, 1, x]']);
    expect(h.left(['+I', 2, 'c'])).toEqual(['+I[2, c, 2, z]']);
  });

  it('inner join: duplicate rows are counted, each copy joins and retracts once', () => {
    const h = harness('INNER');
    h.left(['+I', 1, 'a'], ['+I', 1, 'a']);
    expect(h.right(['+I', 1, 'x'])).toEqual(['+I[1, a, 1, x]', '+I[1, a, 1, x]']);
    expect(h.left(['-D', 1, 'a'])).toEqual(['-D[1, a, 1, x]']);
    expect(h.right(['+I', 1, 'y'])).toEqual(['+I[1, a, 1, y]']);
  });

  it('inner join of insert-only sides keeps plain lists, with the same results', () => {
    const h = harness('INNER', { leftInputInsertOnly: true, rightInputInsertOnly: true });
    h.left(['+I', 1, 'a'], ['+I', 1, 'a'], ['+I', null, 'n']);
    expect(h.right(['+I', 1, 'x'], ['+I', null, 'm'])).toEqual(['+I[1, a, 1, x]', '+I[1, a, 1, x]']);
    expect(h.left(['+I', 1, 'b'])).toEqual(['+I[1, b, 1, x]']);
    // Only the left is insert-only: the right still retracts through its counted state.
    const mixed = harness('INNER', { leftInputInsertOnly: true });
    mixed.left(['+I', 1, 'a']);
    expect(mixed.right(['+I', 1, 'x'], ['-U', 1, 'x'], ['+U', 1, 'y'])).toEqual([
      '+I[1, a, 1, x]',
      '-U[1, a, 1, x]',
      '+U[1, a, 1, y]',
    ]);
    expect(mixed.left(['+I', 1, 'c'])).toEqual(['+I[1, c, 1, y]']);
  });

  it('NULL keys never match, in inner and outer joins', () => {
    const inner = harness('INNER');
    inner.left(['+I', null, 'a']);
    expect(inner.right(['+I', null, 'x'])).toEqual([]);
    const full = harness('FULL');
    expect(full.left(['+I', null, 'a'])).toEqual(['+I[null, a, null, null]']);
    expect(full.right(['+I', null, 'x'])).toEqual(['+I[null, null, null, x]']);
    expect(full.left(['-D', null, 'a'])).toEqual(['-D[null, a, null, null]']);
  });

  it('left join: pads with NULLs until the first match, and again after the last match goes', () => {
    const h = harness('LEFT');
    expect(h.left(['+I', 1, 'a'])).toEqual(['+I[1, a, null, null]']);
    expect(h.right(['+I', 1, 'x'])).toEqual(['-D[1, a, null, null]', '+I[1, a, 1, x]']);
    expect(h.right(['+I', 1, 'y'])).toEqual(['+I[1, a, 1, y]']);
    expect(h.right(['-D', 1, 'x'])).toEqual(['-D[1, a, 1, x]']);
    expect(h.right(['-U', 1, 'y'])).toEqual(['-D[1, a, 1, y]', '+I[1, a, null, null]']);
    // A right row without a left match emits nothing in a left join.
    expect(h.right(['+I', 3, 'q'])).toEqual([]);
    // A left row that arrives to existing matches goes out joined, never padded.
    expect(h.left(['+I', 3, 'c'])).toEqual(['+I[3, c, 3, q]']);
    // Retracting the left row withdraws what it produced: joined or padded.
    expect(h.left(['-D', 3, 'c'])).toEqual(['-D[3, c, 3, q]']);
    expect(h.left(['-D', 1, 'a'])).toEqual(['-D[1, a, null, null]']);
  });

  it('left join: an update of the outer side is sent as -D and +I', () => {
    const h = harness('LEFT');
    h.right(['+I', 1, 'x']);
    expect(h.left(['+I', 1, 'a'])).toEqual(['+I[1, a, 1, x]']);
    expect(h.left(['-U', 1, 'a'], ['+U', 1, 'b'])).toEqual(['-D[1, a, 1, x]', '+I[1, b, 1, x]']);
  });

  it('right join mirrors the left join', () => {
    const h = harness('RIGHT');
    expect(h.right(['+I', 1, 'x'])).toEqual(['+I[null, null, 1, x]']);
    expect(h.left(['+I', 1, 'a'])).toEqual(['-D[null, null, 1, x]', '+I[1, a, 1, x]']);
    expect(h.left(['-D', 1, 'a'])).toEqual(['-D[1, a, 1, x]', '+I[null, null, 1, x]']);
    expect(h.left(['+I', 2, 'b'])).toEqual([]);
  });

  it('full join: both sides pad, and padding follows matches on both sides', () => {
    const h = harness('FULL');
    expect(h.left(['+I', 1, 'a'])).toEqual(['+I[1, a, null, null]']);
    expect(h.right(['+I', 2, 'y'])).toEqual(['+I[null, null, 2, y]']);
    expect(h.right(['+I', 1, 'x'])).toEqual(['-D[1, a, null, null]', '+I[1, a, 1, x]']);
    expect(h.left(['+I', 1, 'b'])).toEqual(['+I[1, b, 1, x]']);
    expect(h.right(['-D', 1, 'x'])).toEqual([
      '-D[1, a, 1, x]',
      '+I[1, a, null, null]',
      '-D[1, b, 1, x]',
      '+I[1, b, null, null]',
    ]);
    expect(h.right(['-D', 2, 'y'])).toEqual(['-D[null, null, 2, y]']);
  });

  it('applies the non-equi condition to decide what matches', () => {
    // ON l.id = r.rid AND l.lv < r.rv
    const condition = call('<', [inputRef(1, Types.STRING()), inputRef(3, Types.STRING())], Types.BOOLEAN());
    const h = harness('LEFT', { nonEquiCondition: condition });
    expect(h.left(['+I', 1, 'm'])).toEqual(['+I[1, m, null, null]']);
    expect(h.right(['+I', 1, 'a'])).toEqual([]);
    expect(h.right(['+I', 1, 'z'])).toEqual(['-D[1, m, null, null]', '+I[1, m, 1, z]']);
    expect(h.left(['+I', 1, 'b'])).toEqual(['+I[1, b, 1, z]']);
  });

  it('a join without keys joins everything under one global key', () => {
    const h = harness('INNER', { leftKeys: [], rightKeys: [], filterNulls: [] });
    h.left(['+I', 1, 'a'], ['+I', 2, 'b']);
    expect(h.right(['+I', 9, 'x'])).toEqual(['+I[1, a, 9, x]', '+I[2, b, 9, x]']);
  });

  it('state survives a snapshot and restore, with the match counts of outer rows', () => {
    const h = harness('LEFT');
    h.left(['+I', 1, 'a'], ['+I', 2, 'b']);
    h.right(['+I', 1, 'x']);
    const restored = harness('LEFT', {}, {}, h.backend);
    expect(restored.right(['-D', 1, 'x'])).toEqual(['-D[1, a, 1, x]', '+I[1, a, null, null]']);
    expect(restored.right(['+I', 2, 'y'])).toEqual(['-D[2, b, null, null]', '+I[2, b, 2, y]']);
  });

  it('rescale: each subtask gets the key groups it owns, and both sides of a key meet there', () => {
    const h = harness('INNER');
    for (let id = 0; id < 50; id++) h.left(['+I', id, `l${id}`]);
    const snapshot = h.backend.snapshot();
    const outputs: string[] = [];
    for (let subtask = 0; subtask < 3; subtask++) {
      const backend = createTestBackend(128, 3, subtask);
      backend.restore([snapshot]);
      const part = harness('INNER', {}, {}, undefined, () => backend);
      // Each subtask only holds the keys of its range: feed every key, only owned ones match.
      for (let id = 0; id < 50; id++) outputs.push(...part.right(['+I', id, `r${id}`]));
    }
    expect(outputs.sort()).toEqual(
      Array.from({ length: 50 }, (_, id) => `+I[${id}, l${id}, ${id}, r${id}]`).sort(),
    );
  });

  it("forgets rows after 'table.exec.state.ttl'", () => {
    const h = harness('INNER', {}, { 'table.exec.state.ttl': '10 s' });
    h.left(['+I', 1, 'a']);
    h.clock.now += 5_000;
    expect(h.right(['+I', 1, 'x'])).toEqual(['+I[1, a, 1, x]']);
    h.clock.now += 11_000;
    expect(h.right(['+I', 1, 'y'])).toEqual([]);
  });
});
