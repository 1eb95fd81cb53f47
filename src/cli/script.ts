import { readFile } from 'node:fs/promises';
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
