import { Configuration } from '../../../common/config.js';
import { formatRow } from '../../../common/format.js';
import type { LogicalType, RowKind } from '../../../common/types.js';
import type { RecordBatch } from '../../api/batch.js';
import type { OperatorContext, StreamOperator } from '../../api/operator.js';
import { assignToKeyGroup, hashFields, operatorIndexForKeyGroup } from '../../state/key-groups.js';
import { createTestBackend, type TestKeyedStateBackend } from '../../state/test-backend.js';

const KIND: Record<string, number> = { '+I': 0, '-U': 1, '+U': 2, '-D': 3 };

export type Input = [kind: string, ...fields: unknown[]];

/** One keyed operator on a heap backend, fed `[kind, …fields]` rows; returns what it emitted as Flink prints it. */
export interface Harness {
  push(...rows: Input[]): string[];
  readonly backend: TestKeyedStateBackend;
}

export function harness(
  operator: StreamOperator,
  outputTypes: readonly LogicalType[],
  options: { restoreFrom?: TestKeyedStateBackend[]; parallelism?: number; subtask?: number } = {},
): Harness {
  const backend = createTestBackend(128, options.parallelism ?? 1, options.subtask ?? 0);
  if (options.restoreFrom) backend.restore(options.restoreFrom.map((b) => b.snapshot()));
  let emitted: RecordBatch[] = [];
  void operator.open(
    {
      config: new Configuration([]),
      keyedStateBackend: backend,
      operatorName: 'test',
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
    push(...rows) {
      emitted = [];
      void operator.processBatch({
        rows: rows.map(([, ...fields]) => fields),
        kinds: Uint8Array.from(rows.map(([k]) => KIND[k])),
      });
      return emitted.flatMap((b) =>
        b.rows.map((r, i) => formatRow(outputTypes, (b.kinds?.[i] ?? 0) as RowKind, r)),
      );
    },
  };
}

/** The subtask (of `parallelism`, max parallelism 128) that owns a key, as a hash edge routes it. */
export function subtaskOf(key: readonly unknown[], parallelism: number): number {
  const kg = assignToKeyGroup(
    hashFields(
      key,
      key.map((_, i) => i),
    ),
    128,
  );
  return operatorIndexForKeyGroup(128, parallelism, kg);
}
