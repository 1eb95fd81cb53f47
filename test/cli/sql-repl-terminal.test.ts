import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WEIR_BIN } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

// `weir sql` on a real pseudo-terminal (util-linux's `script`), typed at as a user types: the prompt,
// line editing, Ctrl-C and Ctrl-D go through the terminal, not through a pipe.
const home = mkdtempSync(join(tmpdir(), 'weir-repl-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, 'g');

function startTerminal() {
  const child = spawn(
    'script',
    ['-qfec', `${JSON.stringify(process.execPath)} ${JSON.stringify(WEIR_BIN)} sql`, '/dev/null'],
    {
      env: { ...process.env, NO_COLOR: '1', WEIR_HOME: home, COLUMNS: '120', LINES: '40', TERM: 'xterm' },
    },
  );
  let raw = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (raw += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (raw += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // The screen's text without cursor movement and colour sequences.
  const screen = () => raw.replace(ANSI_ESCAPE, '').replace(/\r/g, '');
  let mark = 0;
  return {
    exit,
    screen,
    type: (text: string) => child.stdin.write(text),
    /** Waits for `pattern` in what the screen showed since the previous wait; returns that stretch of screen. */
    async expectNext(pattern: RegExp | string, what = String(pattern)) {
      const end = await waitFor(
        () => {
          const rest = screen().slice(mark);
          if (typeof pattern === 'string') {
            const i = rest.indexOf(pattern);
            return i >= 0 ? i + pattern.length : undefined;
          }
          const m = pattern.exec(rest);
          return m ? m.index + m[0].length : undefined;
        },
        { timeoutMs: 20_000, what: `${what} on the terminal; screen so far:\n${screen().slice(mark)}` },
      );
      const seen = screen().slice(mark, mark + end);
      mark += end;
      return seen;
    },
    kill: () => child.kill('SIGKILL'),
  };
}

describe('weir sql on a terminal', () => {
  it('types multi-line statements, completes with Tab, runs SELECTs in each result mode, survives an error, Ctrl-C cancels a query, Ctrl-D leaves', async () => {
    const t = startTerminal();
    try {
      await t.expectNext('Flink SQL> ', 'the prompt');
      // A statement over two lines: the continuation prompt, then the result.
      t.type('CREATE TABLE t (a INT)\r');
      await t.expectNext('> ', 'the continuation prompt');
      t.type(
        "WITH ('connector' = 'datagen', 'number-of-rows' = '3', 'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '3');\r",
      );
      await t.expectNext('[INFO] Execute statement succeeded.');

      t.type("SET 'sql-client.execution.result-mode' = 'tableau';\r");
      await t.expectNext('[INFO] Execute statement succeeded.');
      t.type('SELECT a * 2 AS b FROM t;\r');
      const tableau = await t.expectNext('Received a total of 3 rows');
      expect(tableau).toMatch(/\| \+I \|\s+2 \|\n\| \+I \|\s+4 \|\n\| \+I \|\s+6 \|/);

      t.type("SET 'sql-client.execution.result-mode' = 'table';\r");
      await t.expectNext('[INFO] Execute statement succeeded.');
      t.type('SELECT COUNT(*) AS n FROM t;\r');
      const table = await t.expectNext('Query finished.');
      expect(table).toMatch(/\|\s+n \|/);
      expect(table).toMatch(/\|\s+3 \|/);

      // Tab completes keywords and names from the catalog.
      t.type('DESCRI\t');
      await t.expectNext('DESCRIBE', 'the completed keyword');
      t.type(' t;\r');
      await t.expectNext(/\|\s+a \|\s+INT \|/, "the table's columns");

      t.type("RESET 'sql-client.execution.result-mode';\rSHOW TABLES;\r");
      await t.expectNext(/\|\s+t \|/, 'the table list');

      // A mistake is reported with its position, and the session goes on.
      t.type('SELECT nope FROM t;\r');
      await t.expectNext(/\[ERROR\] error\[SQL_VALIDATION\] at 1:8: Column 'nope' not found/);
      await t.expectNext('Flink SQL> ', 'the prompt after the error');

      // Ctrl-C during an endless streaming SELECT cancels the query, not the client.
      t.type(
        "SET 'sql-client.execution.result-mode' = 'tableau';\rCREATE TABLE u (a INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20');\rSELECT a FROM u;\r",
      );
      await t.expectNext(/\| \+I \|\s+-?\d+ \|/, 'a streamed row');
      t.type('\x03');
      await t.expectNext(/Query terminated, received a total of \d+ rows?/);
      await t.expectNext('Flink SQL> ', 'the prompt after Ctrl-C');

      // Ctrl-C at the prompt drops the half-typed statement; Ctrl-D ends the session.
      t.type('SELECT 1\r');
      await t.expectNext('> ', 'the continuation prompt');
      t.type('\x03');
      await t.expectNext('^C');
      t.type('SHOW TABLES;\r');
      await t.expectNext(/\|\s+u \|/, 'the tables, with the dropped statement forgotten');
      t.type('\x04');
      await t.expectNext('Shutting down the session...');
      expect(await t.exit).toBe(0);
    } finally {
      t.kill();
    }
  }, 90_000);
});
