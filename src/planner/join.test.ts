import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { JobGraph, JoinSpec } from '../common/jobgraph.js';
import { formatType } from '../common/types.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

const SETUP = `CREATE TABLE orders (order_id BIGINT, customer_id INT, amount DECIMAL(10, 2), ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE customers (id INT, name STRING, score DECIMAL(5, 1), ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen');
CREATE TABLE enriched (order_id BIGINT, name STRING) WITH ('connector' = 'print');
CREATE TABLE appends (order_id BIGINT, name STRING) WITH ('connector' = 'vault', 'url' = 'x');`;

function session(): SqlSession {
  const s = new SqlSession({ connectors: TEST_CONNECTORS });
  s.executeScript(SETUP);
  return s;
}

function one(sql: string): StatementResult {
  const results = session().executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

function explain(sql: string): string {
  const r = one(sql);
  if (r.kind !== 'explain') throw new Error(r.kind);
  return r.text;
}

function job(sql: string): JobGraph {
  const r = one(sql);
  if (r.kind !== 'job') throw new Error(r.kind);
  return r.jobGraph;
}

function joinOf(g: JobGraph): JoinSpec {
  const v = g.vertices.find((x) => x.operator.kind === 'join');
  if (v?.operator.kind !== 'join') throw new Error('no join');
  return v.operator;
}

function failure(sql: string): WeirError {
  try {
    one(sql);
  } catch (err) {
    if (isWeirError(err)) return err;
    throw err;
  }
  throw new Error(`no error for ${sql}`);
}

const physical = (text: string) =>
  text.slice(text.indexOf('== Optimized Physical Plan =='), text.indexOf('== Optimized Execution Plan =='));

describe('regular joins: plans', () => {
  it('EXPLAIN: LogicalJoin, then Exchange(hash) per side into a Join, filters and unused columns pushed below it', () => {
    expect(
      explain(
        'EXPLAIN CHANGELOG_MODE INSERT INTO enriched SELECT o.order_id, c.name FROM orders AS o JOIN customers AS c ON o.customer_id = c.id WHERE o.amount > 10',
      ),
    ).toBe(`== Abstract Syntax Tree ==
LogicalSink(table=[default_catalog.default_database.enriched], fields=[order_id, name])
+- LogicalProject(order_id=[$0], name=[$5])
   +- LogicalFilter(condition=[>($2, 10.00)])
      +- LogicalJoin(condition=[=($1, $4)], joinType=[inner])
         :- LogicalWatermarkAssigner(rowtime=[ts], watermark=[-($3, 1000:INTERVAL DAY TO SECOND)])
         :  +- LogicalTableScan(table=[[default_catalog, default_database, orders]])
         +- LogicalWatermarkAssigner(rowtime=[ts], watermark=[$3])
            +- LogicalTableScan(table=[[default_catalog, default_database, customers]])

== Optimized Physical Plan ==
Sink(table=[default_catalog.default_database.enriched], fields=[order_id, name], changelogMode=[NONE])
+- Calc(select=[order_id, name], changelogMode=[I])
   +- Join(joinType=[InnerJoin], where=[=(customer_id, id)], select=[order_id, customer_id, id, name], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey], changelogMode=[I])
      :- Exchange(distribution=[hash[customer_id]], changelogMode=[I])
      :  +- Calc(select=[order_id, customer_id], where=[>(amount, 10.00)], changelogMode=[I])
      :     +- WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 1000:INTERVAL DAY TO SECOND)], changelogMode=[I])
      :        +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, customer_id, amount, ts], changelogMode=[I])
      +- Exchange(distribution=[hash[id]], changelogMode=[I])
         +- Calc(select=[id, name], changelogMode=[I])
            +- WatermarkAssigner(rowtime=[ts], watermark=[ts], changelogMode=[I])
               +- TableSourceScan(table=[[default_catalog, default_database, customers]], fields=[id, name, score, ts], changelogMode=[I])

== Optimized Execution Plan ==
Sink(table=[default_catalog.default_database.enriched], fields=[order_id, name])
+- Calc(select=[order_id, name])
   +- Join(joinType=[InnerJoin], where=[(customer_id = id)], select=[order_id, customer_id, id, name], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey])
      :- Exchange(distribution=[hash[customer_id]])
      :  +- Calc(select=[order_id, customer_id], where=[(amount > 10.00)])
      :     +- WatermarkAssigner(rowtime=[ts], watermark=[(ts - 1000:INTERVAL DAY TO SECOND)])
      :        +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, customer_id, amount, ts])
      +- Exchange(distribution=[hash[id]])
         +- Calc(select=[id, name])
            +- WatermarkAssigner(rowtime=[ts], watermark=[ts])
               +- TableSourceScan(table=[[default_catalog, default_database, customers]], fields=[id, name, score, ts])
`);
  });

  it('a comma join takes its keys from WHERE; non-equi conditions stay in the join', () => {
    const text = explain(
      "EXPLAIN INSERT INTO enriched SELECT o.order_id, c.name FROM orders o, customers c WHERE o.customer_id = c.id AND o.amount > c.score AND c.name <> 'x'",
    );
    expect(physical(text)).toContain(
      'Join(joinType=[InnerJoin], where=[AND(=(customer_id, id), >(amount, CAST(score AS DECIMAL(10, 2))))], select=[order_id, customer_id, amount, id, name, score]',
    );
    expect(physical(text)).toContain("Calc(select=[id, name, score], where=[<>(name, 'x')])");
    const spec = joinOf(
      job(
        "INSERT INTO enriched SELECT o.order_id, c.name FROM orders o, customers c WHERE o.customer_id = c.id AND o.amount > c.score AND c.name <> 'x'",
      ),
    );
    expect(spec).toMatchObject({ joinType: 'INNER', leftKeys: [1], rightKeys: [0], filterNulls: [true] });
    expect(spec.nonEquiCondition).toMatchObject({ kind: 'call', fn: '>' });
  });

  it('outer joins: the padded side becomes nullable and the join emits retractions', () => {
    const text = explain(
      'EXPLAIN CHANGELOG_MODE INSERT INTO enriched SELECT o.order_id, c.name FROM orders o LEFT JOIN customers c ON o.customer_id = c.id',
    );
    expect(physical(text)).toContain('Join(joinType=[LeftOuterJoin]');
    expect(physical(text)).toContain('changelogMode=[I,UB,UA,D])');
    for (const [type, name] of [
      ['RIGHT', 'RightOuterJoin'],
      ['FULL', 'FullOuterJoin'],
    ]) {
      expect(
        explain(
          `EXPLAIN INSERT INTO enriched SELECT o.order_id, c.name FROM orders o ${type} OUTER JOIN customers c ON o.customer_id = c.id`,
        ),
      ).toContain(`Join(joinType=[${name}]`);
    }
    const g = job(
      'INSERT INTO enriched SELECT o.order_id, c.name FROM orders o RIGHT JOIN customers c ON o.customer_id = c.id',
    );
    const spec = joinOf(g);
    expect(spec.joinType).toBe('RIGHT');
    expect(formatType(spec.outputType.fields[0].type)).toBe('BIGINT');
    expect(g.vertices.find((v) => v.operator.kind === 'sink')?.operator).toMatchObject({
      inputChangelogMode: 'retract',
    });
  });

  it('ON conditions over the preserved side stay in the join; over the other side they filter its input', () => {
    const text = physical(
      explain(
        'EXPLAIN INSERT INTO enriched SELECT o.order_id, c.name FROM orders o LEFT JOIN customers c ON o.customer_id = c.id AND o.amount > 5 AND c.score > 1',
      ),
    );
    expect(text).toContain('where=[AND(=(customer_id, id), >(amount, 5.00))]');
    expect(text).toContain('Calc(select=[id, name], where=[>(score, 1.0)])');
  });

  it('keys of different types meet as one type: the DECIMAL side is computed below the join', () => {
    const g = job(
      'INSERT INTO enriched SELECT o.order_id, c.name FROM orders o JOIN customers c ON o.amount = c.score',
    );
    const spec = joinOf(g);
    // amount DECIMAL(10, 2) and score DECIMAL(5, 1) are compared as DECIMAL(11, 2): score is cast.
    const right = spec.rightType.fields[spec.rightKeys[0]];
    expect(formatType(right.type)).toBe(formatType(spec.leftType.fields[spec.leftKeys[0]].type));
    const text = physical(
      explain(
        'EXPLAIN INSERT INTO enriched SELECT o.order_id, c.name FROM orders o JOIN customers c ON o.amount = c.score',
      ),
    );
    expect(text).toMatch(/Calc\(select=\[name, CAST\(score AS DECIMAL\(\d+, 2\)\) AS \$f\d\]\)/);
  });

  it('the JobGraph: a keyed two-input vertex, hash edges into input 0 and input 1', () => {
    const g = job(
      'INSERT INTO enriched SELECT o.order_id, c.name FROM orders o JOIN customers c ON o.customer_id = c.id',
    );
    const v = g.vertices.find((x) => x.operator.kind === 'join')!;
    expect(v.keyed).toEqual({ fields: [1], secondInputFields: [0] });
    const into = g.edges.filter((e) => e.target === v.id);
    expect(into.map((e) => [e.partitioner, e.keys, e.inputIndex])).toEqual([
      ['hash', [1], undefined],
      ['hash', [0], 1],
    ]);
  });

  it('a join without any equality runs at parallelism 1 with single distribution, as in Flink', () => {
    const g = job(
      'INSERT INTO enriched SELECT o.order_id, c.name FROM orders o JOIN customers c ON o.amount > c.score',
    );
    const v = g.vertices.find((x) => x.operator.kind === 'join')!;
    expect(v.parallelism).toBe(1);
    expect(g.edges.filter((e) => e.target === v.id).map((e) => e.partitioner)).toEqual(['global', 'global']);
    expect(
      explain('EXPLAIN INSERT INTO enriched SELECT o.order_id, c.name FROM orders o CROSS JOIN customers c'),
    ).toContain('Exchange(distribution=[single])');
  });

  it('a regular join materializes time attributes: its output has no rowtime', () => {
    const spec = joinOf(
      job(
        'INSERT INTO enriched SELECT o.order_id, c.name FROM orders o JOIN customers c ON o.customer_id = c.id AND o.ts > c.ts',
      ),
    );
    expect(spec.outputType.fields.every((f) => f.type.timeAttribute === undefined)).toBe(true);
  });
});

describe('regular joins: errors', () => {
  it('an insert-only sink cannot take an outer join', () => {
    const err = failure(
      'INSERT INTO appends SELECT o.order_id, c.name FROM orders o LEFT JOIN customers c ON o.customer_id = c.id',
    );
    expect(err.code).toBe('SQL_VALIDATION');
    expect(err.message).toContain(
      "Table sink 'default_catalog.default_database.appends' doesn't support consuming update changes which is produced by node Join(joinType=[LeftOuterJoin]",
    );
  });

  it('an interval join (bounds on both rowtimes) is rejected, at the join', () => {
    const sql = `INSERT INTO enriched SELECT o.order_id, c.name FROM orders o JOIN customers c
ON o.customer_id = c.id AND o.ts BETWEEN c.ts - INTERVAL '1' HOUR AND c.ts`;
    const err = failure(sql);
    expect(err.code).toBe('SQL_UNSUPPORTED');
    expect(err.message).toContain('Interval join');
    expect(err.position).toMatchObject({ line: 1, column: sql.indexOf('customers c') + 1 });
  });

  it('duplicate relation names and unknown qualifiers', () => {
    expect(failure('INSERT INTO enriched SELECT 1, name FROM customers, customers').message).toBe(
      "Duplicate relation name 'customers' in FROM clause",
    );
    const ambiguous = failure(
      'INSERT INTO enriched SELECT order_id, name FROM orders o JOIN customers c ON o.customer_id = c.id WHERE ts > ts',
    );
    expect(ambiguous.message).toBe("Column 'ts' is ambiguous");
  });
});
