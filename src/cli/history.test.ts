import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HISTORY_SIZE, loadHistory, saveHistory } from './history.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQL client history file', () => {
  it('round-trips readline history, oldest line first in the file', () => {
    const path = join(dir, 'a', 'sql-history');
    expect(loadHistory(path)).toEqual([]);
    saveHistory(['SELECT 2;', 'SELECT 1;'], path);
    expect(readFileSync(path, 'utf8')).toBe('SELECT 1;\nSELECT 2;\n');
    expect(loadHistory(path)).toEqual(['SELECT 2;', 'SELECT 1;']);
  });

  it(`keeps the newest ${HISTORY_SIZE} lines`, () => {
    const path = join(dir, 'sql-history');
    saveHistory(
      Array.from({ length: HISTORY_SIZE + 5 }, (_, i) => `q${HISTORY_SIZE + 4 - i}`),
      path,
    );
    const loaded = loadHistory(path);
    expect(loaded).toHaveLength(HISTORY_SIZE);
    expect(loaded[0]).toBe(`q${HISTORY_SIZE + 4}`);
    expect(loaded.at(-1)).toBe('q5');
  });

  it('an unwritable location costs only the history', () => {
    const aFile = join(dir, 'a-file');
    saveHistory(['x'], aFile);
    // Its parent is a file, so it cannot be created.
    expect(() => saveHistory(['x'], join(aFile, 'sql-history'))).not.toThrow();
    expect(loadHistory(join(aFile, 'sql-history'))).toEqual([]);
  });
});
