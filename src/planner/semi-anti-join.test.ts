import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { JobGraph, JoinSpec } from '../common/jobgraph.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

const SETUP = `CREATE TABLE orders (order_id BIGINT, customer_id INT, amount DECIMAL(10, 2), ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND) WITH ('connector' = 'datagen');
CREATE TABLE customers (id INT, name STRING, score DECIMAL(5, 1), ts TIMESTAMP(3)) WITH ('connector' = 'datagen');
CREATE TABLE strict_orders (order_id BIGINT NOT NULL, customer_id INT NOT NULL) WITH ('connector' = 'datagen');
CREATE TABLE strict_customers (id INT NOT NULL) WITH ('connector' = 'datagen');
CREATE TABLE out_ids (order_id BIGINT) WITH ('connector' = 'print');`;

function one(sql: string): StatementResult {
  const s = new SqlSession({ connectors: TEST_CONNECTORS });
  s.executeScript(SETUP);
  const results = s.executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

function explain(sql: string): string {
  const r = one(`EXPLAIN CHANGELOG_MODE ${sql}`);
  if (r.kind !== 'explain') throw new Error(r.kind);
  return r.text;
}

function joinOf(sql: string): JoinSpec {
  const r = one(sql);
  if (r.kind !== 'job') throw new Error(r.kind);
  const g: JobGraph = r.jobGraph;
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

describe('semi/anti joins: plans', () => {
  it('IN (SELECT …) with other conditions: a LeftSemiJoin on the IN equality, the filters pushed into each side', () => {
    const text = explain(
      'INSERT INTO out_ids SELECT order_id FROM orders WHERE customer_id IN (SELECT id FROM customers WHERE score > 1) AND amount > 5',
    );
    expect(text).toContain('LogicalJoin(condition=[AND(=($1, $4), >($6, 1.0))], joinType=[semi])');
    expect(physical(text)).toBe(`== Optimized Physical Plan ==
Sink(table=[default_catalog.default_database.out_ids], fields=[order_id], changelogMode=[NONE])
+- Calc(select=[order_id], changelogMode=[I])
   +- Join(joinType=[LeftSemiJoin], where=[=(customer_id, id)], select=[order_id, customer_id], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey], changelogMode=[I])
      :- Exchange(distribution=[hash[customer_id]], changelogMode=[I])
      :  +- Calc(select=[order_id, customer_id], where=[>(amount, 5.00)], changelogMode=[I])
      :     +- WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 1000:INTERVAL DAY TO SECOND)], changelogMode=[I])
      :        +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, customer_id, amount, ts], changelogMode=[I])
      +- Exchange(distribution=[hash[id]], changelogMode=[I])
         +- Calc(select=[id], where=[>(score, 1.0)], changelogMode=[I])
            +- TableSourceScan(table=[[default_catalog, default_database, customers]], fields=[id, name, score, ts], changelogMode=[I])

`);
  });

  it('correlated NOT EXISTS: a LeftAntiJoin keyed by the correlated equality, the rest a non-equi condition; it retracts', () => {
    const text = explain(
      'INSERT INTO out_ids SELECT order_id FROM orders o WHERE NOT EXISTS (SELECT * FROM customers c WHERE c.id = o.customer_id AND c.score > o.amount)',
    );
    expect(physical(text)).toContain(
      'Join(joinType=[LeftAntiJoin], where=[AND(=(customer_id, id), >(CAST(score AS DECIMAL(10, 2)), amount))], select=[order_id, customer_id, amount], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey], changelogMode=[I,UB,UA,D])',
    );
    expect(physical(text)).toContain('Exchange(distribution=[hash[id]], changelogMode=[I])');
    const spec = joinOf(
      'INSERT INTO out_ids SELECT order_id FROM orders o WHERE NOT EXISTS (SELECT * FROM customers c WHERE c.id = o.customer_id AND c.score > o.amount)',
    );
    expect(spec.joinType).toBe('ANTI');
    expect(spec.leftKeys).toEqual([1]);
    expect(spec.rightKeys).toEqual([0]);
    expect(spec.outputType.fields.map((f) => f.name)).toEqual(['order_id', 'customer_id', 'amount']);
  });

  it('EXISTS: an unqualified name resolves in the subquery first, then in the outer query', () => {
    const text = explain(
      'INSERT INTO out_ids SELECT order_id FROM orders WHERE EXISTS (SELECT 1 FROM customers WHERE id = customer_id)',
    );
    expect(physical(text)).toContain('Join(joinType=[LeftSemiJoin], where=[=(customer_id, id)]');
  });

  it('NOT IN over nullable columns: the null-aware anti join condition on one subtask', () => {
    const text = explain(
      'INSERT INTO out_ids SELECT order_id FROM orders WHERE customer_id NOT IN (SELECT id FROM customers)',
    );
    expect(physical(text)).toContain(
      'Join(joinType=[LeftAntiJoin], where=[OR(OR(=(customer_id, id), IS NULL(customer_id)), IS NULL(id))], select=[order_id, customer_id]',
    );
    expect(physical(text)).toContain('Exchange(distribution=[single], changelogMode=[I])');
  });

  it('NOT IN over NOT NULL columns: a keyed anti join on the equality', () => {
    const spec = joinOf(
      'INSERT INTO out_ids SELECT order_id FROM strict_orders WHERE customer_id NOT IN (SELECT id FROM strict_customers)',
    );
    expect(spec.joinType).toBe('ANTI');
    expect(spec.leftKeys).toEqual([1]);
    expect(spec.nonEquiCondition).toBeUndefined();
  });

  it('IN over an aggregating subquery is bound as an uncorrelated query', () => {
    const text = explain(
      'INSERT INTO out_ids SELECT order_id FROM orders WHERE customer_id IN (SELECT id FROM customers GROUP BY id HAVING COUNT(*) > 1)',
    );
    expect(physical(text)).toContain('Join(joinType=[LeftSemiJoin], where=[=(customer_id, id)]');
    expect(physical(text)).toContain('GroupAggregate(');
  });
});

describe('semi/anti joins: errors', () => {
  it('a correlated scalar subquery is SQL_UNSUPPORTED at its position', () => {
    const e = failure(
      'INSERT INTO out_ids SELECT order_id FROM orders\nWHERE amount > (SELECT AVG(score) FROM customers c WHERE c.id = orders.customer_id)',
    );
    expect(e.code).toBe('SQL_UNSUPPORTED');
    expect(e.message).toMatch(/^A correlated scalar subquery is not supported yet/);
    expect(`${e.position?.line}:${e.position?.column}`).toBe('2:16');
  });

  it('a subquery predicate under OR is SQL_UNSUPPORTED', () => {
    const e = failure(
      'INSERT INTO out_ids SELECT order_id FROM orders WHERE amount > 5 OR customer_id IN (SELECT id FROM customers)',
    );
    expect(e.code).toBe('SQL_UNSUPPORTED');
    expect(e.message).toContain('IN subquery outside a conjunct of the WHERE clause');
  });

  it('IN over a subquery of two columns is a validation error', () => {
    const e = failure(
      'INSERT INTO out_ids SELECT order_id FROM orders WHERE customer_id IN (SELECT id, name FROM customers)',
    );
    expect(e.code).toBe('SQL_VALIDATION');
    expect(e.message).toContain('one column');
  });
});

describe('scalar subqueries', () => {
  it('plans an uncorrelated scalar subquery as a LEFT join ON TRUE with its single-row aggregate', () => {
    const plan = explain(
      'INSERT INTO out_ids SELECT order_id FROM orders WHERE amount > (SELECT AVG(score) FROM customers)',
    );
    expect(plan).toContain(
      'Join(joinType=[LeftOuterJoin], where=[true], select=[order_id, amount, $SCALAR_QUERY$0], leftInputSpec=[NoUniqueKey], rightInputSpec=[NoUniqueKey])',
    );
    expect(plan).toContain('GroupAggregate(select=[AVG(score) AS EXPR$0])');
    expect(plan).toContain('where=[>(CAST(amount AS DECIMAL(38, 6)), $SCALAR_QUERY$0)]');
    // In the physical and the execution plan.
    expect(plan.match(/Exchange\(distribution=\[single\]/g)?.length).toBe(6);
  });

  it('keeps the hidden column out of SELECT *', () => {
    const text = explain('SELECT *, (SELECT MAX(score) FROM customers) AS top FROM orders');
    expect(text).toMatch(
      /LogicalProject\(order_id=\[\$0\], customer_id=\[\$1\], amount=\[\$2\], ts=\[\$3\], top=\[\$4\]\)/,
    );
  });
});
