import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { weirHome } from './job-registry.js';

/** The SQL client's statement history, kept across sessions (as Flink's ~/.flink-sql-history). */
export const historyFile = () => join(weirHome(), 'sql-history');

export const HISTORY_SIZE = 1000;

/** The saved lines, newest first (readline's order); none when the file is absent or unreadable. */
export function loadHistory(path = historyFile()): string[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .reverse()
      .slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Saves readline's history (newest first) oldest first, one line each; a failure costs only the history. */
export function saveHistory(lines: readonly string[], path = historyFile()): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${[...lines.slice(0, HISTORY_SIZE)].reverse().join('\n')}\n`);
  } catch {
    // An unwritable home must not break the session.
  }
}
