import type { OperatorStateSnapshot } from '../api/operator.js';

/** Lists whose name starts with this are union state: every subtask gets all entries on restore. */
export const UNION_STATE_PREFIX = 'union:';

/**
 * Operator list state on rescale, as Flink's round-robin repartitioner does for split
 * redistribution: all entries of a named list from every old subtask are concatenated and cut
 * into `parallelism` contiguous, near-equal shares. Lists named `union:…` are Flink's union list
 * state instead: every subtask gets every entry and keeps what it owns (e.g. Kafka partitions).
 */
export function redistributeOperatorState(
  previous: readonly OperatorStateSnapshot[],
  parallelism: number,
): OperatorStateSnapshot[] {
  if (previous.length === parallelism) return [...previous];
  const names = new Set(previous.flatMap((s) => Object.keys(s)));
  const result: Record<string, unknown[]>[] = Array.from({ length: parallelism }, () => ({}));
  for (const name of names) {
    const all = previous.flatMap((s) => s[name] ?? []);
    if (name.startsWith(UNION_STATE_PREFIX)) {
      for (const r of result) r[name] = all;
      continue;
    }
    const base = Math.floor(all.length / parallelism);
    const extra = all.length % parallelism;
    let start = 0;
    for (let i = 0; i < parallelism; i++) {
      const count = base + (i < extra ? 1 : 0);
      result[i][name] = all.slice(start, start + count);
      start += count;
    }
  }
  return result;
}
