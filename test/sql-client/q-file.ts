/**
 * The `.q` file format of Flink's SQL client tests (flink-sql-client/src/test/resources/sql/*.q),
 * read and written by `q-files.test.ts`.
 *
 * A file is a sequence of blocks. Lines starting with `#` and blank lines between blocks are
 * comments. A block is one SQL statement (one or more lines; the last one ends with `;`), then the
 * output the client prints for it, line by line, then a marker line:
 *
 *   `!ok`    rows or tableau output (also: nothing at all, or a SELECT's closing `Received a total of N rows`)
 *   `!info`  an `[INFO] …` message
 *   `!error` an `[ERROR] …` report (the session goes on with the next block)
 */

export type QMarker = 'ok' | 'info' | 'error';

export interface QBlock {
  /** The comment and blank lines before the statement, kept so that UPDATE_Q can rewrite the file. */
  readonly leading: readonly string[];
  /** The statement's lines, as typed at the prompt. */
  readonly statement: readonly string[];
  /** The expected output lines. */
  readonly expected: readonly string[];
  readonly marker: QMarker;
  /** 1-based line of the statement's first line, for messages. */
  readonly line: number;
}

export interface QFile {
  readonly blocks: readonly QBlock[];
  /** Comment lines after the last block. */
  readonly trailing: readonly string[];
}

const MARKER = /^!(ok|info|error)\s*$/;

export function parseQFile(text: string, name = '<q>'): QFile {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const blocks: QBlock[] = [];
  let leading: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) {
      leading.push(line);
      i++;
      continue;
    }
    const start = i;
    const statement: string[] = [];
    while (i < lines.length) {
      statement.push(lines[i]);
      i++;
      if (lines[i - 1].trimEnd().endsWith(';')) break;
    }
    if (!statement.at(-1)?.trimEnd().endsWith(';'))
      throw new Error(`${name}:${start + 1}: statement does not end with ';'`);
    const expected: string[] = [];
    let marker: QMarker | undefined;
    while (i < lines.length) {
      const m = MARKER.exec(lines[i]);
      i++;
      if (m) {
        marker = m[1] as QMarker;
        break;
      }
      expected.push(lines[i - 1]);
    }
    if (!marker) throw new Error(`${name}:${start + 1}: block has no !ok, !info or !error marker`);
    blocks.push({ leading, statement, expected, marker, line: start + 1 });
    leading = [];
  }
  return { blocks, trailing: leading };
}

/** The file's text with each block's expected output and marker replaced. */
export function formatQFile(
  file: QFile,
  outputs: readonly { readonly expected: readonly string[]; readonly marker: QMarker }[],
): string {
  const out: string[] = [];
  file.blocks.forEach((block, i) => {
    out.push(...block.leading, ...block.statement, ...outputs[i].expected, `!${outputs[i].marker}`);
  });
  out.push(...file.trailing);
  return `${out.join('\n')}\n`;
}

/** The marker a statement's output calls for. */
export function markerOf(output: readonly string[]): QMarker {
  if (output.some((l) => l.startsWith('[ERROR]'))) return 'error';
  if (output[0]?.startsWith('[INFO]')) return 'info';
  return 'ok';
}
