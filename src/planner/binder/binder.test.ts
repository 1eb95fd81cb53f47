import { describe, expect, it } from 'vitest';
import type { Expr } from '../../common/expr.js';
import { BUILTIN_FUNCTIONS } from '../../common/functions.js';
import type { CalcSpec } from '../../common/jobgraph.js';
import { formatType, Types } from '../../common/types.js';
import { TEST_CONNECTORS } from '../__fixtures__/connectors.js';
import { SqlSession } from '../session.js';

const SETUP = `CREATE TABLE src (i INT, bi BIGINT, d DECIMAL(10, 2), d4 DECIMAL(5, 4), f FLOAT, db DOUBLE, s STRING, c CHAR(3), b BOOLEAN, ts TIMESTAMP(3), dt DATE) WITH ('connector' = 'datagen');`;

/** The Calc's output expressions for `SELECT <exprs> FROM src`, planned through a print sink of matching types. */
function calc(select: string, where?: string): CalcSpec {
  const s = new SqlSession({ connectors: TEST_CONNECTORS });
  s.executeScript(SETUP);
  s.executeScript(`CREATE VIEW q AS SELECT ${select} FROM src${where ? ` WHERE ${where}` : ''}`);
  const view = s.catalog.get({ catalog: 'default_catalog', database: 'default_database', name: 'q' });
  if (view?.kind !== 'view' || !view.schema) throw new Error('view not planned');
  const columns = view.schema.fields.map(
    (f) => `\`${f.name}\` ${formatType({ ...f.type, timeAttribute: undefined })}`,
  );
  const [, job] = s.executeScript(
    `CREATE TABLE out (${columns.join(', ')}) WITH ('connector' = 'print'); INSERT INTO out SELECT * FROM q`,
  );
  if (job.kind !== 'job') throw new Error(job.kind);
  const spec = job.jobGraph.vertices.find((v) => v.operator.kind === 'calc')?.operator;
  if (spec?.kind !== 'calc') throw new Error('no calc');
  return spec;
}

const types = (select: string) => calc(select).projection.map((e) => formatType(e.type));

function calls(e: Expr, out: string[] = []): string[] {
  if (e.kind === 'call') {
    out.push(e.fn);
    for (const a of e.args) calls(a, out);
  }
  return out;
}

describe('type inference', () => {
  it('types literals from their spelling', () => {
    expect(
      types(
        "1, 3000000000, 1.50, 0.5, 1e3, 'abc', TRUE, DATE '2024-01-31', TIMESTAMP '2024-01-31 10:00:00.5'",
      ),
    ).toEqual([
      'INT NOT NULL',
      'BIGINT NOT NULL',
      'DECIMAL(3, 2) NOT NULL',
      'DECIMAL(1, 1) NOT NULL',
      'DOUBLE NOT NULL',
      'CHAR(3) NOT NULL',
      'BOOLEAN NOT NULL',
      'DATE NOT NULL',
      'TIMESTAMP(1) NOT NULL',
    ]);
    const p = calc(
      "DATE '1970-01-02', TIMESTAMP '1970-01-01 00:00:01.5', ts + INTERVAL '1:30' MINUTE TO SECOND, dt + INTERVAL '2' YEAR, ts - INTERVAL '-1 02:00:00' DAY TO SECOND",
    ).projection;
    const value = (e: Expr): unknown =>
      e.kind === 'literal' ? e.value : e.kind === 'call' ? value(e.args[1]) : undefined;
    expect(p.map(value)).toEqual([1, 1500, 90_000, 24, -93_600_000]);
  });

  it('widens numerics in arithmetic as Flink does', () => {
    expect(
      types(
        'i + bi, i + d, d + d4, d * d4, d / i, i / i, i % bi, f + i, f + db, d + db, -d, ABS(f), MOD(bi, i)',
      ),
    ).toEqual([
      'BIGINT',
      'DECIMAL(13, 2)',
      'DECIMAL(13, 4)',
      'DECIMAL(16, 6)',
      'DECIMAL(21, 13)',
      'INT',
      'BIGINT',
      'FLOAT',
      'DOUBLE',
      'DOUBLE',
      'DECIMAL(10, 2)',
      'FLOAT',
      'INT',
    ]);
  });

  it('casts integers to DECIMAL and DECIMAL to DOUBLE where they meet, folding literals', () => {
    const [sum, mixed, cmp] = calc('i + d, d + db, d > 1.5').projection;
    expect(sum).toMatchObject({
      fn: '+',
      args: [{ fn: 'CAST', type: Types.DECIMAL(10, 0) }, { kind: 'input' }],
    });
    expect(mixed).toMatchObject({ fn: '+', args: [{ fn: 'CAST', type: Types.DOUBLE() }, { kind: 'input' }] });
    expect(cmp).toMatchObject({
      fn: '>',
      args: [{ kind: 'input' }, { kind: 'literal', value: '150', type: Types.DECIMAL(10, 2, false) }],
    });
  });

  it('derives string, boolean and conditional types with nullability', () => {
    expect(
      types(
        "s || 'x', c || 'ab', UPPER(c), CHAR_LENGTH(s), SUBSTRING(s, 1, 2), CONCAT(c, 'ab'), COALESCE(i, 0), COALESCE(i, bi), i IS NULL, b IS TRUE, i IN (1, 2), i BETWEEN 1 AND 2, s LIKE 'a%', NOT b, CAST(i AS STRING), TRY_CAST(s AS INT), CAST(1 AS BIGINT)",
      ),
    ).toEqual([
      'STRING',
      'CHAR(5)',
      'CHAR(3)',
      'INT',
      'STRING',
      'VARCHAR(5)',
      'INT NOT NULL',
      'BIGINT',
      'BOOLEAN NOT NULL',
      'BOOLEAN NOT NULL',
      'BOOLEAN',
      'BOOLEAN',
      'BOOLEAN',
      'BOOLEAN',
      'STRING',
      'INT',
      'BIGINT NOT NULL',
    ]);
  });

  it('rewrites the simple CASE into the searched form, converting results to the common type', () => {
    const [simple, searched] = calc(
      "CASE i WHEN 1 THEN 'one' WHEN 2 THEN 'two' END, CASE WHEN b THEN i ELSE d END",
    ).projection;
    expect(simple).toEqual({
      kind: 'call',
      fn: 'CASE',
      args: [
        {
          kind: 'call',
          fn: '=',
          args: [
            { kind: 'input', index: 0, type: Types.INT() },
            { kind: 'literal', value: 1, type: Types.INT(false) },
          ],
          type: Types.BOOLEAN(),
        },
        { kind: 'literal', value: 'one', type: Types.CHAR(3, false) },
        {
          kind: 'call',
          fn: '=',
          args: [
            { kind: 'input', index: 0, type: Types.INT() },
            { kind: 'literal', value: 2, type: Types.INT(false) },
          ],
          type: Types.BOOLEAN(),
        },
        { kind: 'literal', value: 'two', type: Types.CHAR(3, false) },
      ],
      type: Types.CHAR(3),
    });
    expect(searched.type).toEqual(Types.DECIMAL(12, 2));
    // INT needs a conversion to DECIMAL(12, 2); DECIMAL(10, 2) has the same scale and needs none.
    expect(searched).toMatchObject({
      args: [{ kind: 'input' }, { fn: 'CAST', type: Types.DECIMAL(12, 2) }, { kind: 'input' }],
    });
  });

  it('implicitly casts to the sink column types (INT → BIGINT, CHAR → STRING, DECIMAL scale)', () => {
    const s = new SqlSession({ connectors: TEST_CONNECTORS });
    s.executeScript(SETUP);
    const [, job] = s.executeScript(
      "CREATE TABLE out (x BIGINT, y STRING, z DECIMAL(12, 4), w DOUBLE) WITH ('connector' = 'print'); INSERT INTO out SELECT i, 'lit', d, d FROM src",
    );
    if (job.kind !== 'job') throw new Error(job.kind);
    const spec = job.jobGraph.vertices[1].operator as CalcSpec;
    expect(spec.projection).toEqual([
      { kind: 'input', index: 0, type: Types.INT() },
      { kind: 'literal', value: 'lit', type: Types.CHAR(3, false) },
      {
        kind: 'call',
        fn: 'CAST',
        args: [{ kind: 'input', index: 2, type: Types.DECIMAL(10, 2) }],
        type: Types.DECIMAL(12, 4),
      },
      {
        kind: 'call',
        fn: 'CAST',
        args: [{ kind: 'input', index: 2, type: Types.DECIMAL(10, 2) }],
        type: Types.DOUBLE(),
      },
    ]);
  });

  it('fills unlisted sink columns with NULL and reorders listed ones', () => {
    const s = new SqlSession({ connectors: TEST_CONNECTORS });
    s.executeScript(SETUP);
    const [, job] = s.executeScript(
      "CREATE TABLE out (x INT, y STRING, z INT) WITH ('connector' = 'print'); INSERT INTO out (z, y) SELECT i, s FROM src",
    );
    if (job.kind !== 'job') throw new Error(job.kind);
    expect((job.jobGraph.vertices[1].operator as CalcSpec).projection).toEqual([
      { kind: 'literal', value: null, type: Types.INT() },
      { kind: 'input', index: 6, type: Types.STRING() },
      { kind: 'input', index: 0, type: Types.INT() },
    ]);
  });

  it('only produces calls of built-in functions the runtime knows', () => {
    const spec = calc(
      "i + 1, i - 1, i * 2, i / 2, i % 2, -i, ABS(i), MOD(i, 2), FLOOR(d), CEIL(d), ROUND(d, 1), POWER(db, 2), SQRT(db), UPPER(s), LOWER(s), CHAR_LENGTH(s), SUBSTR(s, 1), CONCAT(s, s), CONCAT_WS(',', s), REPLACE(s, 'a', 'b'), TRIM(s), INITCAP(s), MD5(s), LPAD(s, 2, 'x'), REGEXP(s, 'a'), REGEXP_REPLACE(s, 'a', 'b'), REGEXP_EXTRACT(s, 'a'), SPLIT_INDEX(s, ',', 0), JSON_VALUE(s, '$.a'), COALESCE(s, 'x'), NULLIF(i, 0), IF(b, 1, 2), GREATEST(i, 2), LEAST(i, 2), CAST(i AS STRING), TRY_CAST(s AS INT), CASE WHEN b THEN 1 END, s || s, i IS NOT NULL, b IS NOT FALSE, i NOT IN (1), i NOT BETWEEN 1 AND 2, s NOT LIKE 'x', b AND b OR NOT b, i <> 1, i <= 1, i >= 1, i < 1, i = 1, CURRENT_TIMESTAMP, NOW(), LOCALTIMESTAMP, CURRENT_DATE, DATE_FORMAT(ts, 'yyyy'), TO_TIMESTAMP(s), FROM_UNIXTIME(bi), UNIX_TIMESTAMP(), HOUR(ts), MINUTE(ts), SECOND(ts), DAYOFMONTH(ts), ts + INTERVAL '1' HOUR, dt - INTERVAL '1' DAY, RAND()",
    );
    const used = new Set(spec.projection.flatMap((e) => calls(e)));
    for (const fn of used) expect(BUILTIN_FUNCTIONS).toContain(fn);
    expect(used.size).toBeGreaterThan(50);
  });
});

describe('planning speed', () => {
  it('parses and plans the quickstart script quickly', () => {
    const script = `CREATE TABLE orders (order_id BIGINT, price DECIMAL(10, 2), buyer STRING, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.order_id.kind' = 'sequence', 'fields.order_id.start' = '1', 'fields.order_id.end' = '1000000');
CREATE TABLE big_orders (order_id BIGINT, buyer STRING, price DECIMAL(10, 2)) WITH ('connector' = 'print');
SET 'execution.checkpointing.interval' = '5s';
INSERT INTO big_orders SELECT order_id, UPPER(buyer), price FROM orders WHERE price > 50;`;
    const once = () => new SqlSession({ connectors: TEST_CONNECTORS }).executeScript(script);
    for (let i = 0; i < 50; i++) once();
    const runs = 500;
    const start = performance.now();
    for (let i = 0; i < runs; i++) once();
    const perRun = (performance.now() - start) / runs;
    console.log(`parse + plan of the quickstart script: ${perRun.toFixed(3)} ms (mean of ${runs} runs)`);
    expect(perRun).toBeGreaterThan(0);
  });
});
