import { expect } from 'vitest';
import { canonicalValues } from './canonical.js';
import { evaluateScript } from './evaluator.js';
import { runStreaming } from './streaming.js';

/** One differential case: a script whose last statement is a SELECT. */
export interface DiffCase {
  readonly name: string;
  /** CREATE TABLE / CREATE VIEW / SET statements and the SELECT, separated by ';'. */
  readonly sql: string;
  /**
   * Rows Flink's documentation prints for this query, in the canonical text form (strings
   * quoted, columns joined by ' | '); checked against the evaluator as well.
   */
  readonly documented?: readonly string[];
  /** The input has fewer than two source batches, so the restore run cannot stop midway. */
  readonly noRestore?: boolean;
}

/** Runs a case on the evaluator and the streaming engine (parallelism 1, 4 and with a restore). */
export async function checkCase(c: DiffCase, prelude = ''): Promise<void> {
  const script = `${prelude}\n${c.sql}`;
  const expected = evaluateScript(script).rows.map(canonicalValues).sort();
  if (c.documented)
    expect(expected, 'the evaluator disagrees with Flink documentation').toEqual([...c.documented].sort());
  for (const parallelism of [1, 4]) {
    const actual = await runStreaming(script, { parallelism });
    expect(actual.rows, `parallelism ${parallelism}`).toEqual(expected);
  }
  if (!c.noRestore) {
    const restored = await runStreaming(script, { parallelism: 2, restore: true });
    expect(restored.rows, 'after a restore from a mid-run checkpoint').toEqual(expected);
    expect(restored.restarts, 'the job failed over and restored once').toBe(1);
  }
}
