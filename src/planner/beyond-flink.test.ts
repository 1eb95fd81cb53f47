import { describe, expect, it } from 'vitest';
import { plannerProbe } from './__fixtures__/planner-session.js';

/**
 * Queries Flink refuses and weir plans, each with one unambiguous meaning (Nexmark q6 needs all of
 * them; docs/sql.md lists them): a WHERE naming an OVER call's alias, a qualifier looked up through
 * an unaliased derived table, any value into a STRING sink column, and an OVER window over an
 * updating input or a non-time ordering. Queries Flink accepts plan as before, and the errors Flink
 * gives for the near misses stay.
 */
const SETUP = `CREATE TABLE bid (auction BIGINT, bidder BIGINT, price BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE names (auction STRING, x BIGINT) WITH ('connector' = 'print');
CREATE TABLE short (auction VARCHAR(5), x BIGINT) WITH ('connector' = 'print');
CREATE TABLE out2 (auction BIGINT, x BIGINT) WITH ('connector' = 'print');`;

const { one, explain, failure } = plannerProbe(SETUP);

/** The optimized plans of EXPLAIN, without the abstract syntax tree. */
function explained(sql: string): string {
  const text = explain(sql);
  return text.slice(text.indexOf('== Optimized Physical Plan =='));
}

describe('beyond Flink', () => {
  it('reads a WHERE on the alias of ROW_NUMBER() as a filter after it: a Top-N', () => {
    const aliased = explained(
      'INSERT INTO out2 SELECT auction, price FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid WHERE price > 10 AND rn <= 1)',
    );
    const nested = explained(
      'INSERT INTO out2 SELECT auction, price FROM (SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rn FROM bid WHERE price > 10) WHERE rn <= 1)',
    );
    expect(aliased).toContain(
      'Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=1]',
    );
    expect(aliased).toEqual(nested);
  });

  it('keeps Calcite’s error for a WHERE on an alias of anything else', () => {
    const err = failure('INSERT INTO out2 SELECT auction, price * 2 AS p FROM bid WHERE p > 1');
    expect(err.message).toBe("Column 'p' not found in any table");
  });

  it('resolves a qualifier through a derived table without an alias, and only then', () => {
    const job = one(
      'INSERT INTO out2 SELECT B.auction, B.price FROM (SELECT B.auction, B.price FROM bid AS B)',
    );
    expect(job.kind).toBe('job');
    const err = failure(
      'INSERT INTO out2 SELECT B.auction, B.price FROM (SELECT B.auction, B.price FROM bid AS B) AS s',
    );
    expect(err.message).toBe("Table 'B' not found");
  });

  it('writes any value into a STRING column, and still asks for a CAST into VARCHAR(n)', () => {
    expect(one('INSERT INTO names SELECT auction, price FROM bid').kind).toBe('job');
    expect(failure('INSERT INTO short SELECT auction, price FROM bid').message).toBe(
      "Incompatible types for sink column 'auction' at position 0: the query produces BIGINT, the sink takes VARCHAR(5)",
    );
  });

  it('reads a bare VARCHAR as STRING and VARBINARY as BYTES, as Flink’s type system does', () => {
    const r = one(
      "CREATE TABLE t (s VARCHAR, b VARBINARY, c CHAR) WITH ('connector' = 'print');\nDESCRIBE t",
    );
    if (r.kind !== 'rows') throw new Error(r.kind);
    expect(r.rows.map((row) => row[1])).toEqual(['STRING', 'BYTES', 'CHAR(1)']);
  });

  it('runs an OVER window over an updating input as a retractable OverAggregate', () => {
    const text = explained(
      'INSERT INTO out2 SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM (SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY bidder ORDER BY price DESC) AS rn FROM bid) WHERE rn <= 3)',
    );
    expect(text).toContain(
      'OverAggregate(partitionBy=[auction], orderBy=[ts ASC], window=[ ROWS BETWEEN 2 PRECEDING AND CURRENT ROW], retract=[true]',
    );
  });

  it('runs an OVER window ordered by a non-time column as a retractable OverAggregate', () => {
    const text = explained(
      'INSERT INTO out2 SELECT auction, SUM(price) OVER (PARTITION BY auction ORDER BY price DESC, bidder ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM bid',
    );
    expect(text).toContain('orderBy=[price DESC, bidder ASC]');
    expect(text).toContain('retract=[true]');
  });
});
