import { describe, expect, it } from 'vitest';
import { MAX_LENGTH, Types } from '../../common/types.js';
import type * as A from './ast.js';
import { print } from './printer.js';
import { parseScript, parseStatement } from './script.js';

const POSITION_KEYS = new Set(['pos', 'opPos', 'keyPos', 'valuePos']);

/** The tree without positions, for comparing parses of different texts. */
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node))
      if (!POSITION_KEYS.has(k) && v !== undefined) out[k] = strip(v);
    return out;
  }
  return node;
}

const id = (value: string) => ({ kind: 'Ident', value });
const col = (...parts: string[]) => ({ kind: 'ColumnRef', parts: parts.map(id) });
const num = (text: string) => ({ kind: 'NumericLiteral', text });
const str = (value: string) => ({ kind: 'StringLiteral', value });
const name = (...parts: string[]) => ({ kind: 'QualifiedName', parts: parts.map(id) });
const bin = (op: string, left: unknown, right: unknown) => ({ kind: 'BinaryExpr', op, left, right });

function stmt(sql: string): unknown {
  return strip(parseStatement(sql));
}

function expr(sql: string): unknown {
  const s = parseStatement(`SELECT ${sql}`) as A.QueryStatement;
  return strip(((s.query as A.Select).items[0] as A.SelectExpr).expr);
}

describe('lexical rules', () => {
  it('reads keywords in any case, identifiers as written', () => {
    expect(stmt('select Price from Orders')).toEqual(stmt('SELECT Price FROM Orders'));
    expect(expr('Price')).toEqual(col('Price'));
  });

  it('unescapes backquoted identifiers and quoted strings', () => {
    expect(expr('`my``col`')).toEqual(col('my`col'));
    expect(expr('`select`')).toEqual(col('select'));
    expect(expr("'it''s'")).toEqual(str("it's"));
  });

  it('skips comments of both kinds, and semicolons inside strings and comments do not split', () => {
    const statements = parseScript(`-- a comment; still a comment
SELECT 'a;b' /* ; */ FROM t; -- trailing
/* block
   comment */ SELECT 2;`);
    expect(statements).toHaveLength(2);
    expect(statements[0].text).toBe("SELECT 'a;b' /* ; */ FROM t");
    expect(statements[0].pos).toMatchObject({ line: 2, column: 1, offset: 30 });
    expect(statements[1].pos).toMatchObject({ line: 4, column: 15 });
  });

  it('reads numeric literals with decimals and exponents', () => {
    expect(expr('42')).toEqual(num('42'));
    expect(expr('1.50')).toEqual(num('1.50'));
    expect(expr('.5')).toEqual(num('.5'));
    expect(expr('1e3')).toEqual(num('1e3'));
    expect(expr('2.5E-3')).toEqual(num('2.5E-3'));
  });

  it('reads interval and typed literals', () => {
    expect(expr("INTERVAL '10' SECOND")).toEqual({ kind: 'IntervalLiteral', value: '10', from: 'SECOND' });
    expect(expr("INTERVAL '1' minute")).toEqual({ kind: 'IntervalLiteral', value: '1', from: 'MINUTE' });
    expect(expr("INTERVAL '1:30' MINUTE TO SECOND")).toEqual({
      kind: 'IntervalLiteral',
      value: '1:30',
      from: 'MINUTE',
      to: 'SECOND',
    });
    expect(expr("TIMESTAMP '2024-01-01 12:00:00'")).toEqual({
      kind: 'TypedLiteral',
      type: 'TIMESTAMP',
      value: '2024-01-01 12:00:00',
    });
    expect(expr("DATE '2024-01-01'")).toEqual({ kind: 'TypedLiteral', type: 'DATE', value: '2024-01-01' });
    expect(expr("TIME '12:00:00'")).toEqual({ kind: 'TypedLiteral', type: 'TIME', value: '12:00:00' });
  });

  it('records positions: offset, line, column and length', () => {
    const [, second] = parseScript('SELECT 1;\n  SELECT price + 1 FROM t');
    const q = (second.ast as A.QueryStatement).query as A.Select;
    const e = (q.items[0] as A.SelectExpr).expr as A.BinaryExpr;
    expect(e.pos).toEqual({ offset: 19, line: 2, column: 10, length: 9 });
    expect(e.opPos).toEqual({ offset: 25, line: 2, column: 16, length: 1 });
    expect(e.left.pos).toEqual({ offset: 19, line: 2, column: 10, length: 5 });
  });
});

describe('expressions', () => {
  it('binds OR looser than AND looser than NOT looser than comparisons', () => {
    expect(expr('a OR b AND NOT c = 1')).toEqual(
      bin(
        'OR',
        col('a'),
        bin('AND', col('b'), { kind: 'UnaryExpr', op: 'NOT', operand: bin('=', col('c'), num('1')) }),
      ),
    );
  });

  it('binds * / % || tighter than + -, unary minus tightest', () => {
    expect(expr('a + b * -c')).toEqual(
      bin('+', col('a'), bin('*', col('b'), { kind: 'UnaryExpr', op: '-', operand: col('c') })),
    );
    expect(expr('a - b - c')).toEqual(bin('-', bin('-', col('a'), col('b')), col('c')));
    expect(expr('a || b || c')).toEqual(bin('||', bin('||', col('a'), col('b')), col('c')));
    expect(expr('(a + b) % 2')).toEqual(bin('%', bin('+', col('a'), col('b')), num('2')));
  });

  it('parses IS, IN, BETWEEN and LIKE with their negations', () => {
    expect(expr('a IS NOT NULL')).toEqual({ kind: 'IsExpr', operand: col('a'), test: 'NULL', negated: true });
    expect(expr('a IS TRUE')).toEqual({ kind: 'IsExpr', operand: col('a'), test: 'TRUE', negated: false });
    expect(expr('a NOT IN (1, 2)')).toEqual({
      kind: 'InExpr',
      operand: col('a'),
      items: [num('1'), num('2')],
      negated: true,
    });
    expect(expr('a BETWEEN 1 AND b + 1 AND c')).toEqual(
      bin(
        'AND',
        {
          kind: 'BetweenExpr',
          operand: col('a'),
          low: num('1'),
          high: bin('+', col('b'), num('1')),
          negated: false,
        },
        col('c'),
      ),
    );
    expect(expr("a NOT LIKE 'x%' ESCAPE '!'")).toEqual({
      kind: 'LikeExpr',
      operand: col('a'),
      pattern: str('x%'),
      escape: str('!'),
      negated: true,
    });
    expect(expr('a = b IS NULL')).toEqual({
      kind: 'IsExpr',
      operand: bin('=', col('a'), col('b')),
      test: 'NULL',
      negated: false,
    });
  });

  it('parses CAST, TRY_CAST, CASE and function calls', () => {
    expect(expr('CAST(a AS DECIMAL(10, 2) NOT NULL)')).toEqual({
      kind: 'CastExpr',
      operand: col('a'),
      type: { kind: 'DataType', type: Types.DECIMAL(10, 2, false) },
      safe: false,
    });
    expect(expr('TRY_CAST(a AS INT)')).toMatchObject({ kind: 'CastExpr', safe: true });
    expect(expr("CASE a WHEN 1 THEN 'x' ELSE 'y' END")).toEqual({
      kind: 'CaseExpr',
      operand: col('a'),
      whens: [{ when: num('1'), result: str('x') }],
      else: str('y'),
    });
    expect(expr('CASE WHEN a > 1 THEN 1 END')).toEqual({
      kind: 'CaseExpr',
      whens: [{ when: bin('>', col('a'), num('1')), result: num('1') }],
    });
    const fn = (n: string, args: unknown[], extra: object = {}) => ({
      kind: 'FunctionCall',
      name: id(n),
      args,
      distinct: false,
      star: false,
      niladic: false,
      ...extra,
    });
    expect(expr('COUNT(*)')).toEqual(fn('COUNT', [], { star: true }));
    expect(expr('count(DISTINCT t.x)')).toEqual(fn('count', [col('t', 'x')], { distinct: true }));
    expect(expr('SUBSTRING(s FROM 2 FOR 3)')).toEqual(fn('SUBSTRING', [col('s'), num('2'), num('3')]));
    expect(expr('COALESCE(a, 0)')).toEqual(fn('COALESCE', [col('a'), num('0')]));
    expect(expr('CURRENT_TIMESTAMP')).toEqual(fn('CURRENT_TIMESTAMP', [], { niladic: true }));
    expect(expr('COUNT(*) FILTER (WHERE a > 1)')).toEqual(
      fn('COUNT', [], { star: true, filter: bin('>', col('a'), num('1')) }),
    );
    // FILTER is not reserved: without `(` after it, it is an alias or a column.
    const items = (parseStatement('SELECT SUM(x) filter, filter FROM t') as A.QueryStatement)
      .query as A.Select;
    expect(items.items.map((i) => (i.kind === 'SelectExpr' ? i.alias?.value : undefined))).toEqual([
      'filter',
      undefined,
    ]);
  });
});

describe('statements', () => {
  it('CREATE TABLE with every kind of column, watermark, key, comment, partitions and options', () => {
    const ast = parseStatement(`CREATE TEMPORARY TABLE IF NOT EXISTS db.orders (
      id BIGINT NOT NULL COMMENT 'the id',
      price DECIMAL(10, 2),
      name VARCHAR(20),
      s STRING,
      tags ARRAY<STRING NOT NULL>,
      attrs MAP<STRING, INT>,
      nested ROW<a INT, b STRING COMMENT 'bee'>,
      ts TIMESTAMP(3),
      lts TIMESTAMP_LTZ(3),
      total AS price * 2 COMMENT 'computed',
      meta TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL,
      part INT METADATA,
      WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
      PRIMARY KEY (id) NOT ENFORCED
    ) COMMENT 'orders' PARTITIONED BY (s) WITH ('connector' = 'kafka', 'topic' = 'o')`) as A.CreateTable;
    expect(ast.kind).toBe('CreateTable');
    expect(ast.temporary).toBe(true);
    expect(ast.ifNotExists).toBe(true);
    expect(strip(ast.name)).toEqual(name('db', 'orders'));
    expect(ast.columns.map((c) => [c.kind, c.name.value])).toEqual([
      ['PhysicalColumn', 'id'],
      ['PhysicalColumn', 'price'],
      ['PhysicalColumn', 'name'],
      ['PhysicalColumn', 's'],
      ['PhysicalColumn', 'tags'],
      ['PhysicalColumn', 'attrs'],
      ['PhysicalColumn', 'nested'],
      ['PhysicalColumn', 'ts'],
      ['PhysicalColumn', 'lts'],
      ['ComputedColumn', 'total'],
      ['MetadataColumn', 'meta'],
      ['MetadataColumn', 'part'],
    ]);
    const types = ast.columns.flatMap((c) => (c.kind === 'ComputedColumn' ? [] : [c.type.type]));
    expect(types).toEqual([
      Types.BIGINT(false),
      Types.DECIMAL(10, 2),
      Types.VARCHAR(20),
      Types.STRING(),
      Types.ARRAY(Types.STRING(false)),
      Types.MAP(Types.STRING(), Types.INT()),
      Types.ROW([
        { name: 'a', type: Types.INT() },
        { name: 'b', type: Types.STRING(), description: 'bee' },
      ]),
      Types.TIMESTAMP(3),
      Types.TIMESTAMP_LTZ(3),
      Types.TIMESTAMP_LTZ(3),
      Types.INT(),
    ]);
    expect(ast.columns[0]).toMatchObject({ comment: 'the id' });
    expect(ast.columns[10]).toMatchObject({ key: 'timestamp', virtual: true });
    expect(ast.columns[11]).toMatchObject({ virtual: false });
    expect(ast.columns[11]).not.toHaveProperty('key', expect.anything());
    expect(strip(ast.watermark)).toEqual({
      column: id('ts'),
      expr: bin('-', col('ts'), { kind: 'IntervalLiteral', value: '5', from: 'SECOND' }),
    });
    expect(strip(ast.primaryKey)).toEqual({ columns: [id('id')] });
    expect(ast.comment).toBe('orders');
    expect(strip(ast.partitionedBy)).toEqual([id('s')]);
    expect(ast.options.map((o) => [o.key, o.value])).toEqual([
      ['connector', 'kafka'],
      ['topic', 'o'],
    ]);
    expect(ast.options[1].valuePos).toMatchObject({ line: 16, length: 3 });
  });

  it('CREATE TABLE: an inline primary key, non-reserved keywords as column names, default type parameters', () => {
    const ast = parseStatement(
      'CREATE TABLE t (id INT PRIMARY KEY NOT ENFORCED, `key` STRING, comment STRING, watermark BIGINT, v VARCHAR, d DECIMAL, t TIMESTAMP, l TIMESTAMP WITH LOCAL TIME ZONE, c CHAR)',
    ) as A.CreateTable;
    expect(strip(ast.primaryKey)).toEqual({ columns: [id('id')] });
    expect(ast.columns.map((c) => c.name.value)).toEqual([
      'id',
      'key',
      'comment',
      'watermark',
      'v',
      'd',
      't',
      'l',
      'c',
    ]);
    expect(ast.columns.slice(4).map((c) => (c as A.PhysicalColumn).type.type)).toEqual([
      Types.VARCHAR(MAX_LENGTH),
      Types.DECIMAL(10, 0),
      Types.TIMESTAMP(6),
      Types.TIMESTAMP_LTZ(6),
      Types.CHAR(1),
    ]);
    expect(ast.options).toEqual([]);
  });

  it('CREATE VIEW, DROP TABLE / VIEW', () => {
    expect(stmt('CREATE TEMPORARY VIEW v AS SELECT a FROM t')).toMatchObject({
      kind: 'CreateView',
      temporary: true,
      ifNotExists: false,
      name: name('v'),
      query: { kind: 'Select' },
    });
    expect(stmt('CREATE VIEW IF NOT EXISTS v (x) AS SELECT a FROM t')).toMatchObject({
      ifNotExists: true,
      columns: [id('x')],
    });
    expect(stmt('DROP TABLE IF EXISTS cat.db.t')).toEqual({
      kind: 'DropObject',
      object: 'TABLE',
      temporary: false,
      ifExists: true,
      name: name('cat', 'db', 't'),
    });
    expect(stmt('DROP TEMPORARY VIEW v')).toEqual({
      kind: 'DropObject',
      object: 'VIEW',
      temporary: true,
      ifExists: false,
      name: name('v'),
    });
  });

  it('SET and RESET, with and without a key', () => {
    expect(stmt("SET 'execution.checkpointing.interval' = '5s'")).toEqual({
      kind: 'SetStatement',
      key: { value: 'execution.checkpointing.interval' },
      value: { value: '5s' },
    });
    expect(stmt('SET')).toEqual({ kind: 'SetStatement' });
    expect(stmt("RESET 'parallelism.default'")).toEqual({
      kind: 'ResetStatement',
      key: { value: 'parallelism.default' },
    });
    expect(stmt('RESET')).toEqual({ kind: 'ResetStatement' });
  });

  it('INSERT INTO / OVERWRITE with a column list', () => {
    expect(stmt('INSERT INTO out (a, b) SELECT x, y FROM t')).toMatchObject({
      kind: 'Insert',
      overwrite: false,
      table: name('out'),
      columns: [id('a'), id('b')],
      query: { kind: 'Select' },
    });
    expect(stmt('INSERT OVERWRITE out (SELECT x FROM t)')).toMatchObject({
      overwrite: true,
      query: { kind: 'Select' },
    });
    expect(stmt('INSERT INTO out VALUES (1, 2)')).toMatchObject({ query: { kind: 'Values' } });
  });

  it('SELECT with every clause, stars, aliases and a subquery', () => {
    expect(
      stmt(
        'SELECT DISTINCT *, t.*, a AS x, b y FROM (SELECT * FROM db.t) AS t WHERE a > 1 GROUP BY a, b HAVING COUNT(*) > 1 ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 5',
      ),
    ).toEqual({
      kind: 'QueryStatement',
      query: {
        kind: 'OrderedQuery',
        query: {
          kind: 'Select',
          distinct: true,
          items: [
            { kind: 'SelectStar' },
            { kind: 'SelectStar', qualifier: [id('t')] },
            { kind: 'SelectExpr', expr: col('a'), alias: id('x') },
            { kind: 'SelectExpr', expr: col('b'), alias: id('y') },
          ],
          from: {
            kind: 'SubqueryRef',
            query: {
              kind: 'Select',
              distinct: false,
              items: [{ kind: 'SelectStar' }],
              from: { kind: 'TableName', name: name('db', 't') },
              groupBy: [],
            },
            alias: id('t'),
          },
          where: bin('>', col('a'), num('1')),
          groupBy: [col('a'), col('b')],
          having: bin(
            '>',
            {
              kind: 'FunctionCall',
              name: id('COUNT'),
              args: [],
              distinct: false,
              star: true,
              niladic: false,
            },
            num('1'),
          ),
        },
        orderBy: [
          { expr: col('a'), descending: true, nulls: 'LAST' },
          { expr: col('b'), descending: false },
        ],
        limit: num('10'),
        offset: num('5'),
      },
    });
  });

  it('WITH, UNION ALL and VALUES', () => {
    expect(
      stmt('WITH a AS (SELECT 1), b (x) AS (VALUES (1), (2)) SELECT * FROM a UNION ALL SELECT * FROM b'),
    ).toMatchObject({
      query: {
        kind: 'WithQuery',
        ctes: [
          { name: id('a') },
          { name: id('b'), columns: [id('x')], query: { kind: 'Values', rows: [[num('1')], [num('2')]] } },
        ],
        body: {
          kind: 'SetOperation',
          op: 'UNION',
          all: true,
          left: { kind: 'Select' },
          right: { kind: 'Select' },
        },
      },
    });
    expect(stmt('SELECT 1 UNION SELECT 2')).toMatchObject({ query: { kind: 'SetOperation', all: false } });
  });

  it('EXPLAIN, SHOW TABLES, DESCRIBE', () => {
    expect(stmt('EXPLAIN INSERT INTO o SELECT * FROM t')).toMatchObject({
      kind: 'Explain',
      details: [],
      statement: { kind: 'Insert' },
    });
    expect(stmt('EXPLAIN PLAN FOR SELECT 1')).toMatchObject({
      details: [],
      statement: { kind: 'QueryStatement' },
    });
    expect(stmt('EXPLAIN changelog_mode, ESTIMATED_COST SELECT 1')).toMatchObject({
      details: ['CHANGELOG_MODE', 'ESTIMATED_COST'],
    });
    expect(stmt('SHOW TABLES')).toEqual({ kind: 'ShowTables', views: false });
    expect(stmt('show views')).toEqual({ kind: 'ShowTables', views: true });
    expect(stmt('DESCRIBE db.t')).toEqual({ kind: 'Describe', name: name('db', 't') });
    expect(stmt('DESC t')).toEqual({ kind: 'Describe', name: name('t') });
  });
});

describe('CREATE FUNCTION and DROP FUNCTION', () => {
  it("parses Flink's forms", () => {
    expect(stmt("CREATE TEMPORARY SYSTEM FUNCTION f AS './f.mjs' LANGUAGE javascript")).toEqual({
      kind: 'CreateFunction',
      temporary: true,
      system: true,
      ifNotExists: false,
      name: name('f'),
      className: './f.mjs',
      language: 'JAVASCRIPT',
      jars: [],
    });
    expect(stmt("CREATE FUNCTION IF NOT EXISTS f AS 'a.B' USING JAR 'x.jar'")).toMatchObject({
      temporary: false,
      system: false,
      ifNotExists: true,
      jars: ['x.jar'],
    });
    expect(stmt('DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f')).toEqual({
      kind: 'DropObject',
      object: 'FUNCTION',
      temporary: true,
      system: true,
      ifExists: true,
      name: name('f'),
    });
  });

  it('allows SYSTEM only for temporary functions', () => {
    expect(() => parseStatement("CREATE SYSTEM FUNCTION f AS 'a.B'")).toThrow(
      /SYSTEM is only allowed in CREATE TEMPORARY SYSTEM FUNCTION/,
    );
    expect(() => parseStatement('CREATE TEMPORARY SYSTEM TABLE t (a INT)')).toThrow(
      /SYSTEM is only allowed in CREATE TEMPORARY SYSTEM FUNCTION/,
    );
    expect(() => parseStatement('DROP TEMPORARY SYSTEM VIEW v')).toThrow(
      /SYSTEM is only allowed in DROP TEMPORARY SYSTEM FUNCTION/,
    );
  });

  it('still reads system, using and jar as identifiers', () => {
    expect(stmt('SELECT system, `using`, jar FROM t')).toMatchObject({ kind: 'QueryStatement' });
  });
});

describe('subqueries in expressions', () => {
  it('IN (SELECT …), NOT IN, EXISTS and a scalar subquery; a parenthesized value is still a value', () => {
    const sub = (sql: string) => (stmt(sql) as { query: unknown }).query;
    expect(expr('a IN (SELECT b FROM u)')).toEqual({
      kind: 'InSubqueryExpr',
      operand: col('a'),
      query: sub('SELECT b FROM u'),
      negated: false,
    });
    expect(expr('a NOT IN (SELECT b FROM u)')).toMatchObject({ kind: 'InSubqueryExpr', negated: true });
    expect(expr('NOT EXISTS (SELECT * FROM u WHERE u.b = a)')).toEqual({
      kind: 'UnaryExpr',
      op: 'NOT',
      operand: { kind: 'ExistsExpr', query: sub('SELECT * FROM u WHERE u.b = a') },
    });
    expect(expr('(SELECT MAX(b) FROM u)')).toEqual({
      kind: 'ScalarSubquery',
      query: sub('SELECT MAX(b) FROM u'),
    });
    expect(expr('a IN (1, (2))')).toEqual({
      kind: 'InExpr',
      operand: col('a'),
      items: [num('1'), num('2')],
      negated: false,
    });
  });
});

describe('print', () => {
  const statements = [
    `CREATE TABLE orders (order_id BIGINT, price DECIMAL(10, 2), buyer STRING, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.order_id.kind' = 'sequence')`,
    `CREATE TEMPORARY TABLE IF NOT EXISTS c.d.t (id BIGINT NOT NULL PRIMARY KEY NOT ENFORCED COMMENT 'x''y', \`select\` STRING, m MAP<STRING, ARRAY<INT NOT NULL>>, r ROW<a INT COMMENT 'c', \`b c\` MULTISET<BYTES>>, tot AS id * 2, meta TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL, v VARBINARY(3), b BINARY, tm TIME(3), f FLOAT, d DOUBLE, bo BOOLEAN, ti TINYINT, si SMALLINT, dt DATE, ch CHAR(3), ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' MINUTE) COMMENT 'tbl' PARTITIONED BY (id, v) WITH ('k' = 'v')`,
    'CREATE TABLE t (a INT)',
    "CREATE VIEW v (x, y) COMMENT 'c' AS SELECT a, b FROM t WHERE a <> 1",
    'DROP TEMPORARY TABLE IF EXISTS t',
    'DROP VIEW v',
    "SET 'a' = 'b'",
    'SET',
    "RESET 'a'",
    'RESET',
    'INSERT INTO o (a) SELECT a FROM t',
    'INSERT OVERWRITE o SELECT * FROM t',
    "SELECT a + b * c, -a, - -a, NOT NOT a, a IS NOT NULL, a IN (1, 2), a NOT BETWEEN 1 AND 2, a LIKE 'x' ESCAPE 'y', a || 'b' FROM t",
    "SELECT CAST(a AS VARCHAR(3)), TRY_CAST(a AS INT NOT NULL), CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' ELSE 'many' END, CASE WHEN a THEN 1 END FROM t",
    "SELECT COUNT(*), COUNT(DISTINCT a), SUBSTRING(s FROM 1 FOR 2), CURRENT_TIMESTAMP, INTERVAL '1:30' MINUTE TO SECOND, DATE '2024-01-01', TIME '00:00:01', TIMESTAMP '2024-01-01 00:00:00.5', 1.5e3, .5, TRUE, FALSE, NULL, a IS UNKNOWN FROM t",
    "SELECT b, COUNT(*) FILTER (WHERE a > 1), LISTAGG(DISTINCT s, ';') FILTER (WHERE s <> 'x') FROM t GROUP BY b",
    'SELECT DISTINCT t.*, `a b`.`c``d` AS `e f` FROM (SELECT * FROM t) AS `a b` WHERE (a OR b) AND (c OR d) GROUP BY a HAVING SUM(b) > 1',
    'SELECT a FROM t UNION ALL SELECT b FROM u UNION SELECT c FROM v ORDER BY a DESC NULLS FIRST LIMIT 3 OFFSET 1',
    '(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT a FROM u ORDER BY a LIMIT 1)',
    'SELECT a FROM t UNION ALL (SELECT b FROM u UNION ALL SELECT c FROM v)',
    'WITH a (x) AS (SELECT 1), b AS (SELECT * FROM a) SELECT * FROM b',
    'VALUES (1, 2), (3, 4)',
    'EXPLAIN CHANGELOG_MODE INSERT INTO o SELECT * FROM t',
    'SHOW TABLES',
    'SHOW VIEWS',
    'DESCRIBE a.b',
    'SELECT a FROM t WHERE a IN (SELECT b FROM u) AND NOT EXISTS (SELECT * FROM v WHERE v.c = t.a) AND a NOT IN (VALUES (1))',
    'SELECT a FROM t WHERE a > (SELECT MAX(b) FROM u) AND (a) IN (1, 2)',
    "CREATE TEMPORARY SYSTEM FUNCTION IF NOT EXISTS f AS './f.mjs#g' LANGUAGE JAVASCRIPT",
    "CREATE FUNCTION c.d.f AS 'com.acme.F' LANGUAGE JAVA USING JAR '/a.jar', JAR '/b.jar'",
    'DROP TEMPORARY SYSTEM FUNCTION IF EXISTS f',
    'DROP FUNCTION c.d.f',
    "CREATE TABLE IF NOT EXISTS k WITH ('connector' = 'blackhole') AS SELECT a, b FROM t WHERE a > 1",
    "ALTER TABLE c.d.t SET ('a' = 'b', 'c' = 'd')",
    "ALTER TABLE t RESET ('a', 'b')",
    'ALTER TABLE t RENAME TO u',
    'USE CATALOG default_catalog',
    'USE default_catalog.default_database',
  ];

  it.each(statements)('parse(print(parse(x))) equals parse(x): %s', (sql) => {
    const first = parseStatement(sql);
    const printed = print(first);
    expect(strip(parseStatement(printed))).toEqual(strip(first));
  });

  it('prints readable SQL', () => {
    expect(print(parseStatement('select a+1 as `x`, `order` from T where a>1'))).toBe(
      'SELECT a + 1 AS x, `order` FROM T WHERE a > 1',
    );
  });

  it('masks sensitive option values when asked', () => {
    const ast = parseStatement(
      "CREATE TABLE t (a INT) WITH ('connector' = 'jdbc', 'password' = 'hunter2', 'properties.sasl.jaas.config' = 'x', 'x.token' = 'y')",
    );
    const masked = print(ast, { maskSecrets: true });
    expect(masked).not.toContain('hunter2');
    expect(masked).toContain("'password' = '******'");
    expect(masked).toContain("'properties.sasl.jaas.config' = '******'");
    expect(masked).toContain("'x.token' = '******'");
    expect(masked).toContain("'connector' = 'jdbc'");
  });
});
