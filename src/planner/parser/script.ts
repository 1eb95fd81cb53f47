import { isWeirError, WeirError } from '../../common/errors.js';
import type { Pos, Statement } from './ast.js';
import type { IToken } from './chevrotain.js';
import { describeExpected, toSyntaxError } from './errors.js';
import { Semicolon, tokenize } from './lexer.js';
import { FlinkSqlParser, spanPos, tokenPos } from './parser.js';

/** The text a statement came from: positions in its AST are offsets into `text`. */
export interface ScriptSource {
  readonly text: string;
  readonly file?: string;
}

export interface ParsedStatement {
  readonly ast: Statement;
  /** The statement's own text, without the terminating ';'. */
  readonly text: string;
  /** Where the statement starts in the script. */
  readonly pos: Pos;
  readonly script: ScriptSource;
}

// Building the parser analyses the whole grammar (tens of milliseconds): do it once, on first use.
let shared: FlinkSqlParser | undefined;
function parser(): FlinkSqlParser {
  shared ??= new FlinkSqlParser();
  return shared;
}

function endOf(token: IToken): Pos {
  const last = token.endOffset ?? token.startOffset + token.image.length - 1;
  return {
    offset: last + 1,
    line: token.endLine ?? token.startLine ?? 1,
    column: (token.endColumn ?? token.startColumn ?? 0) + 1,
    length: 1,
  };
}

function parseTokens(tokens: IToken[], end: Pos): Statement {
  const p = parser();
  p.input = tokens;
  const ast = p.statement();
  if (p.errors.length > 0) {
    throw toSyntaxError(p.errors[0], {
      tokens,
      end,
      expectedAfter: (index) =>
        describeExpected(
          p.computeContentAssist('statement', tokens.slice(0, index)).map((s) => s.nextTokenType),
        ),
    });
  }
  return ast;
}

function locate(err: unknown, script: ScriptSource): unknown {
  return isWeirError(err) && err.source === undefined ? err.withSource(script.text, script.file) : err;
}

/**
 * Splits a script into statements at `;` (outside strings and comments) and parses each. Positions
 * in every AST are relative to the whole script, so an error in the third statement points at its
 * line in the file. A syntax error anywhere fails the whole script before anything runs.
 */
export function parseScript(text: string, file?: string): ParsedStatement[] {
  const script: ScriptSource = { text, file };
  try {
    const tokens = tokenize(text);
    const statements: ParsedStatement[] = [];
    let start = 0;
    for (let i = 0; i <= tokens.length; i++) {
      if (i < tokens.length && tokens[i].tokenType !== Semicolon) continue;
      if (i > start) {
        const chunk = tokens.slice(start, i);
        const first = chunk[0];
        const last = chunk[chunk.length - 1];
        const end = i < tokens.length ? tokenPos(tokens[i]) : endOf(last);
        const ast = parseTokens(chunk, end);
        const pos = spanPos(first, last);
        statements.push({ ast, text: text.slice(pos.offset, pos.offset + pos.length), pos, script });
      }
      start = i + 1;
    }
    return statements;
  } catch (err) {
    throw locate(err, script);
  }
}

/** Parses text holding exactly one statement (a trailing ';' is allowed). */
export function parseStatement(text: string): Statement {
  const statements = parseScript(text);
  if (statements.length !== 1) {
    const second = statements[1];
    throw new WeirError(
      'SQL_PARSE',
      statements.length === 0 ? 'Expected a statement' : 'Expected a single statement',
      { position: second ? { ...second.pos, length: second.text.length } : undefined, source: text },
    );
  }
  return statements[0].ast;
}
