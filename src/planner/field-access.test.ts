import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { CalcSpec } from '../common/jobgraph.js';
import { formatType } from '../common/types.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession } from './session.js';

const DDL = `CREATE TABLE ev (
  kind INT,
  bid ROW<auction BIGINT, price BIGINT NOT NULL, \`dateTime\` TIMESTAMP(3), sub ROW<x INT NOT NULL>>,
  person ROW<id BIGINT, name STRING> NOT NULL
) WITH ('connector' = 'datagen');
CREATE TABLE out (a BIGINT, b BIGINT, c TIMESTAMP(3), d INT) WITH ('connector' = 'print');
`;

function session(): SqlSession {
  const s = new SqlSession({ connectors: TEST_CONNECTORS });
  s.executeScript(DDL);
  return s;
}

function failure(sql: string): WeirError {
  try {
    session().executeScript(sql);
  } catch (err) {
    if (isWeirError(err)) return err;
    throw err;
  }
  throw new Error(`no error for ${sql}`);
}

describe('field access on ROW columns', () => {
  it('binds column.field, table.column.field, backquoted and nested fields to GET_FIELD', () => {
    const [r] = session().executeScript(
      'INSERT INTO out SELECT bid.auction, ev.bid.price, bid.`dateTime`, ev.bid.sub.x FROM ev WHERE person.id > 10',
    );
    if (r.kind !== 'job') throw new Error(r.kind);
    const calc = r.jobGraph.vertices[1].operator as CalcSpec;
    expect(r.jobGraph.vertices[1].name).toBe(
      'Calc(select=[bid.auction AS auction, bid.price AS price, bid.dateTime AS dateTime, bid.sub.x AS x], where=[(person.id > 10)])',
    );
    expect(calc.projection[0]).toMatchObject({
      kind: 'call',
      fn: 'GET_FIELD',
      args: [
        { kind: 'input', index: 1 },
        { kind: 'literal', value: 0 },
      ],
    });
    // A field of a nullable ROW is nullable even when declared NOT NULL; of a NOT NULL row, as declared.
    expect(calc.outputType.fields.map((f) => formatType(f.type))).toEqual([
      'BIGINT',
      'BIGINT',
      'TIMESTAMP(3)',
      'INT',
    ]);
    const cond = calc.condition;
    if (cond?.kind !== 'call') throw new Error('no condition');
    expect(formatType(cond.args[0].type)).toBe('BIGINT');
  });

  it('EXPLAIN prints $n.field in the plans', () => {
    const s = session();
    const [stmt] = s.parseScript('INSERT INTO out SELECT bid.auction, bid.price, bid.`dateTime`, 1 FROM ev');
    const text = s.explain(stmt);
    expect(text).toContain('LogicalProject(auction=[$1.auction], price=[$1.price], dateTime=[$1.dateTime]');
    expect(text).toContain('Calc(select=[bid.auction AS auction, bid.price AS price');
  });

  it('a table name first: t.c is table t column c', () => {
    const e = failure('INSERT INTO out SELECT ev.auction, 1, CAST(NULL AS TIMESTAMP(3)), 1 FROM ev');
    expect(e.message).toBe("Column 'auction' not found in table 'ev'");
  });

  it('unknown fields are reported at their line:column with a guess', () => {
    const e = failure('INSERT INTO out\nSELECT bid.auctoin, 1, bid.`dateTime`, 1 FROM ev');
    expect(e.code).toBe('SQL_VALIDATION');
    expect(e.message).toBe("Field 'auctoin' not found in 'bid'");
    expect(e.hint).toBe("did you mean 'auction'?");
    expect(e.position).toMatchObject({ line: 2, column: 12 });
    const nested = failure('INSERT INTO out SELECT bid.sub.y, 1, bid.`dateTime`, 1 FROM ev');
    expect(nested.message).toBe("Field 'y' not found in 'bid.sub'");
    const scalar = failure('INSERT INTO out SELECT kind.x, 1, bid.`dateTime`, 1 FROM ev');
    expect(scalar.message).toBe("Cannot access field 'x' of 'kind': it is INT, not a ROW");
    const table = failure('INSERT INTO out SELECT evv.bid.price, 1, bid.`dateTime`, 1 FROM ev');
    expect(table.message).toBe("Table 'evv' not found");
  });
});
