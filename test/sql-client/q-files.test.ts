/**
 * Flink-style `.q` tests of the SQL client (`weir sql`), as Flink's own client tests them
 * (flink-table/flink-sql-client/src/test/resources/sql/*.q).
 *
 * Each `q/*.q` file is a sequence of blocks: one SQL statement (possibly several lines, ending with
 * `;`), the output the client prints for it, and a marker line — `!ok` (rows, tableau output, or
 * nothing), `!info` (an `[INFO] …` message) or `!error` (an `[ERROR] …` report). Lines starting
 * with `#` and blank lines between blocks are comments. See `q-file.ts` for the parser.
 *
 * Each file runs in a fresh in-process `weir sql` session whose stdin is the file's statements, as
 * if typed at the prompt. The client prints `Flink SQL> ` before reading each statement and `> `
 * for each continuation line, so its stdout splits at the prompts into one output per statement.
 * 32-hex job ids are masked as `<job id>`. The output must equal the expected lines exactly, and
 * the marker must match the output's kind.
 *
 * `UPDATE_Q=1 npx vitest run test/sql-client/q-files.test.ts` rewrites the expected outputs from
 * the actual ones, for writing new files. Review what it writes: the expected output must be what
 * Flink's client shows, not whatever weir prints.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sqlCommand } from '../../src/cli/commands/sql.js';
import { formatQFile, markerOf, parseQFile, type QBlock, type QMarker } from './q-file.js';

const DIR = join(import.meta.dirname, 'q');
const UPDATE = process.env.UPDATE_Q === '1';
const PROMPT = 'Flink SQL> ';
const CONTINUATION = '> ';
/**
 * What the client prints when stdin ends; a job still running then (an INSERT's, which runs
 * detached from the prompt) is cancelled, depending on timing, so that line is not compared.
 */
const SHUTDOWN =
  /\nShutting down the session\.\.\.\n(\[INFO\] Cancelling \d+ running job\(s\)[^\n]*\n)?done\.\n$/;

/** Runs the statements in a fresh session; returns each statement's output lines. */
async function runSession(blocks: readonly QBlock[]): Promise<string[][]> {
  const input = blocks.map((b) => `${b.statement.join('\n')}\n`).join('');
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  stderr.resume();
  const code = await sqlCommand(
    { D: ['parallelism.default=1'] },
    {
      stdin: Readable.from([input]),
      stdout,
      stderr,
      onInterrupt: () => () => {},
    },
  );
  expect(code).toBe(0);
  const shutdown = SHUTDOWN.exec(out);
  if (!shutdown) throw new Error(`the session did not shut down cleanly:\n${out}`);
  const chunks = out.slice(0, shutdown.index).split(PROMPT);
  // Before the first prompt nothing is printed; after the last one, only the shutdown.
  expect(chunks[0]).toBe('');
  const outputs = chunks.slice(1);
  const last = outputs.pop();
  expect(last).toBe('');
  expect(outputs.length).toBe(blocks.length);
  return outputs.map((text, i) => {
    let rest = text;
    for (let n = 1; n < blocks[i].statement.length; n++) {
      expect(rest.startsWith(CONTINUATION)).toBe(true);
      rest = rest.slice(CONTINUATION.length);
    }
    const masked = rest.replace(/\b[0-9a-f]{32}\b/g, '<job id>');
    const lines = masked.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return lines;
  });
}

/** The file as it is, and as it would be with the actual outputs, for a readable diff. */
function render(
  blocks: readonly QBlock[],
  outputs: readonly { expected: readonly string[]; marker: QMarker }[],
) {
  return blocks
    .map((b, i) =>
      [`# line ${b.line}`, ...b.statement, ...outputs[i].expected, `!${outputs[i].marker}`].join('\n'),
    )
    .join('\n\n');
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.q'))
  .sort();

describe('SQL client .q files', () => {
  it('has at least 30 files', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  for (const name of files) {
    it(name, async () => {
      const path = join(DIR, name);
      const file = parseQFile(readFileSync(path, 'utf8'), name);
      const outputs = await runSession(file.blocks);
      const actual = outputs.map((lines) => ({ expected: lines, marker: markerOf(lines) }));
      if (UPDATE) {
        writeFileSync(path, formatQFile(file, actual));
        return;
      }
      expect(render(file.blocks, actual)).toBe(render(file.blocks, file.blocks));
    });
  }
});
