import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
  /**
   * Event time with late rows: watermarks are emitted after every row (interval 0) and sources
   * emit one row a batch, so that which rows are late is deterministic; the evaluator drops them.
   */
  readonly eventTime?: boolean;
  /** Data files the case reads, by path relative to a fresh directory that `$DIR` in `sql` names. */
  readonly files?: Readonly<Record<string, string>>;
}

/** Writes a case's data files into a new temporary directory; returns it. */
function writeFiles(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-differential-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/**
 * Runs a case on the evaluator and the streaming engine (parallelism 1, 4 and with a restore).
 * `config` adds options to every streaming run (e.g. another state backend).
 */
export async function checkCase(
  c: DiffCase,
  prelude = '',
  config: readonly [string, string][] = [],
): Promise<void> {
  const dir = c.files ? writeFiles(c.files) : undefined;
  const script = `${prelude}\n${dir ? c.sql.replaceAll('$DIR', dir) : c.sql}`;
  try {
    await check(c, script, config);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function check(c: DiffCase, script: string, config: readonly [string, string][]): Promise<void> {
  const expected = evaluateScript(script).rows.map(canonicalValues).sort();
  if (c.documented)
    expect(expected, 'the evaluator disagrees with Flink documentation').toEqual([...c.documented].sort());
  for (const parallelism of [1, 4]) {
    const actual = await runStreaming(script, { parallelism, rowAtATime: c.eventTime, config });
    expect(actual.rows, `parallelism ${parallelism}`).toEqual(expected);
  }
  if (!c.noRestore) {
    const restored = await runStreaming(script, {
      parallelism: 2,
      restore: true,
      rowAtATime: c.eventTime,
      config,
    });
    expect(restored.rows, 'after a restore from a mid-run checkpoint').toEqual(expected);
    expect(restored.restarts, 'the job failed over and restored once').toBe(1);
  }
}
