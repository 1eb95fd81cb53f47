import { WeirError } from '../../common/errors.js';
import { type LogicalType, MAX_LENGTH, type RowField, Types } from '../../common/types.js';
import type * as A from './ast.js';
import {
  EmbeddedActionsParser,
  type IToken,
  SKIP_GRAMMAR_VALIDATIONS,
  type TokenType,
  tokenMatcher,
} from './chevrotain.js';
import { syntaxErrorMessages } from './errors.js';
import {
  ALL_TOKENS,
  Arrow,
  Comma,
  Concat,
  Dot,
  Equals,
  Greater,
  GreaterEquals,
  Identifier,
  IdentifierLike,
  identifierValue,
  kw,
  Less,
  LessEquals,
  LParen,
  Minus,
  NotEquals,
  NumberLiteral,
  Percent,
  Plus,
  RParen,
  Slash,
  Star,
  StringLiteral,
  stringValue,
} from './lexer.js';

/**
 * The Flink SQL grammar, building the AST directly (no CST). One rule per statement kind, listed
 * in `statement`; adding a statement is a rule and a line there.
 *
 * Rules run twice in chevrotain's life: once while it records the grammar (tokens are dummies,
 * sub-rules return nothing) and then for real. Code that looks inside parsed values is wrapped in
 * ACTION so it only runs for real.
 */

const K = {
  ON: kw('ON'),
  CROSS: kw('CROSS'),
  CURRENT: kw('CURRENT'),
  FULL: kw('FULL'),
  FUNCTION: kw('FUNCTION'),
  SYSTEM: kw('SYSTEM'),
  USING: kw('USING'),
  JAR: kw('JAR'),
  ALTER: kw('ALTER'),
  RENAME: kw('RENAME'),
  USE: kw('USE'),
  CATALOG: kw('CATALOG'),
  INNER: kw('INNER'),
  JOIN: kw('JOIN'),
  LEFT: kw('LEFT'),
  OF: kw('OF'),
  OUTER: kw('OUTER'),
  OVER: kw('OVER'),
  PARTITION: kw('PARTITION'),
  RANGE: kw('RANGE'),
  RIGHT: kw('RIGHT'),
  ROWS: kw('ROWS'),
  SYSTEM_TIME: kw('SYSTEM_TIME'),
  FOLLOWING: kw('FOLLOWING'),
  LANGUAGE: kw('LANGUAGE'),
  PRECEDING: kw('PRECEDING'),
  UNBOUNDED: kw('UNBOUNDED'),
  WINDOW: kw('WINDOW'),
  ALL: kw('ALL'),
  INCLUDING: kw('INCLUDING'),
  EXCLUDING: kw('EXCLUDING'),
  OVERWRITING: kw('OVERWRITING'),
  CONSTRAINTS: kw('CONSTRAINTS'),
  PARTITIONS: kw('PARTITIONS'),
  GENERATED: kw('GENERATED'),
  OPTIONS: kw('OPTIONS'),
  WATERMARKS: kw('WATERMARKS'),
  ORDINALITY: kw('ORDINALITY'),
  AND: kw('AND'),
  ARRAY: kw('ARRAY'),
  AS: kw('AS'),
  ASC: kw('ASC'),
  BETWEEN: kw('BETWEEN'),
  BIGINT: kw('BIGINT'),
  BINARY: kw('BINARY'),
  BOOLEAN: kw('BOOLEAN'),
  BY: kw('BY'),
  BYTES: kw('BYTES'),
  CASE: kw('CASE'),
  CAST: kw('CAST'),
  CHAR: kw('CHAR'),
  CHARACTER: kw('CHARACTER'),
  COMMENT: kw('COMMENT'),
  CREATE: kw('CREATE'),
  CURRENT_DATE: kw('CURRENT_DATE'),
  CURRENT_TIME: kw('CURRENT_TIME'),
  CURRENT_TIMESTAMP: kw('CURRENT_TIMESTAMP'),
  DATE: kw('DATE'),
  DAY: kw('DAY'),
  DEC: kw('DEC'),
  DECIMAL: kw('DECIMAL'),
  DESC: kw('DESC'),
  DESCRIBE: kw('DESCRIBE'),
  DISTINCT: kw('DISTINCT'),
  DOUBLE: kw('DOUBLE'),
  DROP: kw('DROP'),
  ELSE: kw('ELSE'),
  END: kw('END'),
  ENFORCED: kw('ENFORCED'),
  ESCAPE: kw('ESCAPE'),
  EXISTS: kw('EXISTS'),
  EXPLAIN: kw('EXPLAIN'),
  FALSE: kw('FALSE'),
  FILTER: kw('FILTER'),
  FIRST: kw('FIRST'),
  FLOAT: kw('FLOAT'),
  FOR: kw('FOR'),
  FROM: kw('FROM'),
  GROUP: kw('GROUP'),
  HAVING: kw('HAVING'),
  HOUR: kw('HOUR'),
  IF: kw('IF'),
  IN: kw('IN'),
  INSERT: kw('INSERT'),
  INT: kw('INT'),
  INTEGER: kw('INTEGER'),
  INTERVAL: kw('INTERVAL'),
  INTO: kw('INTO'),
  IS: kw('IS'),
  KEY: kw('KEY'),
  LAST: kw('LAST'),
  LIKE: kw('LIKE'),
  LIMIT: kw('LIMIT'),
  LOCAL: kw('LOCAL'),
  LOCALTIME: kw('LOCALTIME'),
  LOCALTIMESTAMP: kw('LOCALTIMESTAMP'),
  MAP: kw('MAP'),
  METADATA: kw('METADATA'),
  MINUTE: kw('MINUTE'),
  MONTH: kw('MONTH'),
  MULTISET: kw('MULTISET'),
  NOT: kw('NOT'),
  NULL: kw('NULL'),
  NULLS: kw('NULLS'),
  NUMERIC: kw('NUMERIC'),
  OFFSET: kw('OFFSET'),
  OR: kw('OR'),
  ORDER: kw('ORDER'),
  OVERWRITE: kw('OVERWRITE'),
  PARTITIONED: kw('PARTITIONED'),
  PLAN: kw('PLAN'),
  PRECISION: kw('PRECISION'),
  PRIMARY: kw('PRIMARY'),
  REAL: kw('REAL'),
  RESET: kw('RESET'),
  ROW: kw('ROW'),
  SECOND: kw('SECOND'),
  SELECT: kw('SELECT'),
  SET: kw('SET'),
  SHOW: kw('SHOW'),
  SMALLINT: kw('SMALLINT'),
  STRING: kw('STRING'),
  TABLE: kw('TABLE'),
  TABLES: kw('TABLES'),
  TEMPORARY: kw('TEMPORARY'),
  THEN: kw('THEN'),
  TIME: kw('TIME'),
  TIMESTAMP: kw('TIMESTAMP'),
  TIMESTAMP_LTZ: kw('TIMESTAMP_LTZ'),
  TINYINT: kw('TINYINT'),
  TO: kw('TO'),
  TRUE: kw('TRUE'),
  TRY_CAST: kw('TRY_CAST'),
  UNION: kw('UNION'),
  UNNEST: kw('UNNEST'),
  UNKNOWN: kw('UNKNOWN'),
  VALUES: kw('VALUES'),
  VARBINARY: kw('VARBINARY'),
  VARCHAR: kw('VARCHAR'),
  VARYING: kw('VARYING'),
  VIEW: kw('VIEW'),
  VIEWS: kw('VIEWS'),
  VIRTUAL: kw('VIRTUAL'),
  WATERMARK: kw('WATERMARK'),
  WHEN: kw('WHEN'),
  WHERE: kw('WHERE'),
  WITH: kw('WITH'),
  WITHOUT: kw('WITHOUT'),
  YEAR: kw('YEAR'),
  ZONE: kw('ZONE'),
};

export function tokenPos(token: IToken): A.Pos {
  return {
    offset: token.startOffset,
    line: token.startLine ?? 1,
    column: token.startColumn ?? 1,
    length: token.image.length,
  };
}

export function spanPos(start: IToken, end: IToken): A.Pos {
  // While chevrotain records the grammar, rule arguments are absent.
  if (start === undefined || end === undefined) return { offset: 0, line: 1, column: 1, length: 0 };
  const last = end.endOffset ?? end.startOffset + end.image.length - 1;
  return {
    offset: start.startOffset,
    line: start.startLine ?? 1,
    column: start.startColumn ?? 1,
    length: Math.max(1, last + 1 - start.startOffset),
  };
}

/** Tokens a query may start with (after `(`: a subquery rather than a parenthesized value). */
function isQueryStart(t: TokenType): boolean {
  return t === K.SELECT || t === K.VALUES || t === K.WITH;
}

function syntaxError(message: string, pos: A.Pos, hint?: string): WeirError {
  return new WeirError('SQL_PARSE', message, { position: pos, hint });
}

type TableElement =
  | { readonly kind: 'column'; readonly column: A.ColumnDef; readonly primaryKey?: A.PrimaryKeyDef }
  | { readonly kind: 'watermark'; readonly watermark: A.WatermarkDef }
  | { readonly kind: 'primaryKey'; readonly primaryKey: A.PrimaryKeyDef };

const TIME_UNITS: readonly TokenType[] = [K.YEAR, K.MONTH, K.DAY, K.HOUR, K.MINUTE, K.SECOND];
const PLURAL_TIME_UNITS: ReadonlySet<string> = new Set([
  'YEARS',
  'MONTHS',
  'DAYS',
  'HOURS',
  'MINUTES',
  'SECONDS',
]);

export class FlinkSqlParser extends EmbeddedActionsParser {
  constructor() {
    super(ALL_TOKENS, {
      maxLookahead: 3,
      errorMessageProvider: syntaxErrorMessages,
      skipValidations: SKIP_GRAMMAR_VALIDATIONS,
    });
    this.performSelfAnalysis();
  }

  private span(start: IToken): A.Pos {
    return spanPos(start, this.LA(0));
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  public statement = this.RULE('statement', (): A.Statement => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.create) },
      { ALT: () => this.SUBRULE(this.dropObject) },
      { ALT: () => this.SUBRULE(this.alterTable) },
      { ALT: () => this.SUBRULE(this.use) },
      { ALT: () => this.SUBRULE(this.setStatement) },
      { ALT: () => this.SUBRULE(this.resetStatement) },
      { ALT: () => this.SUBRULE(this.insert) },
      { ALT: () => this.SUBRULE(this.explain) },
      { ALT: () => this.SUBRULE(this.showTables) },
      { ALT: () => this.SUBRULE(this.describe) },
      { ALT: () => this.SUBRULE(this.queryStatement) },
    ]);
  });

  /** CREATE [TEMPORARY] then one rule per kind of object. */
  private create = this.RULE('create', (): A.CreateTable | A.CreateView | A.CreateFunction => {
    const start = this.CONSUME(K.CREATE);
    const temporary = this.OPTION(() => this.CONSUME(K.TEMPORARY)) !== undefined;
    let system: IToken | undefined;
    this.OPTION2(() => {
      system = this.CONSUME(K.SYSTEM);
    });
    const created = this.OR([
      { ALT: () => this.SUBRULE(this.createTable, { ARGS: [start, temporary] }) },
      { ALT: () => this.SUBRULE(this.createView, { ARGS: [start, temporary] }) },
      { ALT: () => this.SUBRULE(this.createFunction, { ARGS: [start, temporary, system !== undefined] }) },
    ]);
    this.ACTION(() => {
      if (system && (!temporary || created.kind !== 'CreateFunction'))
        throw new WeirError('SQL_PARSE', 'SYSTEM is only allowed in CREATE TEMPORARY SYSTEM FUNCTION', {
          position: tokenPos(system),
        });
    });
    return created;
  });

  /** `CREATE [TEMPORARY [SYSTEM]] FUNCTION [IF NOT EXISTS] name AS 'identifier' [LANGUAGE l] [USING JAR 'a.jar', …]`. */
  private createFunction = this.RULE(
    'createFunction',
    (start: IToken, temporary: boolean, system: boolean): A.CreateFunction => {
      this.CONSUME(K.FUNCTION);
      const ifNotExists = this.SUBRULE(this.ifNotExists);
      const name = this.SUBRULE(this.qualifiedName);
      this.CONSUME(K.AS);
      const className = this.CONSUME(StringLiteral);
      let language: string | undefined;
      this.OPTION(() => {
        this.CONSUME(K.LANGUAGE);
        language = this.SUBRULE(this.ident).value;
      });
      const jars: string[] = [];
      this.OPTION2(() => {
        this.CONSUME(K.USING);
        this.AT_LEAST_ONE_SEP({
          SEP: Comma,
          DEF: () => {
            this.CONSUME(K.JAR);
            const jar = this.CONSUME2(StringLiteral);
            this.ACTION(() => jars.push(stringValue(jar.image)));
          },
        });
      });
      return {
        kind: 'CreateFunction',
        temporary,
        system,
        ifNotExists,
        name,
        className: this.ACTION(() => stringValue(className.image)),
        language: this.ACTION(() => language?.toUpperCase()),
        jars,
        pos: this.span(start),
      };
    },
  );

  private createTable = this.RULE('createTable', (start: IToken, temporary: boolean): A.CreateTable => {
    this.CONSUME(K.TABLE);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = this.SUBRULE(this.qualifiedName);
    const elements: TableElement[] = [];
    // The column list may be left out when the table is LIKE another.
    this.OPTION(() => {
      this.CONSUME(LParen);
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => elements.push(this.SUBRULE(this.tableElement)) });
      this.CONSUME(RParen);
    });
    let comment: string | undefined;
    this.OPTION2(() => {
      this.CONSUME(K.COMMENT);
      const t = this.CONSUME(StringLiteral);
      comment = this.ACTION(() => stringValue(t.image));
    });
    const partitionedBy: A.Ident[] = [];
    this.OPTION3(() => {
      this.CONSUME(K.PARTITIONED);
      this.CONSUME(K.BY);
      this.CONSUME2(LParen);
      this.AT_LEAST_ONE_SEP2({ SEP: Comma, DEF: () => partitionedBy.push(this.SUBRULE(this.ident)) });
      this.CONSUME2(RParen);
    });
    let options: A.TableOption[] = [];
    this.OPTION4(() => {
      options = this.SUBRULE(this.withOptions);
    });
    let like: A.LikeClause | undefined;
    this.OPTION5(() => {
      like = this.SUBRULE(this.likeClause);
    });
    let asQuery: A.Query | undefined;
    let asToken: IToken | undefined;
    this.OPTION6(() => {
      asToken = this.CONSUME(K.AS);
      asQuery = this.SUBRULE(this.query);
    });
    return this.ACTION(() => {
      if (asQuery && (elements.length > 0 || like))
        throw syntaxError(
          `CREATE TABLE AS SELECT with ${like ? 'LIKE' : 'a column list'} is not supported yet`,
          tokenPos(asToken!),
          'let the query define the columns: CREATE TABLE t WITH (…) AS SELECT …',
        );
      if (elements.length === 0 && !like && !asQuery)
        throw syntaxError('CREATE TABLE needs a column list, LIKE another table, or AS SELECT', name.pos);
      const columns: A.ColumnDef[] = [];
      let watermark: A.WatermarkDef | undefined;
      let primaryKey: A.PrimaryKeyDef | undefined;
      for (const e of elements) {
        switch (e.kind) {
          case 'column':
            columns.push(e.column);
            if (e.primaryKey) {
              if (primaryKey) throw syntaxError('Duplicate primary key definition', e.primaryKey.pos);
              primaryKey = e.primaryKey;
            }
            break;
          case 'watermark':
            if (watermark)
              throw syntaxError('Multiple WATERMARK definitions are not supported yet', e.watermark.pos);
            watermark = e.watermark;
            break;
          case 'primaryKey':
            if (primaryKey) throw syntaxError('Duplicate primary key definition', e.primaryKey.pos);
            primaryKey = e.primaryKey;
            break;
          default: {
            const never: never = e;
            return never;
          }
        }
      }
      return {
        kind: 'CreateTable',
        temporary,
        ifNotExists,
        name,
        columns,
        watermark,
        primaryKey,
        comment,
        partitionedBy,
        options,
        ...(like ? { like } : {}),
        ...(asQuery ? { asQuery } : {}),
        pos: this.span(start),
      };
    });
  });

  /** `LIKE source (INCLUDING ALL EXCLUDING OPTIONS …)`, Flink's like options separated by spaces. */
  private likeClause = this.RULE('likeClause', (): A.LikeClause => {
    const start = this.CONSUME(K.LIKE);
    const source = this.SUBRULE(this.qualifiedName);
    const options: A.LikeOption[] = [];
    this.OPTION(() => {
      this.CONSUME(LParen);
      this.AT_LEAST_ONE(() => {
        const strategy = this.OR([
          { ALT: () => this.CONSUME(K.INCLUDING) },
          { ALT: () => this.CONSUME(K.EXCLUDING) },
          { ALT: () => this.CONSUME(K.OVERWRITING) },
        ]);
        const feature = this.OR2([
          { ALT: () => this.CONSUME(K.ALL) },
          { ALT: () => this.CONSUME(K.CONSTRAINTS) },
          { ALT: () => this.CONSUME(K.PARTITIONS) },
          { ALT: () => this.CONSUME(K.GENERATED) },
          { ALT: () => this.CONSUME(K.OPTIONS) },
          { ALT: () => this.CONSUME(K.WATERMARKS) },
          { ALT: () => this.CONSUME(K.METADATA) },
        ]);
        this.ACTION(() =>
          options.push({
            strategy: strategy.image.toUpperCase() as A.LikeOption['strategy'],
            feature: feature.image.toUpperCase() as A.LikeFeature,
            pos: tokenPos(strategy),
          }),
        );
      });
      this.CONSUME(RParen);
    });
    return { source, options, pos: this.span(start) };
  });

  private ifNotExists = this.RULE('ifNotExists', (): boolean => {
    let present = false;
    this.OPTION(() => {
      this.CONSUME(K.IF);
      this.CONSUME(K.NOT);
      this.CONSUME(K.EXISTS);
      present = true;
    });
    return present;
  });

  private tableElement = this.RULE('tableElement', (): TableElement => {
    // One token of lookahead, so that anything starting with a name is read as a column and a
    // mistake in its type is reported at the type, not at the name.
    return this.OR({
      MAX_LOOKAHEAD: 1,
      IGNORE_AMBIGUITIES: true,
      DEF: [
        {
          GATE: () => this.LA(1).tokenType === K.WATERMARK && this.LA(2).tokenType === K.FOR,
          ALT: () => {
            const start = this.CONSUME(K.WATERMARK);
            this.CONSUME(K.FOR);
            const column = this.SUBRULE(this.ident);
            this.CONSUME(K.AS);
            const expr = this.SUBRULE(this.expr);
            return { kind: 'watermark' as const, watermark: { column, expr, pos: this.span(start) } };
          },
        },
        {
          ALT: () => {
            const start = this.CONSUME(K.PRIMARY);
            this.CONSUME(K.KEY);
            this.CONSUME(LParen);
            const columns: A.Ident[] = [];
            this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => columns.push(this.SUBRULE2(this.ident)) });
            this.CONSUME(RParen);
            this.SUBRULE(this.notEnforced);
            return { kind: 'primaryKey' as const, primaryKey: { columns, pos: this.span(start) } };
          },
        },
        { ALT: () => this.SUBRULE(this.columnDef) },
      ],
    });
  });

  /** Flink does not own the data, so only NOT ENFORCED constraints exist; say so when it is missing. */
  private notEnforced = this.RULE('notEnforced', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.NOT);
          this.CONSUME(K.ENFORCED);
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME2(K.ENFORCED);
          this.ACTION(() => {
            throw syntaxError(
              "Flink doesn't support ENFORCED mode for PRIMARY KEY constraints",
              tokenPos(t),
              'write PRIMARY KEY (…) NOT ENFORCED: Flink does not own the data, so it cannot enforce the key',
            );
          });
        },
      },
    ]);
  });

  private columnDef = this.RULE('columnDef', (): TableElement => {
    const name = this.SUBRULE(this.ident);
    const start = this.LA(0);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.AS);
          const expr = this.SUBRULE(this.expr);
          const comment = this.SUBRULE(this.optionalComment);
          return this.ACTION(() => ({
            kind: 'column' as const,
            column: { kind: 'ComputedColumn' as const, name, expr, comment, pos: this.span(start) },
          }));
        },
      },
      {
        ALT: () => {
          const type = this.SUBRULE(this.dataType);
          return this.OR2([
            {
              ALT: () => {
                this.CONSUME(K.METADATA);
                let key: string | undefined;
                this.OPTION(() => {
                  this.CONSUME(K.FROM);
                  const t = this.CONSUME(StringLiteral);
                  key = this.ACTION(() => stringValue(t.image));
                });
                const virtual = this.OPTION2(() => this.CONSUME(K.VIRTUAL)) !== undefined;
                const comment = this.SUBRULE2(this.optionalComment);
                return this.ACTION(() => ({
                  kind: 'column' as const,
                  column: {
                    kind: 'MetadataColumn' as const,
                    name,
                    type,
                    key,
                    virtual,
                    comment,
                    pos: this.span(start),
                  },
                }));
              },
            },
            {
              ALT: () => {
                let primaryKey: A.PrimaryKeyDef | undefined;
                this.OPTION3(() => {
                  const pk = this.CONSUME(K.PRIMARY);
                  this.CONSUME(K.KEY);
                  this.SUBRULE(this.notEnforced);
                  primaryKey = this.ACTION(() => ({ columns: [name], pos: this.span(pk) }));
                });
                const comment = this.SUBRULE3(this.optionalComment);
                return this.ACTION(() => ({
                  kind: 'column' as const,
                  column: { kind: 'PhysicalColumn' as const, name, type, comment, pos: this.span(start) },
                  primaryKey,
                }));
              },
            },
          ]);
        },
      },
    ]);
  });

  private optionalComment = this.RULE('optionalComment', (): string | undefined => {
    let comment: string | undefined;
    this.OPTION(() => {
      this.CONSUME(K.COMMENT);
      const t = this.CONSUME(StringLiteral);
      comment = this.ACTION(() => stringValue(t.image));
    });
    return comment;
  });

  private withOptions = this.RULE('withOptions', (): A.TableOption[] => {
    this.CONSUME(K.WITH);
    return this.SUBRULE(this.optionList);
  });

  /** `('k' = 'v', …)`: table options, each key once. */
  private optionList = this.RULE('optionList', (): A.TableOption[] => {
    const options: A.TableOption[] = [];
    this.CONSUME(LParen);
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        const key = this.CONSUME(StringLiteral);
        this.CONSUME(Equals);
        const value = this.CONSUME2(StringLiteral);
        this.ACTION(() => {
          const k = stringValue(key.image);
          const previous = options.find((o) => o.key === k);
          if (previous)
            throw syntaxError(
              `Duplicate option '${k}'`,
              tokenPos(key),
              `it is already set at line ${previous.keyPos.line}`,
            );
          options.push({
            key: k,
            value: stringValue(value.image),
            keyPos: tokenPos(key),
            valuePos: tokenPos(value),
          });
        });
      },
    });
    this.CONSUME(RParen);
    return options;
  });

  private createView = this.RULE('createView', (start: IToken, temporary: boolean): A.CreateView => {
    this.CONSUME(K.VIEW);
    const ifNotExists = this.SUBRULE(this.ifNotExists);
    const name = this.SUBRULE(this.qualifiedName);
    let columns: A.Ident[] | undefined;
    this.OPTION2(() => {
      this.CONSUME(LParen);
      columns = [];
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => columns!.push(this.SUBRULE(this.ident)) });
      this.CONSUME(RParen);
    });
    const comment = this.SUBRULE(this.optionalComment);
    this.CONSUME(K.AS);
    const query = this.SUBRULE(this.query);
    return {
      kind: 'CreateView',
      temporary,
      ifNotExists,
      name,
      columns,
      comment,
      query,
      pos: this.span(start),
    };
  });

  private dropObject = this.RULE('dropObject', (): A.DropObject => {
    const start = this.CONSUME(K.DROP);
    const temporary = this.OPTION(() => this.CONSUME(K.TEMPORARY)) !== undefined;
    let system: IToken | undefined;
    this.OPTION3(() => {
      system = this.CONSUME(K.SYSTEM);
    });
    const object = this.OR([
      {
        ALT: () => {
          this.CONSUME(K.TABLE);
          return 'TABLE' as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.VIEW);
          return 'VIEW' as const;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.FUNCTION);
          return 'FUNCTION' as const;
        },
      },
    ]);
    let ifExists = false;
    this.OPTION2(() => {
      this.CONSUME(K.IF);
      this.CONSUME(K.EXISTS);
      ifExists = true;
    });
    const name = this.SUBRULE(this.qualifiedName);
    this.ACTION(() => {
      if (system && (!temporary || object !== 'FUNCTION'))
        throw new WeirError('SQL_PARSE', 'SYSTEM is only allowed in DROP TEMPORARY SYSTEM FUNCTION', {
          position: tokenPos(system),
        });
    });
    return {
      kind: 'DropObject',
      object,
      temporary,
      ...(system ? { system: true } : {}),
      ifExists,
      name,
      pos: this.span(start),
    };
  });

  private quotedText = this.RULE('quotedText', (): A.QuotedText => {
    const t = this.CONSUME(StringLiteral);
    return this.ACTION(() => ({ value: stringValue(t.image), pos: tokenPos(t) }));
  });

  private setStatement = this.RULE('setStatement', (): A.SetStatement => {
    const start = this.CONSUME(K.SET);
    let key: A.QuotedText | undefined;
    let value: A.QuotedText | undefined;
    this.OPTION(() => {
      key = this.SUBRULE(this.quotedText);
      this.CONSUME(Equals);
      value = this.SUBRULE2(this.quotedText);
    });
    return { kind: 'SetStatement', key, value, pos: this.span(start) };
  });

  private alterTable = this.RULE('alterTable', (): A.AlterTable => {
    const start = this.CONSUME(K.ALTER);
    this.CONSUME(K.TABLE);
    const name = this.SUBRULE(this.qualifiedName);
    const action = this.OR([
      {
        ALT: (): A.AlterTable['action'] => {
          this.CONSUME(K.SET);
          return { kind: 'set', options: this.SUBRULE(this.optionList) };
        },
      },
      {
        ALT: (): A.AlterTable['action'] => {
          this.CONSUME(K.RESET);
          this.CONSUME(LParen);
          const keys: A.QuotedText[] = [];
          this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => keys.push(this.SUBRULE(this.quotedText)) });
          this.CONSUME(RParen);
          return { kind: 'reset', keys };
        },
      },
      {
        ALT: (): A.AlterTable['action'] => {
          this.CONSUME(K.RENAME);
          this.CONSUME(K.TO);
          return { kind: 'rename', to: this.SUBRULE2(this.qualifiedName) };
        },
      },
    ]);
    return { kind: 'AlterTable', name, action, pos: this.span(start) };
  });

  private use = this.RULE('use', (): A.Use => {
    const start = this.CONSUME(K.USE);
    const catalog = this.OPTION(() => this.CONSUME(K.CATALOG)) !== undefined;
    const name = this.SUBRULE(this.qualifiedName);
    return { kind: 'Use', catalog, name, pos: this.span(start) };
  });

  private resetStatement = this.RULE('resetStatement', (): A.ResetStatement => {
    const start = this.CONSUME(K.RESET);
    let key: A.QuotedText | undefined;
    this.OPTION(() => {
      key = this.SUBRULE(this.quotedText);
    });
    return { kind: 'ResetStatement', key, pos: this.span(start) };
  });

  private insert = this.RULE('insert', (): A.Insert => {
    const start = this.CONSUME(K.INSERT);
    const overwrite = this.OR([
      {
        ALT: () => {
          this.CONSUME(K.INTO);
          return false;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.OVERWRITE);
          return true;
        },
      },
    ]);
    const table = this.SUBRULE(this.qualifiedName);
    let columns: A.Ident[] | undefined;
    this.OPTION({
      GATE: () => this.LA(1).tokenType === LParen && this.LA(2).tokenType !== K.SELECT,
      DEF: () => {
        this.CONSUME(LParen);
        columns = [];
        this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => columns!.push(this.SUBRULE(this.ident)) });
        this.CONSUME(RParen);
      },
    });
    const query = this.SUBRULE(this.query);
    return { kind: 'Insert', overwrite, table, columns, query, pos: this.span(start) };
  });

  private explain = this.RULE('explain', (): A.Explain => {
    const start = this.CONSUME(K.EXPLAIN);
    const details: string[] = [];
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.PLAN);
            this.CONSUME(K.FOR);
          },
        },
        {
          ALT: () =>
            this.AT_LEAST_ONE_SEP({
              SEP: Comma,
              DEF: () => {
                const t = this.CONSUME(IdentifierLike);
                this.ACTION(() => details.push(identifierValue(t).toUpperCase()));
              },
            }),
        },
      ]);
    });
    const statement = this.OR2([
      { ALT: () => this.SUBRULE(this.insert) },
      { ALT: () => this.SUBRULE(this.queryStatement) },
    ]);
    return { kind: 'Explain', details, statement, pos: this.span(start) };
  });

  private showTables = this.RULE('showTables', (): A.ShowTables => {
    const start = this.CONSUME(K.SHOW);
    const views = this.OR([
      {
        ALT: () => {
          this.CONSUME(K.TABLES);
          return false;
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.VIEWS);
          return true;
        },
      },
    ]);
    return { kind: 'ShowTables', views, pos: this.span(start) };
  });

  private describe = this.RULE('describe', (): A.Describe => {
    const start = this.OR([{ ALT: () => this.CONSUME(K.DESCRIBE) }, { ALT: () => this.CONSUME(K.DESC) }]);
    const name = this.SUBRULE(this.qualifiedName);
    return { kind: 'Describe', name, pos: this.span(start) };
  });

  private queryStatement = this.RULE('queryStatement', (): A.QueryStatement => {
    const start = this.LA(1);
    const query = this.SUBRULE(this.query);
    return { kind: 'QueryStatement', query, pos: this.span(start) };
  });

  // -------------------------------------------------------------------------------------------
  // Queries

  public query = this.RULE('query', (): A.Query => {
    const start = this.LA(1);
    let ctes: A.CommonTableExpr[] | undefined;
    this.OPTION(() => {
      this.CONSUME(K.WITH);
      ctes = [];
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => ctes!.push(this.SUBRULE(this.commonTableExpr)) });
    });
    let body = this.SUBRULE(this.queryTerm);
    this.MANY(() => {
      this.CONSUME(K.UNION);
      let all = false;
      this.OPTION2(() =>
        this.OR([
          {
            ALT: () => {
              this.CONSUME(K.ALL);
              return (all = true);
            },
          },
          {
            ALT: () => {
              this.CONSUME(K.DISTINCT);
              return (all = false);
            },
          },
        ]),
      );
      const right = this.SUBRULE2(this.queryTerm);
      body = this.ACTION(() => ({
        kind: 'SetOperation',
        op: 'UNION',
        all,
        left: body,
        right,
        pos: this.span(start),
      }));
    });
    const orderBy: A.OrderItem[] = [];
    let limit: A.Expr | undefined;
    let offset: A.Expr | undefined;
    this.OPTION3(() => {
      this.CONSUME(K.ORDER);
      this.CONSUME(K.BY);
      this.AT_LEAST_ONE_SEP2({ SEP: Comma, DEF: () => orderBy.push(this.SUBRULE(this.orderItem)) });
    });
    this.OPTION4(() => {
      this.CONSUME(K.LIMIT);
      limit = this.SUBRULE(this.numberLiteral);
    });
    this.OPTION5(() => {
      this.CONSUME(K.OFFSET);
      offset = this.SUBRULE2(this.numberLiteral);
    });
    return this.ACTION(() => {
      let q: A.Query = body;
      if (orderBy.length > 0 || limit || offset)
        q = { kind: 'OrderedQuery', query: q, orderBy, limit, offset, pos: this.span(start) };
      if (ctes) q = { kind: 'WithQuery', ctes, body: q, pos: this.span(start) };
      return q;
    });
  });

  private commonTableExpr = this.RULE('commonTableExpr', (): A.CommonTableExpr => {
    const name = this.SUBRULE(this.ident);
    let columns: A.Ident[] | undefined;
    this.OPTION(() => {
      this.CONSUME(LParen);
      columns = [];
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => columns!.push(this.SUBRULE2(this.ident)) });
      this.CONSUME(RParen);
    });
    this.CONSUME(K.AS);
    this.CONSUME2(LParen);
    const query = this.SUBRULE(this.query);
    this.CONSUME2(RParen);
    return { name, columns, query };
  });

  private orderItem = this.RULE('orderItem', (): A.OrderItem => {
    const expr = this.SUBRULE(this.expr);
    let descending = false;
    let nulls: 'FIRST' | 'LAST' | undefined;
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.CONSUME(K.ASC) },
        {
          ALT: () => {
            this.CONSUME(K.DESC);
            return (descending = true);
          },
        },
      ]),
    );
    this.OPTION2(() => {
      this.CONSUME(K.NULLS);
      nulls = this.OR2([
        {
          ALT: () => {
            this.CONSUME(K.FIRST);
            return 'FIRST' as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.LAST);
            return 'LAST' as const;
          },
        },
      ]);
    });
    return { expr, descending, nulls };
  });

  private numberLiteral = this.RULE('numberLiteral', (): A.NumericLiteral => {
    const t = this.CONSUME(NumberLiteral);
    return this.ACTION(() => ({ kind: 'NumericLiteral', text: t.image, pos: tokenPos(t) }));
  });

  private queryTerm = this.RULE('queryTerm', (): A.Query => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.select) },
      { ALT: () => this.SUBRULE(this.values) },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const q = this.SUBRULE(this.query);
          this.CONSUME(RParen);
          return q;
        },
      },
    ]);
  });

  private values = this.RULE('values', (): A.Values => {
    const start = this.CONSUME(K.VALUES);
    const rows: A.Expr[][] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => {
        this.CONSUME(LParen);
        const row: A.Expr[] = [];
        this.AT_LEAST_ONE_SEP2({ SEP: Comma, DEF: () => row.push(this.SUBRULE(this.expr)) });
        this.CONSUME(RParen);
        rows.push(row);
      },
    });
    return { kind: 'Values', rows, pos: this.span(start) };
  });

  private select = this.RULE('select', (): A.Select => {
    const start = this.CONSUME(K.SELECT);
    let distinct = false;
    this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(K.DISTINCT);
            return (distinct = true);
          },
        },
        { ALT: () => this.CONSUME(K.ALL) },
      ]),
    );
    const items: A.SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE(this.selectItem)) });
    let from: A.TableRef | undefined;
    let where: A.Expr | undefined;
    const groupBy: A.Expr[] = [];
    let having: A.Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(K.FROM);
      from = this.SUBRULE(this.tableRef);
    });
    this.OPTION3(() => {
      this.CONSUME(K.WHERE);
      where = this.SUBRULE(this.expr);
    });
    this.OPTION4(() => {
      this.CONSUME(K.GROUP);
      this.CONSUME(K.BY);
      this.AT_LEAST_ONE_SEP2({ SEP: Comma, DEF: () => groupBy.push(this.SUBRULE2(this.expr)) });
    });
    this.OPTION5(() => {
      this.CONSUME(K.HAVING);
      having = this.SUBRULE3(this.expr);
    });
    const windows: A.NamedWindow[] = [];
    this.OPTION6(() => {
      this.CONSUME(K.WINDOW);
      this.AT_LEAST_ONE_SEP3({
        SEP: Comma,
        DEF: () => {
          const name = this.SUBRULE(this.ident);
          this.CONSUME(K.AS);
          const spec = this.SUBRULE(this.windowSpec);
          windows.push({ name, spec });
        },
      });
    });
    return {
      kind: 'Select',
      distinct,
      items,
      from,
      where,
      groupBy,
      having,
      ...(windows.length > 0 ? { windows } : {}),
      pos: this.span(start),
    };
  });

  private selectItem = this.RULE('selectItem', (): A.SelectItem => {
    return this.OR([
      {
        ALT: () => {
          const t = this.CONSUME(Star);
          return this.ACTION(() => ({ kind: 'SelectStar' as const, pos: tokenPos(t) }));
        },
      },
      {
        GATE: () => this.isQualifiedStar(),
        ALT: () => {
          const start = this.LA(1);
          const qualifier: A.Ident[] = [this.SUBRULE(this.ident)];
          this.MANY({
            GATE: () => this.LA(2).tokenType !== Star,
            DEF: () => {
              this.CONSUME(Dot);
              qualifier.push(this.SUBRULE2(this.ident));
            },
          });
          this.CONSUME2(Dot);
          this.CONSUME2(Star);
          return { kind: 'SelectStar' as const, qualifier, pos: this.span(start) };
        },
      },
      {
        ALT: () => {
          const start = this.LA(1);
          const expr = this.SUBRULE(this.expr);
          const alias = this.SUBRULE(this.optionalAlias);
          return { kind: 'SelectExpr' as const, expr, alias, pos: this.span(start) };
        },
      },
    ]);
  });

  private isQualifiedStar(): boolean {
    let i = 1;
    for (;;) {
      if (!tokenMatcher(this.LA(i), IdentifierLike)) return false;
      if (this.LA(i + 1).tokenType !== Dot) return false;
      if (this.LA(i + 2).tokenType === Star) return true;
      i += 2;
    }
  }

  private optionalAlias = this.RULE('optionalAlias', (): A.Ident | undefined => {
    let alias: A.Ident | undefined;
    this.OPTION(() => {
      this.OPTION2(() => this.CONSUME(K.AS));
      alias = this.SUBRULE(this.ident);
    });
    return alias;
  });

  /** A FROM clause: table references joined left to right, by JOIN or by comma. */
  private tableRef = this.RULE('tableRef', (): A.TableRef => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.tablePrimary);
    this.MANY(() => {
      left = this.OR([
        {
          ALT: () => {
            this.CONSUME(Comma);
            const right = this.SUBRULE2(this.tablePrimary);
            return { kind: 'JoinRef' as const, type: 'COMMA' as const, left, right, pos: this.span(start) };
          },
        },
        {
          ALT: () => {
            const type = this.SUBRULE(this.joinType);
            this.CONSUME(K.JOIN);
            const right = this.SUBRULE3(this.tablePrimary);
            let on: A.Expr | undefined;
            this.OPTION(() => {
              this.CONSUME(K.ON);
              on = this.SUBRULE(this.expr);
            });
            return { kind: 'JoinRef' as const, type, left, right, on, pos: this.span(start) };
          },
        },
      ]);
    });
    return left;
  });

  private joinType = this.RULE('joinType', (): A.JoinType => {
    let type: A.JoinType = 'INNER';
    this.OPTION(() =>
      this.OR([
        { ALT: () => this.CONSUME(K.INNER) },
        {
          ALT: () => {
            type = this.OR2([
              {
                ALT: () => {
                  this.CONSUME(K.LEFT);
                  return 'LEFT' as const;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.RIGHT);
                  return 'RIGHT' as const;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.FULL);
                  return 'FULL' as const;
                },
              },
            ]);
            this.OPTION2(() => this.CONSUME(K.OUTER));
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.CROSS);
            type = 'CROSS';
          },
        },
      ]),
    );
    return type;
  });

  private tablePrimary = this.RULE('tablePrimary', (): A.TableRef => {
    const start = this.LA(1);
    return this.OR([
      {
        ALT: () => {
          const name = this.SUBRULE(this.qualifiedName);
          let forSystemTime: A.Expr | undefined;
          this.OPTION(() => {
            this.CONSUME(K.FOR);
            this.CONSUME(K.SYSTEM_TIME);
            this.CONSUME(K.AS);
            this.CONSUME(K.OF);
            forSystemTime = this.SUBRULE(this.additive);
          });
          const alias = this.SUBRULE(this.optionalAlias);
          return forSystemTime
            ? { kind: 'TableName' as const, name, forSystemTime, alias, pos: this.span(start) }
            : { kind: 'TableName' as const, name, alias, pos: this.span(start) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.UNNEST);
          this.CONSUME4(LParen);
          const args: A.Expr[] = [];
          this.AT_LEAST_ONE_SEP2({ SEP: Comma, DEF: () => args.push(this.SUBRULE(this.expr)) });
          this.CONSUME4(RParen);
          let withOrdinality: A.Pos | undefined;
          this.OPTION3(() => {
            const w = this.CONSUME(K.WITH);
            const o = this.CONSUME(K.ORDINALITY);
            withOrdinality = this.ACTION(() => ({
              ...tokenPos(w),
              length: o.startOffset + o.image.length - w.startOffset,
            }));
          });
          const alias = this.SUBRULE4(this.optionalAlias);
          let columns: A.Ident[] | undefined;
          this.OPTION4(() => {
            this.CONSUME5(LParen);
            columns = [];
            this.AT_LEAST_ONE_SEP3({ SEP: Comma, DEF: () => columns!.push(this.SUBRULE2(this.ident)) });
            this.CONSUME5(RParen);
          });
          return { kind: 'UnnestRef' as const, args, withOrdinality, alias, columns, pos: this.span(start) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TABLE);
          this.CONSUME2(LParen);
          const call = this.SUBRULE(this.functionCall);
          this.CONSUME2(RParen);
          const alias = this.SUBRULE3(this.optionalAlias);
          return { kind: 'TableFunctionRef' as const, call, alias, pos: this.span(start) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME(RParen);
          const alias = this.SUBRULE2(this.optionalAlias);
          let columns: A.Ident[] | undefined;
          this.OPTION2(() => {
            this.CONSUME3(LParen);
            columns = [];
            this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => columns!.push(this.SUBRULE(this.ident)) });
            this.CONSUME3(RParen);
          });
          return columns
            ? { kind: 'SubqueryRef' as const, query, alias, columns, pos: this.span(start) }
            : { kind: 'SubqueryRef' as const, query, alias, pos: this.span(start) };
        },
      },
    ]);
  });

  // -------------------------------------------------------------------------------------------
  // Names

  private ident = this.RULE('ident', (): A.Ident => {
    const t = this.CONSUME(IdentifierLike);
    return this.ACTION(() => ({ kind: 'Ident', value: identifierValue(t), pos: tokenPos(t) }));
  });

  /** `name =>` before a named argument; OFFSET is reserved, yet a window TVF's parameter. */
  private argName = this.RULE('argName', (): A.Ident => {
    const t = this.OR([{ ALT: () => this.CONSUME(IdentifierLike) }, { ALT: () => this.CONSUME(K.OFFSET) }]);
    this.CONSUME(Arrow);
    return this.ACTION(() => ({ kind: 'Ident' as const, value: identifierValue(t), pos: tokenPos(t) }));
  });

  private qualifiedName = this.RULE('qualifiedName', (): A.QualifiedName => {
    const start = this.LA(1);
    const parts: A.Ident[] = [this.SUBRULE(this.ident)];
    this.MANY(() => {
      this.CONSUME(Dot);
      parts.push(this.SUBRULE2(this.ident));
    });
    return { kind: 'QualifiedName', parts, pos: this.span(start) };
  });

  // -------------------------------------------------------------------------------------------
  // Expressions, lowest precedence first: OR, AND, NOT, predicates, + -, * / % ||, unary.

  public expr = this.RULE('expr', (): A.Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.andExpr);
    this.MANY(() => {
      const op = this.CONSUME(K.OR);
      const right = this.SUBRULE2(this.andExpr);
      left = this.ACTION(() => this.binaryNode('OR', left, right, start, op));
    });
    return left;
  });

  private binaryNode(
    op: A.BinaryOp,
    left: A.Expr,
    right: A.Expr,
    start: IToken,
    opToken: IToken,
  ): A.BinaryExpr {
    return { kind: 'BinaryExpr', op, left, right, opPos: tokenPos(opToken), pos: this.span(start) };
  }

  private andExpr = this.RULE('andExpr', (): A.Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.notExpr);
    this.MANY(() => {
      const op = this.CONSUME(K.AND);
      const right = this.SUBRULE2(this.notExpr);
      left = this.ACTION(() => this.binaryNode('AND', left, right, start, op));
    });
    return left;
  });

  private notExpr = this.RULE('notExpr', (): A.Expr => {
    return this.OR([
      {
        ALT: () => {
          const start = this.CONSUME(K.NOT);
          const operand = this.SUBRULE(this.notExpr);
          return { kind: 'UnaryExpr' as const, op: 'NOT' as const, operand, pos: this.span(start) };
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]);
  });

  private predicate = this.RULE('predicate', (): A.Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.additive);
    this.MANY(() => {
      left = this.OR([
        {
          ALT: () => {
            const opToken = this.OR2([
              { ALT: () => this.CONSUME(Equals) },
              { ALT: () => this.CONSUME(NotEquals) },
              { ALT: () => this.CONSUME(Less) },
              { ALT: () => this.CONSUME(LessEquals) },
              { ALT: () => this.CONSUME(Greater) },
              { ALT: () => this.CONSUME(GreaterEquals) },
            ]);
            const right = this.SUBRULE2(this.additive);
            return this.ACTION(() => {
              const op: A.BinaryOp = opToken.tokenType === NotEquals ? '<>' : (opToken.image as A.BinaryOp);
              return this.binaryNode(op, left, right, start, opToken);
            });
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.IS);
            const negated = this.OPTION(() => this.CONSUME(K.NOT)) !== undefined;
            const test = this.OR3([
              {
                ALT: () => {
                  this.CONSUME(K.NULL);
                  return 'NULL' as const;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.TRUE);
                  return 'TRUE' as const;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.FALSE);
                  return 'FALSE' as const;
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.UNKNOWN);
                  return 'UNKNOWN' as const;
                },
              },
            ]);
            return { kind: 'IsExpr' as const, operand: left, test, negated, pos: this.span(start) };
          },
        },
        {
          ALT: () => {
            const negated = this.OPTION2(() => this.CONSUME2(K.NOT)) !== undefined;
            return this.OR4([
              {
                ALT: () => {
                  this.CONSUME(K.IN);
                  this.CONSUME(LParen);
                  // `x IN (SELECT …)`: a subquery rather than a list of values.
                  const inner = this.OR5([
                    {
                      GATE: () => isQueryStart(this.LA(1).tokenType),
                      ALT: () => ({ query: this.SUBRULE(this.query) }),
                    },
                    {
                      ALT: () => {
                        const items: A.Expr[] = [];
                        this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => items.push(this.SUBRULE(this.expr)) });
                        return { items };
                      },
                    },
                  ]);
                  this.CONSUME(RParen);
                  return this.ACTION(() =>
                    'query' in inner
                      ? {
                          kind: 'InSubqueryExpr' as const,
                          operand: left,
                          query: inner.query,
                          negated,
                          pos: this.span(start),
                        }
                      : {
                          kind: 'InExpr' as const,
                          operand: left,
                          items: inner.items,
                          negated,
                          pos: this.span(start),
                        },
                  );
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.BETWEEN);
                  const low = this.SUBRULE3(this.additive);
                  this.CONSUME(K.AND);
                  const high = this.SUBRULE4(this.additive);
                  return {
                    kind: 'BetweenExpr' as const,
                    operand: left,
                    low,
                    high,
                    negated,
                    pos: this.span(start),
                  };
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.LIKE);
                  const pattern = this.SUBRULE5(this.additive);
                  let escapeChar: A.Expr | undefined;
                  this.OPTION3(() => {
                    this.CONSUME(K.ESCAPE);
                    escapeChar = this.SUBRULE6(this.additive);
                  });
                  return {
                    kind: 'LikeExpr' as const,
                    operand: left,
                    pattern,
                    escape: escapeChar,
                    negated,
                    pos: this.span(start),
                  };
                },
              },
            ]);
          },
        },
      ]);
    });
    return left;
  });

  private additive = this.RULE('additive', (): A.Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(Plus) }, { ALT: () => this.CONSUME(Minus) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => this.binaryNode(op.image as A.BinaryOp, left, right, start, op));
    });
    return left;
  });

  private multiplicative = this.RULE('multiplicative', (): A.Expr => {
    const start = this.LA(1);
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([
        { ALT: () => this.CONSUME(Star) },
        { ALT: () => this.CONSUME(Slash) },
        { ALT: () => this.CONSUME(Percent) },
        { ALT: () => this.CONSUME(Concat) },
      ]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => this.binaryNode(op.image as A.BinaryOp, left, right, start, op));
    });
    return left;
  });

  private unary = this.RULE('unary', (): A.Expr => {
    return this.OR([
      {
        ALT: () => {
          const op = this.OR2([{ ALT: () => this.CONSUME(Minus) }, { ALT: () => this.CONSUME(Plus) }]);
          const operand = this.SUBRULE(this.unary);
          return this.ACTION(() => ({
            kind: 'UnaryExpr' as const,
            op: op.image as '-' | '+',
            operand,
            pos: this.span(op),
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE('primary', (): A.Expr => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.numberLiteral) },
      {
        ALT: () => {
          const t = this.CONSUME(StringLiteral);
          return this.ACTION(() => ({
            kind: 'StringLiteral' as const,
            value: stringValue(t.image),
            pos: tokenPos(t),
          }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(K.TRUE);
          return this.ACTION(() => ({ kind: 'BooleanLiteral' as const, value: true, pos: tokenPos(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(K.FALSE);
          return this.ACTION(() => ({ kind: 'BooleanLiteral' as const, value: false, pos: tokenPos(t) }));
        },
      },
      {
        ALT: () => {
          const t = this.CONSUME(K.NULL);
          return this.ACTION(() => ({ kind: 'NullLiteral' as const, pos: tokenPos(t) }));
        },
      },
      { ALT: () => this.SUBRULE(this.intervalLiteral) },
      { ALT: () => this.SUBRULE(this.typedLiteral) },
      { ALT: () => this.SUBRULE(this.castExpr) },
      { ALT: () => this.SUBRULE(this.caseExpr) },
      { ALT: () => this.SUBRULE(this.niladicFunction) },
      {
        ALT: () => {
          const start = this.CONSUME(K.EXISTS);
          this.CONSUME5(LParen);
          const query = this.SUBRULE(this.query);
          this.CONSUME5(RParen);
          return { kind: 'ExistsExpr' as const, query, pos: this.span(start) };
        },
      },
      {
        // `(SELECT …)` as a value: a scalar subquery.
        GATE: () => isQueryStart(this.LA(2).tokenType),
        ALT: () => {
          const start = this.CONSUME4(LParen);
          const query = this.SUBRULE2(this.query);
          this.CONSUME4(RParen);
          return { kind: 'ScalarSubquery' as const, query, pos: this.span(start) };
        },
      },
      {
        ALT: () => {
          this.CONSUME(LParen);
          const e = this.SUBRULE(this.expr);
          this.CONSUME(RParen);
          return e;
        },
      },
      {
        GATE: () => this.LA(2).tokenType === LParen,
        ALT: () => {
          const start = this.LA(1);
          const call = this.SUBRULE(this.functionCall);
          let window: A.WindowSpec | undefined;
          let windowName: A.Ident | undefined;
          this.OPTION(() => {
            this.CONSUME(K.OVER);
            this.OR8([
              { ALT: () => (window = this.SUBRULE(this.windowSpec)) },
              // `OVER w`, a window the SELECT's WINDOW clause defines.
              { ALT: () => (windowName = this.SUBRULE2(this.ident)) },
            ]);
          });
          if (windowName)
            return {
              kind: 'OverCall' as const,
              call,
              window: { partitionBy: [], orderBy: [] },
              windowName,
              pos: this.span(start),
            };
          return window ? { kind: 'OverCall' as const, call, window, pos: this.span(start) } : call;
        },
      },
      {
        ALT: () => {
          const start = this.CONSUME(K.TABLE);
          const name = this.SUBRULE(this.qualifiedName);
          // `TABLE t PARTITION BY k` or `PARTITION BY (k1, k2)`: the SESSION window TVF's partitioning.
          const partitionBy: A.ColumnRef[] = [];
          this.OPTION2(() => {
            this.CONSUME(K.PARTITION);
            this.CONSUME(K.BY);
            this.OR2([
              {
                ALT: () => {
                  this.CONSUME3(LParen);
                  partitionBy.push(this.SUBRULE2(this.columnRef));
                  this.MANY5(() => {
                    this.CONSUME3(Comma);
                    partitionBy.push(this.SUBRULE3(this.columnRef));
                  });
                  this.CONSUME3(RParen);
                },
              },
              { ALT: () => partitionBy.push(this.SUBRULE4(this.columnRef)) },
            ]);
          });
          const pos = this.span(start);
          return partitionBy.length > 0
            ? { kind: 'TableArg' as const, name, partitionBy, pos }
            : { kind: 'TableArg' as const, name, pos };
        },
      },
      { ALT: () => this.SUBRULE(this.columnRef) },
    ]);
  });

  private windowSpec = this.RULE('windowSpec', (): A.WindowSpec => {
    this.CONSUME(LParen);
    const partitionBy: A.Expr[] = [];
    const orderBy: A.OrderItem[] = [];
    let frame: A.WindowFrame | undefined;
    this.OPTION(() => {
      this.CONSUME(K.PARTITION);
      this.CONSUME(K.BY);
      this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => partitionBy.push(this.SUBRULE(this.expr)) });
    });
    this.OPTION2(() => {
      this.CONSUME(K.ORDER);
      this.CONSUME2(K.BY);
      this.AT_LEAST_ONE_SEP2({ SEP: Comma, DEF: () => orderBy.push(this.SUBRULE(this.orderItem)) });
    });
    this.OPTION3(() => {
      const unit = this.OR([
        {
          ALT: () => {
            this.CONSUME(K.ROWS);
            return 'ROWS' as const;
          },
        },
        {
          ALT: () => {
            this.CONSUME(K.RANGE);
            return 'RANGE' as const;
          },
        },
      ]);
      frame = this.OR2([
        {
          ALT: () => {
            this.CONSUME(K.BETWEEN);
            const start = this.SUBRULE(this.frameBound);
            this.CONSUME(K.AND);
            const end = this.SUBRULE2(this.frameBound);
            return { unit, start, end };
          },
        },
        { ALT: () => ({ unit, start: this.SUBRULE3(this.frameBound) }) },
      ]);
    });
    this.CONSUME(RParen);
    return frame ? { partitionBy, orderBy, frame } : { partitionBy, orderBy };
  });

  private frameBound = this.RULE('frameBound', (): A.FrameBound => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(K.UNBOUNDED);
          return this.OR2([
            {
              ALT: () => {
                this.CONSUME(K.PRECEDING);
                return { kind: 'UNBOUNDED PRECEDING' as const };
              },
            },
            {
              ALT: () => {
                this.CONSUME(K.FOLLOWING);
                return { kind: 'UNBOUNDED FOLLOWING' as const };
              },
            },
          ]);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.CURRENT);
          this.CONSUME(K.ROW);
          return { kind: 'CURRENT ROW' as const };
        },
      },
      {
        ALT: () => {
          const offset = this.SUBRULE(this.additive);
          return this.OR3([
            {
              ALT: () => {
                this.CONSUME2(K.PRECEDING);
                return { kind: 'PRECEDING' as const, offset };
              },
            },
            {
              ALT: () => {
                this.CONSUME2(K.FOLLOWING);
                return { kind: 'FOLLOWING' as const, offset };
              },
            },
          ]);
        },
      },
    ]);
  });

  private columnRef = this.RULE('columnRef', (): A.ColumnRef => {
    const start = this.LA(1);
    const parts: A.Ident[] = [this.SUBRULE(this.ident)];
    this.MANY(() => {
      this.CONSUME(Dot);
      parts.push(this.SUBRULE2(this.ident));
    });
    return { kind: 'ColumnRef', parts, pos: this.span(start) };
  });

  private functionCall = this.RULE('functionCall', (): A.FunctionCall => {
    // LEFT and RIGHT are reserved for joins, yet also Flink's string functions LEFT(s, n), RIGHT(s, n).
    const name = this.OR8([
      { ALT: () => this.SUBRULE(this.ident) },
      {
        ALT: () => {
          const t = this.OR9([{ ALT: () => this.CONSUME(K.LEFT) }, { ALT: () => this.CONSUME(K.RIGHT) }]);
          return this.ACTION(() => ({
            kind: 'Ident' as const,
            value: t.image.toUpperCase(),
            pos: tokenPos(t),
          }));
        },
      },
    ]);
    const start = this.LA(0);
    this.CONSUME(LParen);
    const args: A.Expr[] = [];
    const argNames: (A.Ident | undefined)[] = [];
    let distinct = false;
    let star = false;
    this.OPTION(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(Star);
            return (star = true);
          },
        },
        {
          ALT: () => {
            this.OPTION2(() =>
              this.OR2([
                {
                  ALT: () => {
                    this.CONSUME(K.DISTINCT);
                    return (distinct = true);
                  },
                },
                { ALT: () => this.CONSUME(K.ALL) },
              ]),
            );
            this.OPTION5({
              GATE: () => this.LA(2).tokenType === Arrow,
              DEF: () => {
                argNames[args.length] = this.SUBRULE6(this.argName);
              },
            });
            args.push(this.SUBRULE(this.expr));
            this.OR3([
              {
                // SUBSTRING(s FROM start [FOR length]), the SQL standard spelling.
                GATE: () => name.value.toUpperCase() === 'SUBSTRING',
                ALT: () => {
                  this.CONSUME(K.FROM);
                  args.push(this.SUBRULE2(this.expr));
                  this.OPTION3(() => {
                    this.CONSUME(K.FOR);
                    args.push(this.SUBRULE3(this.expr));
                  });
                },
              },
              {
                ALT: () =>
                  this.MANY(() => {
                    this.CONSUME(Comma);
                    this.OPTION6({
                      GATE: () => this.LA(2).tokenType === Arrow,
                      DEF: () => {
                        argNames[args.length] = this.SUBRULE7(this.argName);
                      },
                    });
                    args.push(this.SUBRULE4(this.expr));
                  }),
              },
            ]);
          },
        },
      ]),
    );
    this.CONSUME(RParen);
    let filter: A.Expr | undefined;
    // `agg(…) FILTER (WHERE cond)`; FILTER is not reserved, so `(` must follow to make it the clause.
    this.OPTION4({
      GATE: () => this.LA(2).tokenType === LParen,
      DEF: () => {
        this.CONSUME(K.FILTER);
        this.CONSUME2(LParen);
        this.CONSUME(K.WHERE);
        filter = this.SUBRULE5(this.expr);
        this.CONSUME2(RParen);
      },
    });
    const pos = this.span(start);
    const named = argNames.length > 0 ? { argNames: args.map((_, i) => argNames[i]) } : {};
    return filter
      ? { kind: 'FunctionCall', name, args, distinct, star, niladic: false, filter, ...named, pos }
      : { kind: 'FunctionCall', name, args, distinct, star, niladic: false, ...named, pos };
  });

  private niladicFunction = this.RULE('niladicFunction', (): A.FunctionCall => {
    const t = this.OR([
      { ALT: () => this.CONSUME(K.CURRENT_TIMESTAMP) },
      { ALT: () => this.CONSUME(K.CURRENT_DATE) },
      { ALT: () => this.CONSUME(K.CURRENT_TIME) },
      { ALT: () => this.CONSUME(K.LOCALTIMESTAMP) },
      { ALT: () => this.CONSUME(K.LOCALTIME) },
    ]);
    return this.ACTION(() => ({
      kind: 'FunctionCall' as const,
      name: { kind: 'Ident' as const, value: t.image.toUpperCase(), pos: tokenPos(t) },
      args: [],
      distinct: false,
      star: false,
      niladic: true,
      pos: tokenPos(t),
    }));
  });

  private intervalLiteral = this.RULE('intervalLiteral', (): A.IntervalLiteral => {
    const start = this.CONSUME(K.INTERVAL);
    const value = this.CONSUME(StringLiteral);
    const from = this.SUBRULE(this.timeUnit);
    let to: A.TimeUnit | undefined;
    this.OPTION(() => {
      this.CONSUME(K.TO);
      to = this.SUBRULE2(this.timeUnit);
    });
    return this.ACTION(() => ({
      kind: 'IntervalLiteral' as const,
      value: stringValue(value.image),
      from,
      to,
      pos: this.span(start),
    }));
  });

  private timeUnit = this.RULE('timeUnit', (): A.TimeUnit => {
    const t = this.OR([
      ...TIME_UNITS.map((u) => ({ ALT: () => this.CONSUME(u) })),
      // Calcite also takes the plural (`INTERVAL '5' MINUTES`, as Flink's documentation writes it).
      {
        GATE: () => PLURAL_TIME_UNITS.has(this.LA(1).image.toUpperCase()),
        ALT: () => this.CONSUME(Identifier),
      },
    ]);
    return this.ACTION(() =>
      t.tokenType === Identifier
        ? (t.image.toUpperCase().slice(0, -1) as A.TimeUnit)
        : (t.tokenType.name as A.TimeUnit),
    );
  });

  private typedLiteral = this.RULE('typedLiteral', (): A.TypedLiteral => {
    const t = this.OR([
      { ALT: () => this.CONSUME(K.DATE) },
      { ALT: () => this.CONSUME(K.TIME) },
      { ALT: () => this.CONSUME(K.TIMESTAMP) },
    ]);
    const value = this.CONSUME(StringLiteral);
    return this.ACTION(() => ({
      kind: 'TypedLiteral' as const,
      type: t.tokenType.name as 'DATE' | 'TIME' | 'TIMESTAMP',
      value: stringValue(value.image),
      pos: this.span(t),
    }));
  });

  private castExpr = this.RULE('castExpr', (): A.CastExpr => {
    const start = this.OR([{ ALT: () => this.CONSUME(K.CAST) }, { ALT: () => this.CONSUME(K.TRY_CAST) }]);
    this.CONSUME(LParen);
    const operand = this.SUBRULE(this.expr);
    this.CONSUME(K.AS);
    const type = this.SUBRULE(this.dataType);
    this.CONSUME(RParen);
    return this.ACTION(() => ({
      kind: 'CastExpr' as const,
      operand,
      type,
      safe: start.tokenType === K.TRY_CAST,
      pos: this.span(start),
    }));
  });

  private caseExpr = this.RULE('caseExpr', (): A.CaseExpr => {
    const start = this.CONSUME(K.CASE);
    let operand: A.Expr | undefined;
    this.OPTION(() => {
      operand = this.SUBRULE(this.expr);
    });
    const whens: A.WhenClause[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(K.WHEN);
      const when = this.SUBRULE2(this.expr);
      this.CONSUME(K.THEN);
      const then = this.SUBRULE3(this.expr);
      whens.push({ when, result: then });
    });
    let otherwise: A.Expr | undefined;
    this.OPTION2(() => {
      this.CONSUME(K.ELSE);
      otherwise = this.SUBRULE4(this.expr);
    });
    this.CONSUME(K.END);
    return { kind: 'CaseExpr', operand, whens, else: otherwise, pos: this.span(start) };
  });

  // -------------------------------------------------------------------------------------------
  // Data types

  public dataType = this.RULE('dataType', (): A.DataType => {
    const start = this.LA(1);
    const type = this.OR([
      {
        ALT: () => {
          this.CONSUME(K.BOOLEAN);
          return Types.BOOLEAN();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TINYINT);
          return Types.TINYINT();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.SMALLINT);
          return Types.SMALLINT();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.INT);
          return Types.INT();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.INTEGER);
          return Types.INT();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.BIGINT);
          return Types.BIGINT();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.FLOAT);
          return Types.FLOAT();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.REAL);
          return Types.FLOAT();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.DOUBLE);
          this.OPTION(() => this.CONSUME(K.PRECISION));
          return Types.DOUBLE();
        },
      },
      {
        ALT: () => {
          this.OR2([
            { ALT: () => this.CONSUME(K.DECIMAL) },
            { ALT: () => this.CONSUME(K.DEC) },
            { ALT: () => this.CONSUME(K.NUMERIC) },
          ]);
          let precision: IToken | undefined;
          let scale: IToken | undefined;
          this.OPTION2(() => {
            this.CONSUME(LParen);
            precision = this.CONSUME(NumberLiteral);
            this.OPTION3(() => {
              this.CONSUME(Comma);
              scale = this.CONSUME2(NumberLiteral);
            });
            this.CONSUME(RParen);
          });
          return this.ACTION(() => {
            const p = precision ? this.typeParam(precision, 1, 38, 'DECIMAL precision') : 10;
            const s = scale ? this.typeParam(scale, 0, p, 'DECIMAL scale') : 0;
            return Types.DECIMAL(p, s);
          });
        },
      },
      {
        ALT: () => {
          this.OR3([{ ALT: () => this.CONSUME(K.CHAR) }, { ALT: () => this.CONSUME(K.CHARACTER) }]);
          const varying = this.OPTION4(() => this.CONSUME(K.VARYING)) !== undefined;
          const n = this.SUBRULE(this.optionalLength);
          return this.ACTION(() => {
            // Flink's type system: CHAR defaults to length 1, VARCHAR (CHARACTER VARYING) to the
            // maximum — a bare VARCHAR is STRING (FlinkTypeSystem.getDefaultPrecision).
            const length = n ? this.typeParam(n, 1, MAX_LENGTH, 'length') : varying ? MAX_LENGTH : 1;
            return varying ? Types.VARCHAR(length) : Types.CHAR(length);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.VARCHAR);
          const n = this.SUBRULE2(this.optionalLength);
          // A bare VARCHAR is STRING in Flink SQL (FlinkTypeSystem's default precision), not VARCHAR(1).
          return this.ACTION(() =>
            Types.VARCHAR(n ? this.typeParam(n, 1, MAX_LENGTH, 'length') : MAX_LENGTH),
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.STRING);
          return Types.STRING();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.BINARY);
          const n = this.SUBRULE3(this.optionalLength);
          return this.ACTION(
            (): LogicalType => ({
              root: 'BINARY',
              nullable: true,
              // As VARCHAR: a bare VARBINARY is BYTES in Flink SQL.
              length: n ? this.typeParam(n, 1, MAX_LENGTH, 'length') : MAX_LENGTH,
            }),
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.VARBINARY);
          const n = this.SUBRULE4(this.optionalLength);
          return this.ACTION(
            (): LogicalType => ({
              root: 'VARBINARY',
              nullable: true,
              // As VARCHAR: a bare VARBINARY is BYTES in Flink SQL.
              length: n ? this.typeParam(n, 1, MAX_LENGTH, 'length') : MAX_LENGTH,
            }),
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.BYTES);
          return Types.BYTES();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.DATE);
          return Types.DATE();
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TIME);
          const p = this.SUBRULE5(this.optionalLength);
          this.OPTION5(() => {
            this.CONSUME(K.WITHOUT);
            this.CONSUME2(K.TIME);
            this.CONSUME(K.ZONE);
          });
          return this.ACTION(() => Types.TIME(p ? this.typeParam(p, 0, 9, 'TIME precision') : 0));
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TIMESTAMP);
          const p = this.SUBRULE6(this.optionalLength);
          let ltz = false;
          this.OPTION6(() =>
            this.OR4([
              {
                ALT: () => {
                  this.CONSUME2(K.WITHOUT);
                  this.CONSUME3(K.TIME);
                  this.CONSUME2(K.ZONE);
                },
              },
              {
                ALT: () => {
                  this.CONSUME(K.WITH);
                  this.CONSUME(K.LOCAL);
                  this.CONSUME4(K.TIME);
                  this.CONSUME3(K.ZONE);
                  ltz = true;
                },
              },
            ]),
          );
          return this.ACTION(() => {
            const precision = p ? this.typeParam(p, 0, 9, 'TIMESTAMP precision') : 6;
            return ltz ? Types.TIMESTAMP_LTZ(precision) : Types.TIMESTAMP(precision);
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.TIMESTAMP_LTZ);
          const p = this.SUBRULE7(this.optionalLength);
          return this.ACTION(() =>
            Types.TIMESTAMP_LTZ(p ? this.typeParam(p, 0, 9, 'TIMESTAMP_LTZ precision') : 6),
          );
        },
      },
      {
        ALT: () => {
          const t = this.OR5([{ ALT: () => this.CONSUME(K.ARRAY) }, { ALT: () => this.CONSUME(K.MULTISET) }]);
          this.CONSUME(Less);
          const element = this.SUBRULE(this.dataType);
          this.CONSUME(Greater);
          return this.ACTION(
            (): LogicalType =>
              t.tokenType === K.ARRAY
                ? Types.ARRAY(element.type)
                : { root: 'MULTISET', nullable: true, element: element.type },
          );
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.MAP);
          this.CONSUME2(Less);
          const key = this.SUBRULE2(this.dataType);
          this.CONSUME2(Comma);
          const value = this.SUBRULE3(this.dataType);
          this.CONSUME2(Greater);
          return this.ACTION(() => Types.MAP(key.type, value.type));
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.ROW);
          const fields: RowField[] = [];
          this.OR6([
            {
              ALT: () => {
                this.CONSUME3(Less);
                this.MANY_SEP({ SEP: Comma, DEF: () => fields.push(this.SUBRULE(this.rowField)) });
                this.CONSUME3(Greater);
              },
            },
            {
              ALT: () => {
                this.CONSUME2(LParen);
                this.MANY_SEP2({ SEP: Comma, DEF: () => fields.push(this.SUBRULE2(this.rowField)) });
                this.CONSUME2(RParen);
              },
            },
          ]);
          return this.ACTION(() => {
            const seen = new Set<string>();
            for (const f of fields) {
              if (seen.has(f.name))
                throw syntaxError(`Duplicate field name '${f.name}' in ROW type`, this.span(start));
              seen.add(f.name);
            }
            return Types.ROW(fields);
          });
        },
      },
    ]);
    let nullable = true;
    this.OPTION7(() =>
      this.OR7([
        {
          ALT: () => {
            this.CONSUME(K.NOT);
            this.CONSUME(K.NULL);
            nullable = false;
          },
        },
        { ALT: () => this.CONSUME2(K.NULL) },
      ]),
    );
    return this.ACTION(() => ({
      kind: 'DataType' as const,
      type: nullable ? type : { ...type, nullable: false },
      pos: this.span(start),
    }));
  });

  private rowField = this.RULE('rowField', (): RowField => {
    const name = this.SUBRULE(this.ident);
    const type = this.SUBRULE(this.dataType);
    const description = this.SUBRULE(this.optionalComment);
    return this.ACTION(() =>
      description === undefined
        ? { name: name.value, type: type.type }
        : { name: name.value, type: type.type, description },
    );
  });

  private optionalLength = this.RULE('optionalLength', (): IToken | undefined => {
    let n: IToken | undefined;
    this.OPTION(() => {
      this.CONSUME(LParen);
      n = this.CONSUME(NumberLiteral);
      this.CONSUME(RParen);
    });
    return n;
  });

  private typeParam(token: IToken, min: number, max: number, what: string): number {
    const n = /^\d+$/.test(token.image) ? Number(token.image) : Number.NaN;
    if (!(n >= min && n <= max))
      throw syntaxError(
        `${what} must be between ${min} and ${max} (inclusive), not ${token.image}`,
        tokenPos(token),
      );
    return n;
  }
}
