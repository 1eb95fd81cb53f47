import { WeirError } from '../../common/errors.js';
import { createToken, type IToken, Lexer, SKIP_GRAMMAR_VALIDATIONS, type TokenType } from './chevrotain.js';

/**
 * Flink SQL's lexical rules. Keywords are not lexer patterns: every word lexes as an Identifier and
 * is then re-tagged from a keyword table, which keeps the lexer to a couple of dozen patterns
 * (fast, and no longest-match ordering puzzles between INT, INTO, INTERVAL, INTEGER …).
 */

/** Matches any identifier: plain, backquoted, or a non-reserved keyword. */
export const IdentifierLike = createToken({ name: 'IdentifierLike', pattern: Lexer.NA });
/** Category shared by every keyword, for error messages. */
export const Keyword = createToken({ name: 'Keyword', pattern: Lexer.NA });

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({ name: 'LineComment', pattern: /--[^\n\r]*/, group: Lexer.SKIPPED });
/**
 * A SQL hint (a block comment opening with a plus, e.g. OPTIONS(…)): Flink reads it (dynamic table
 * options, join hints); weir does not, so it is a token the parser rejects by name rather than a
 * comment silently skipped.
 */
export const Hint = createToken({
  name: 'Hint',
  pattern: /\/\*\+[\s\S]*?\*\//,
  label: 'a hint',
  line_breaks: true,
});
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[\s\S]*/,
  line_breaks: true,
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /'(?:[^']|'')*'/,
  line_breaks: true,
});
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /'(?:[^']|'')*/,
  line_breaks: true,
});
export const QuotedIdentifier = createToken({
  name: 'QuotedIdentifier',
  pattern: /`(?:[^`]|``)*`/,
  line_breaks: true,
  categories: [IdentifierLike],
});
export const UnterminatedQuotedIdentifier = createToken({
  name: 'UnterminatedQuotedIdentifier',
  pattern: /`(?:[^`]|``)*/,
  line_breaks: true,
});
export const DoubleQuoted = createToken({
  name: 'DoubleQuoted',
  pattern: /"(?:[^"]|"")*"?/,
  line_breaks: true,
});
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/,
});
export const Identifier = createToken({
  name: 'Identifier',
  pattern: /[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*/,
  categories: [IdentifierLike],
});

/** `=>` of a named argument, `SIZE => INTERVAL '10' SECOND`. */
export const Arrow = createToken({ name: 'Arrow', pattern: '=>', label: "'=>'" });
export const NotEquals = createToken({ name: 'NotEquals', pattern: /<>|!=/, label: "'<>'" });
export const LessEquals = createToken({ name: 'LessEquals', pattern: '<=', label: "'<='" });
export const GreaterEquals = createToken({ name: 'GreaterEquals', pattern: '>=', label: "'>='" });
export const Less = createToken({ name: 'Less', pattern: '<', label: "'<'" });
export const Greater = createToken({ name: 'Greater', pattern: '>', label: "'>'" });
export const Equals = createToken({ name: 'Equals', pattern: '=', label: "'='" });
export const Concat = createToken({ name: 'Concat', pattern: '||', label: "'||'" });
export const Plus = createToken({ name: 'Plus', pattern: '+', label: "'+'" });
export const Minus = createToken({ name: 'Minus', pattern: '-', label: "'-'" });
export const Star = createToken({ name: 'Star', pattern: '*', label: "'*'" });
export const Slash = createToken({ name: 'Slash', pattern: '/', label: "'/'" });
export const Percent = createToken({ name: 'Percent', pattern: '%', label: "'%'" });
export const LParen = createToken({ name: 'LParen', pattern: '(', label: "'('" });
export const RParen = createToken({ name: 'RParen', pattern: ')', label: "')'" });
export const LBracket = createToken({ name: 'LBracket', pattern: '[', label: "'['" });
export const RBracket = createToken({ name: 'RBracket', pattern: ']', label: "']'" });
export const Comma = createToken({ name: 'Comma', pattern: ',', label: "','" });
export const Dot = createToken({ name: 'Dot', pattern: '.', label: "'.'" });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';', label: "';'" });
export const UnknownChar = createToken({ name: 'UnknownChar', pattern: /[\s\S]/ });

/**
 * Reserved words cannot be used as plain identifiers (as in Flink, backquote them); the others are
 * keywords only where the grammar expects them.
 */
const RESERVED = [
  'ALL',
  'AND',
  'ARRAY',
  'AS',
  'BETWEEN',
  'BIGINT',
  'BINARY',
  'BOOLEAN',
  'BY',
  'CASE',
  'CAST',
  'CHAR',
  'CHARACTER',
  'CREATE',
  'CURRENT_DATE',
  'CURRENT_TIME',
  'CURRENT_TIMESTAMP',
  'DATE',
  'DEC',
  'DECIMAL',
  'DESCRIBE',
  'DISTINCT',
  'DOUBLE',
  'DROP',
  'ELSE',
  'END',
  'ESCAPE',
  'EXISTS',
  'EXPLAIN',
  'FALSE',
  'FLOAT',
  'FOR',
  'FROM',
  'GROUP',
  'HAVING',
  'IN',
  'INSERT',
  'INT',
  'INTEGER',
  'INTERVAL',
  'INTO',
  'IS',
  'LIKE',
  'LIMIT',
  'LOCALTIME',
  'LOCALTIMESTAMP',
  'MAP',
  'MULTISET',
  'NOT',
  'NULL',
  'NUMERIC',
  'OFFSET',
  'ON',
  'OR',
  'ORDER',
  'PRECISION',
  'PRIMARY',
  'REAL',
  'RESET',
  'ROW',
  'SELECT',
  'SET',
  'SHOW',
  'SMALLINT',
  'TABLE',
  'THEN',
  'TIME',
  'TIMESTAMP',
  'TINYINT',
  'TRUE',
  'TRY_CAST',
  'UNION',
  'UNNEST',
  'NATURAL',
  'UNKNOWN',
  'VALUES',
  'VARBINARY',
  'VARCHAR',
  'WHEN',
  'WHERE',
  'WITH',
  'WITHOUT',
  'CROSS',
  'CURRENT',
  'FULL',
  'FUNCTION',
  'INNER',
  'JOIN',
  'LEFT',
  'OF',
  'OUTER',
  'OVER',
  'PARTITION',
  'RANGE',
  'RIGHT',
  'ROWS',
  'SYSTEM_TIME',
  'UNBOUNDED',
  'WINDOW',
] as const;

const NON_RESERVED = [
  'ASC',
  'BYTES',
  'COMMENT',
  'DAY',
  'DESC',
  'ENFORCED',
  'FILTER',
  'FIRST',
  'HOUR',
  'IF',
  'KEY',
  'LAST',
  'LOCAL',
  'METADATA',
  'MINUTE',
  'MONTH',
  'NULLS',
  'OVERWRITE',
  'PARTITIONED',
  'PLAN',
  'SECOND',
  'STRING',
  'TABLES',
  'TEMPORARY',
  'TIMESTAMP_LTZ',
  'TO',
  'VARYING',
  'VIEW',
  'VIEWS',
  'VIRTUAL',
  'WATERMARK',
  'YEAR',
  'ZONE',
  'FOLLOWING',
  'LANGUAGE',
  'PRECEDING',
  'INCLUDING',
  'EXCLUDING',
  'OVERWRITING',
  'CONSTRAINTS',
  'PARTITIONS',
  'GENERATED',
  'OPTIONS',
  'WATERMARKS',
  'SYSTEM',
  'USING',
  'JAR',
  'ALTER',
  'RENAME',
  'USE',
  'CATALOG',
  'ORDINALITY',
] as const;

export type KeywordName = (typeof RESERVED)[number] | (typeof NON_RESERVED)[number];

/** Keyword token types by upper-case spelling. */
export const KEYWORDS = new Map<string, TokenType>();
for (const name of RESERVED) {
  KEYWORDS.set(name, createToken({ name, pattern: Lexer.NA, label: name, categories: [Keyword] }));
}
for (const name of NON_RESERVED) {
  KEYWORDS.set(
    name,
    createToken({ name, pattern: Lexer.NA, label: name, categories: [Keyword, IdentifierLike] }),
  );
}

export function kw(name: KeywordName): TokenType {
  return KEYWORDS.get(name)!;
}

export function isReservedWord(word: string): boolean {
  return (RESERVED as readonly string[]).includes(word.toUpperCase());
}

export function isKeyword(word: string): boolean {
  return KEYWORDS.has(word.toUpperCase());
}

const LEXER_TOKENS: TokenType[] = [
  WhiteSpace,
  LineComment,
  Hint,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  QuotedIdentifier,
  UnterminatedQuotedIdentifier,
  DoubleQuoted,
  NumberLiteral,
  Identifier,
  Arrow,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
  Concat,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  Semicolon,
  UnknownChar,
];

/** Every token type the parser may see (the lexer's, the keywords and the categories). */
export const ALL_TOKENS: TokenType[] = [IdentifierLike, Keyword, ...LEXER_TOKENS, ...KEYWORDS.values()];

const lexer = new Lexer(LEXER_TOKENS, {
  positionTracking: 'full',
  ensureOptimizations: !SKIP_GRAMMAR_VALIDATIONS,
  skipValidations: SKIP_GRAMMAR_VALIDATIONS,
});

function lexError(message: string, token: IToken, length: number, hint?: string): WeirError {
  return new WeirError('SQL_PARSE', message, {
    position: {
      offset: token.startOffset,
      line: token.startLine ?? 1,
      column: token.startColumn ?? 1,
      length,
    },
    hint,
  });
}

/**
 * Splits text into tokens with 1-based lines and columns into `text`; comments and white space are
 * dropped. Malformed tokens (unterminated strings, double quotes, stray characters) are SQL_PARSE
 * errors here, so the parser only ever sees well-formed tokens.
 */
export function tokenize(text: string): IToken[] {
  const { tokens, errors } = lexer.tokenize(text);
  if (errors.length > 0) {
    const e = errors[0];
    throw new WeirError('SQL_PARSE', `Unexpected character '${text.charAt(e.offset)}'`, {
      position: { offset: e.offset, line: e.line ?? 1, column: e.column ?? 1, length: 1 },
    });
  }
  for (const token of tokens) {
    const type = token.tokenType;
    if (type === Identifier) {
      const keyword = KEYWORDS.get(token.image.toUpperCase());
      if (keyword) {
        token.tokenType = keyword;
        token.tokenTypeIdx = keyword.tokenTypeIdx!;
      }
    } else if (type === UnterminatedString) {
      throw lexError('Unterminated string literal', token, 1, "close it with ' (write '' for a quote)");
    } else if (type === UnterminatedQuotedIdentifier) {
      throw lexError(
        'Unterminated quoted identifier',
        token,
        1,
        'close it with ` (write `` for a backquote)',
      );
    } else if (type === UnterminatedComment) {
      throw lexError('Unterminated comment', token, 2, 'close it with */');
    } else if (type === DoubleQuoted) {
      throw lexError(
        `Unexpected ${token.image.length > 30 ? 'double-quoted text' : token.image}`,
        token,
        token.image.length,
        "use 'single quotes' for strings and `backquotes` for identifiers",
      );
    } else if (type === UnknownChar) {
      throw lexError(`Unexpected character '${token.image}'`, token, 1);
    }
  }
  return tokens;
}

/** The text of a string literal token, with '' unescaped. */
export function stringValue(image: string): string {
  return image.slice(1, -1).replace(/''/g, "'");
}

/** The name an identifier token stands for: backquotes removed and `` unescaped. */
export function identifierValue(token: IToken): string {
  return token.tokenType === QuotedIdentifier ? token.image.slice(1, -1).replace(/``/g, '`') : token.image;
}
