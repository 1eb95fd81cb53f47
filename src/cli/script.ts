import { readFile } from 'node:fs/promises';
import type { StatementResult } from '../planner/index.js';
import { UsageError } from './errors.js';

/** Reads a .sql file given on the command line, with one-line errors for the usual mistakes. */
export async function readScript(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`cannot read '${path}': no such file`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new UsageError(`cannot read '${path}': permission denied`);
    if (code === 'EISDIR') throw new UsageError(`cannot read '${path}': it is a directory`);
    throw new UsageError(`cannot read '${path}': ${(err as Error).message}`);
  }
}

/** Parses repeated `-D key=value` flags. */
export function parseDynamicProperties(values: readonly string[]): [string, string][] {
  return values.map((entry) => {
    const eq = entry.indexOf('=');
    if (eq <= 0) throw new UsageError(`invalid -D '${entry}'`, 'expected -D key=value');
    return [entry.slice(0, eq).trim(), entry.slice(eq + 1).trim()];
  });
}

/**
 * What `weir run -f` shows for a statement that starts no job: its message as an INFO line, an
 * EXPLAIN's text, or rows as tab-separated lines (a header first) on stdout.
 */
export function printStatementOutput(
  result: Exclude<StatementResult, { kind: 'job' }>,
  stdout: { write(text: string): unknown },
  info: (message: string) => void,
): void {
  switch (result.kind) {
    case 'ok':
      info(result.message.replace(/^\[INFO\]\s*/, ''));
      return;
    case 'explain':
      stdout.write(`${result.text}\n`);
      return;
    case 'rows':
      stdout.write(`${[result.columns.join('\t'), ...result.rows.map((r) => r.join('\t'))].join('\n')}\n`);
      return;
    default: {
      const never: never = result;
      throw new Error(`unexpected statement result ${String(never)}`);
    }
  }
}
