import { WeirError } from '../../common/errors.js';
import type { Pos } from './ast.js';
import {
  EOF,
  type IParserErrorMessageProvider,
  type IRecognitionException,
  type IToken,
  type TokenType,
} from './chevrotain.js';
import {
  Identifier,
  IdentifierLike,
  KEYWORDS,
  LParen,
  Minus,
  NumberLiteral,
  Plus,
  QuotedIdentifier,
  StringLiteral,
} from './lexer.js';

/**
 * Short syntax errors in place of chevrotain's full path dumps: "Unexpected 'FORM', expected FROM,
 * WHERE or …". The message provider only records what was expected (as JSON); `toSyntaxError`
 * turns that into the final message once it knows the offending token and the statement.
 */

const KEYWORD_TYPES = new Set<TokenType>(KEYWORDS.values());
const kwType = (name: string) => KEYWORDS.get(name)!;

const EXPRESSION_START = new Set<TokenType>([
  NumberLiteral,
  StringLiteral,
  IdentifierLike,
  Identifier,
  QuotedIdentifier,
  LParen,
  Minus,
  Plus,
  ...[
    'TABLE',
    'TRUE',
    'FALSE',
    'NULL',
    'INTERVAL',
    'DATE',
    'TIME',
    'TIMESTAMP',
    'CAST',
    'TRY_CAST',
    'CASE',
    'NOT',
    'EXISTS',
    'CURRENT_TIMESTAMP',
    'CURRENT_DATE',
    'CURRENT_TIME',
    'LOCALTIMESTAMP',
    'LOCALTIME',
    // The string functions LEFT(s, n) and RIGHT(s, n) start an expression too.
    'LEFT',
    'RIGHT',
  ].map(kwType),
]);

const TYPE_START = new Set<TokenType>(
  [
    'BOOLEAN',
    'TINYINT',
    'SMALLINT',
    'INT',
    'INTEGER',
    'BIGINT',
    'FLOAT',
    'REAL',
    'DOUBLE',
    'DECIMAL',
    'DEC',
    'NUMERIC',
    'CHAR',
    'CHARACTER',
    'VARCHAR',
    'STRING',
    'BINARY',
    'VARBINARY',
    'BYTES',
    'DATE',
    'TIME',
    'TIMESTAMP',
    'TIMESTAMP_LTZ',
    'ARRAY',
    'MULTISET',
    'MAP',
    'ROW',
  ].map(kwType),
);

const TYPE_NAMES = [...TYPE_START].map((t) => t.name);

function describeType(type: TokenType): string {
  if (type === EOF) return 'end of statement';
  if (type === IdentifierLike || type === Identifier || type === QuotedIdentifier) return 'an identifier';
  if (type === StringLiteral) return 'a string';
  if (type === NumberLiteral) return 'a number';
  if (KEYWORD_TYPES.has(type)) return type.name;
  return type.LABEL ?? type.name;
}

/** Names for the expected tokens, with whole families (expression, data type starts) collapsed. */
export function describeExpected(types: readonly TokenType[]): string[] {
  const unique = [...new Set(types)];
  const isExpression = unique.includes(NumberLiteral) && unique.includes(kwType('CASE'));
  const isType = unique.includes(kwType('BIGINT')) && unique.includes(kwType('VARCHAR'));
  const out: string[] = [];
  for (const t of unique) {
    if (isExpression && EXPRESSION_START.has(t)) {
      if (!out.includes('an expression')) out.push('an expression');
    } else if (isType && TYPE_START.has(t)) {
      if (!out.includes('a data type')) out.push('a data type');
    } else {
      const d = describeType(t);
      if (!out.includes(d)) out.push(d);
    }
  }
  return out;
}

export function formatAlternatives(items: readonly string[]): string {
  if (items.length === 0) return '';
  if (items.length === 1) return items[0];
  if (items.length <= 5) return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
  return `${items.slice(0, 5).join(', ')} or …`;
}

const payload = (types: readonly TokenType[] | undefined) =>
  JSON.stringify({ expected: types === undefined ? null : describeExpected(types) });

export const syntaxErrorMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => payload([expected]),
  buildNotAllInputParsedMessage: () => payload(undefined),
  buildNoViableAltMessage: ({ expectedPathsPerAlt }) =>
    payload(expectedPathsPerAlt.flatMap((alt) => alt.map((path) => path[0]).filter((t) => t !== undefined))),
  buildEarlyExitMessage: ({ expectedIterationPaths }) =>
    payload(expectedIterationPaths.map((path) => path[0]).filter((t) => t !== undefined)),
};

function describeActual(token: IToken): string {
  if (token.tokenType === EOF) return 'end of statement';
  if (token.tokenType === StringLiteral)
    return `string ${token.image.length > 40 ? `${token.image.slice(0, 37)}…'` : token.image}`;
  return `'${token.image}'`;
}

const STATEMENT_KEYWORDS = [
  'SELECT',
  'INSERT',
  'CREATE',
  'DROP',
  'SET',
  'RESET',
  'EXPLAIN',
  'SHOW',
  'DESCRIBE',
  'WITH',
  'VALUES',
];

/** Clause keywords that a misspelling turns into an alias, so the error surfaces one token later. */
const CLAUSE_KEYWORDS = ['FROM', 'WHERE', 'GROUP', 'HAVING', 'ORDER', 'LIMIT', 'UNION', 'SELECT', 'VALUES'];

/** A transposition or a one-letter slip of a clause keyword, e.g. FORM, WHRE, GRUOP. */
function misspelledClauseKeyword(word: string): string | undefined {
  const upper = word.toUpperCase();
  if (upper.length < 3) return undefined;
  const sorted = (s: string) => [...s].sort().join('');
  for (const k of CLAUSE_KEYWORDS) {
    if (k === upper) return undefined;
    if (k.length === upper.length && sorted(k) === sorted(upper) && k[0] === upper[0]) return k;
    if (Math.abs(k.length - upper.length) === 1 && k[0] === upper[0]) {
      const [short, long] = k.length < upper.length ? [k, upper] : [upper, k];
      for (let i = 0; i < long.length; i++) {
        if (long.slice(0, i) + long.slice(i + 1) === short) return k;
      }
    }
  }
  return undefined;
}

/** Closest expected keyword to a word, when it is plausibly a typo of one. */
function keywordSuggestion(word: string, expected: readonly string[]): string | undefined {
  const upper = word.toUpperCase();
  if (upper.length < 3) return undefined;
  const candidates = expected.includes('a data type') ? [...expected, ...TYPE_NAMES] : expected;
  const keywords = candidates.filter((e) => /^[A-Z_]+$/.test(e) && e !== upper);
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(upper.length / 3)) + 1;
  for (const k of keywords) {
    const d = distance(upper, k);
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Damerau–Levenshtein (optimal string alignment): a swapped pair of letters counts as one edit. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...new Array<number>(b.length).fill(0),
  ]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

function tokenPosition(token: IToken): Pos {
  return {
    offset: token.startOffset,
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
    length: token.image.length,
  };
}

export interface SyntaxErrorContext {
  /** The statement's tokens, without the terminating ';'. */
  readonly tokens: readonly IToken[];
  /** Where the statement ends: its ';' or the end of the script. */
  readonly end: Pos;
  /** What may follow `tokens.slice(0, index)`, for errors chevrotain reports without expectations. */
  readonly expectedAfter: (index: number) => string[];
}

/**
 * Flink SQL that weir's grammar does not take, by the words that start it: a statement that fails
 * to parse at or after one of them is rejected as that feature, not as a typo.
 */
const UNSUPPORTED_SYNTAX: readonly { words: readonly string[]; feature: string; hint?: string }[] = [
  { words: ['MATCH_RECOGNIZE'], feature: 'MATCH_RECOGNIZE (pattern recognition)' },
  { words: ['INTERSECT'], feature: 'INTERSECT', hint: 'write it as an IN / EXISTS subquery' },
  { words: ['EXCEPT'], feature: 'EXCEPT', hint: 'write it as a NOT IN / NOT EXISTS subquery' },
  { words: ['MINUS'], feature: 'MINUS (EXCEPT)', hint: 'write it as a NOT IN / NOT EXISTS subquery' },
  { words: ['GROUPING', 'SETS'], feature: 'GROUPING SETS', hint: 'UNION ALL one GROUP BY per grouping set' },
  {
    words: ['NATURAL'],
    feature: 'NATURAL JOIN',
    hint: 'join with ON and the equalities of the common columns',
  },
  { words: ['USING'], feature: 'JOIN … USING', hint: 'write the equalities with ON' },
  { words: ['LATERAL'], feature: 'LATERAL (table functions and correlated subqueries in FROM)' },
  { words: ['FETCH'], feature: 'FETCH FIRST … ROWS', hint: 'rank with ROW_NUMBER() … WHERE rn <= N (Top-N)' },
  { words: ['TABLESAMPLE'], feature: 'TABLESAMPLE' },
  { words: ['ANY', '('], feature: 'Quantified comparison with a subquery (ANY)' },
  { words: ['SOME', '('], feature: 'Quantified comparison with a subquery (SOME)' },
  { words: ['ALL', '('], feature: 'Quantified comparison with a subquery (ALL)' },
  { words: ['ARRAY', '['], feature: 'The ARRAY value constructor (ARRAY[…])' },
  { words: ['ARRAY', '('], feature: 'The ARRAY value constructor (ARRAY(…))' },
  { words: ['MAP', '['], feature: 'The MAP value constructor (MAP[…])' },
  { words: ['ROW', '('], feature: 'The ROW value constructor (ROW(…))' },
];

/**
 * The unsupported feature whose words start at the error or just before it (where the grammar took
 * the feature's first word for a name: `t MATCH_RECOGNIZE (…`, `a = ANY (SELECT …`), if any.
 */
function unsupportedSyntax(tokens: readonly IToken[], index: number): WeirError | undefined {
  const words = tokens.map((t) => t.image.toUpperCase());
  for (let i = Math.max(0, index - 2); i <= Math.min(index, tokens.length - 1); i++) {
    if (tokens[i].tokenType.name === 'Hint')
      return new WeirError('SQL_UNSUPPORTED', 'SQL hints (/*+ … */) are not supported yet', {
        position: tokenPosition(tokens[i]),
        hint: "set table options in CREATE TABLE's WITH clause (or with CREATE TABLE … LIKE) instead of OPTIONS hints",
      });
    const found = UNSUPPORTED_SYNTAX.find((u) => u.words.every((w, k) => words[i + k] === w));
    if (found)
      return new WeirError('SQL_UNSUPPORTED', `${found.feature} is not supported yet`, {
        position: tokenPosition(tokens[i]),
        hint: found.hint,
      });
  }
  return undefined;
}

export function toSyntaxError(err: IRecognitionException, ctx: SyntaxErrorContext): WeirError {
  {
    const at = err.token.tokenType === EOF ? ctx.tokens.length : ctx.tokens.indexOf(err.token);
    const unsupported = unsupportedSyntax(ctx.tokens, at < 0 ? ctx.tokens.length : at);
    if (unsupported) return unsupported;
  }
  let expected: string[] | null = null;
  try {
    expected = (JSON.parse(err.message) as { expected: string[] | null }).expected;
  } catch {
    // A message from a code path that bypasses the provider: keep no expectations.
  }
  const token = err.token;
  const atEnd = token.tokenType === EOF;
  const index = atEnd ? ctx.tokens.length : ctx.tokens.indexOf(token);

  const previous = index > 0 ? ctx.tokens[index - 1] : undefined;
  if (
    previous &&
    previous.tokenType === Identifier &&
    (index < 2 || ctx.tokens[index - 2].image.toUpperCase() !== 'AS')
  ) {
    const keyword = misspelledClauseKeyword(previous.image);
    if (keyword) {
      return new WeirError('SQL_PARSE', `Unexpected '${previous.image}'`, {
        position: tokenPosition(previous),
        hint: `did you mean ${keyword}?`,
      });
    }
  }

  if (index === 0 && !atEnd) {
    const suggestion = keywordSuggestion(token.image, STATEMENT_KEYWORDS);
    return new WeirError(
      'SQL_PARSE',
      `Unexpected ${describeActual(token)}, expected a statement such as SELECT, INSERT INTO, CREATE TABLE or SET`,
      { position: tokenPosition(token), hint: suggestion ? `did you mean ${suggestion}?` : undefined },
    );
  }
  if (expected === null && index >= 0) expected = ctx.expectedAfter(index);
  const list = expected && expected.length > 0 ? `, expected ${formatAlternatives(expected)}` : '';
  const message = `Unexpected ${describeActual(token)}${list}`;
  let hint: string | undefined;
  if (!atEnd && expected) {
    const suggestion = keywordSuggestion(token.image, expected);
    if (suggestion) hint = `did you mean ${suggestion}?`;
    else if (KEYWORD_TYPES.has(token.tokenType) && expected.includes('an identifier'))
      hint = `${token.image.toUpperCase()} is a reserved keyword; write \`${token.image}\` to use it as a name`;
  }
  return new WeirError('SQL_PARSE', message, { position: atEnd ? ctx.end : tokenPosition(token), hint });
}
