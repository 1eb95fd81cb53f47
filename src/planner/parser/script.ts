import { isWeirError, WeirError } from '../../common/errors.js';
import type { LogicalType } from '../../common/types.js';
import type * as A from './ast.js';
import type { Pos, Statement } from './ast.js';
import type { IToken } from './chevrotain.js';
import { describeExpected, toSyntaxError } from './errors.js';
import { LParen, RParen, Semicolon, tokenize } from './lexer.js';
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
  const recognize = matchRecognize(tokens);
  if (recognize) {
    // The rest of the statement must still be valid SQL; then the clause is refused by name.
    parseTokens(recognize.rest, end);
    throw new WeirError('SQL_UNSUPPORTED', 'MATCH_RECOGNIZE (pattern recognition) is not supported yet', {
      position: tokenPos(recognize.at),
      hint: 'weir has no CEP operator yet; Flink runs MATCH_RECOGNIZE (run the script with --target flink=…)',
    });
  }
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

/** Whether a statement's tokens begin with these words (keywords or not, any case). */
function startsWithWords(chunk: readonly IToken[], words: readonly string[]): boolean {
  return words.every((w, i) => chunk[i]?.image.toUpperCase() === w);
}

const EXECUTE_STATEMENT_SET = ['EXECUTE', 'STATEMENT', 'SET', 'BEGIN'];

/**
 * Statement sets are a script-level construct: `EXECUTE STATEMENT SET BEGIN` spans several `;`,
 * and the SQL client's `BEGIN STATEMENT SET` / `END` wrap INSERTs that are statements of their own.
 * Each INSERT inside is parsed by the grammar like any other.
 */
function statementSetMarker(chunk: readonly IToken[]): A.BeginStatementSet | A.EndStatementSet | undefined {
  if (chunk.length === 3 && startsWithWords(chunk, ['BEGIN', 'STATEMENT', 'SET']))
    return { kind: 'BeginStatementSet', pos: spanPos(chunk[0], chunk[2]) };
  if (chunk.length === 1 && startsWithWords(chunk, ['END']))
    return { kind: 'EndStatementSet', pos: tokenPos(chunk[0]) };
  return undefined;
}

function insertOf(chunk: IToken[], end: Pos): A.Insert {
  const ast = parseTokens(chunk, end);
  if (ast.kind !== 'Insert')
    throw new WeirError('SQL_PARSE', 'Only INSERT statements can be in a statement set', {
      position: ast.pos,
      hint: 'END; closes the statement set.',
    });
  return ast;
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
    /** An open `EXECUTE STATEMENT SET BEGIN`: its first token and the INSERTs so far. */
    let executeSet: { first: IToken; inserts: A.Insert[] } | undefined;
    for (let i = 0; i <= tokens.length; i++) {
      if (i < tokens.length && tokens[i].tokenType !== Semicolon) continue;
      if (i > start) {
        let chunk = tokens.slice(start, i);
        const last = chunk[chunk.length - 1];
        const end = i < tokens.length ? tokenPos(tokens[i]) : endOf(last);
        const push = (ast: A.Statement, first: IToken) => {
          const pos = spanPos(first, last);
          statements.push({ ast, text: text.slice(pos.offset, pos.offset + pos.length), pos, script });
        };
        if (!executeSet && startsWithWords(chunk, EXECUTE_STATEMENT_SET)) {
          executeSet = { first: chunk[0], inserts: [] };
          chunk = chunk.slice(EXECUTE_STATEMENT_SET.length);
          if (chunk.length === 0)
            throw new WeirError('SQL_PARSE', 'Expected INSERT after EXECUTE STATEMENT SET BEGIN', {
              position: end,
            });
        }
        const marker = statementSetMarker(chunk);
        if (executeSet) {
          if (marker?.kind === 'EndStatementSet') {
            push(
              { kind: 'StatementSet', inserts: executeSet.inserts, pos: spanPos(executeSet.first, last) },
              executeSet.first,
            );
            executeSet = undefined;
          } else executeSet.inserts.push(insertOf(chunk, end));
        } else push(marker ?? parseTokens(chunk, end), chunk[0]);
      }
      start = i + 1;
    }
    if (executeSet)
      throw new WeirError('SQL_PARSE', 'EXECUTE STATEMENT SET BEGIN … has no END', {
        position: tokenPos(executeSet.first),
        hint: 'End the statement set with END;',
      });
    return statements;
  } catch (err) {
    throw locate(err, script);
  }
}

/**
 * `t MATCH_RECOGNIZE ( … )`: the clause's token and the statement's tokens without it. Its
 * grammar (PATTERN, DEFINE, MEASURES, …) is not parsed: weir cannot run it anyway.
 */
function matchRecognize(tokens: readonly IToken[]): { at: IToken; rest: IToken[] } | undefined {
  const at = tokens.findIndex(
    (t, i) => t.image.toUpperCase() === 'MATCH_RECOGNIZE' && tokens[i + 1]?.tokenType === LParen,
  );
  if (at < 0) return undefined;
  let depth = 0;
  let end = at + 1;
  for (; end < tokens.length; end++) {
    if (tokens[end].tokenType === LParen) depth++;
    else if (tokens[end].tokenType === RParen && --depth === 0) break;
  }
  return { at: tokens[at], rest: [...tokens.slice(0, at), ...tokens.slice(end + 1)] };
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

/** Parses a Flink SQL type as written in DDL ('BIGINT NOT NULL', 'DECIMAL(10, 2)', 'ROW<a INT>'). */
export function parseDataType(text: string): LogicalType {
  const tokens = tokenize(text);
  const p = parser();
  p.input = tokens;
  const type = p.dataType();
  const [error] = p.errors;
  if (error || tokens.length === 0) {
    throw new WeirError('SQL_PARSE', `'${text}' is not a SQL data type`, {
      hint: "write a Flink SQL type such as 'BIGINT', 'STRING NOT NULL' or 'DECIMAL(10, 2)'",
    });
  }
  return type.type;
}
