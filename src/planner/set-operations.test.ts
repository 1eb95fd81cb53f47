import { describe, expect, it } from 'vitest';
import type { JobGraph } from '../common/jobgraph.js';
import { filesystemDescriptor } from '../connectors/filesystem/descriptor.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession } from './session.js';

const DDL = `CREATE TABLE src (a INT, b STRING) WITH ('connector' = 'datagen');
CREATE TABLE out (a INT, b STRING) WITH ('connector' = 'print');
`;

function run(sql: string) {
  const results = new SqlSession({ connectors: TEST_CONNECTORS }).executeScript(DDL + sql);
  return results[results.length - 1];
}

const explain = (sql: string) => {
  const r = run(`EXPLAIN ${sql}`);
  if (r.kind !== 'explain') throw new Error(r.kind);
  return r.text;
};

const graph = (sql: string): JobGraph => {
  const r = run(sql);
  if (r.kind !== 'job') throw new Error(r.kind);
  return r.jobGraph;
};

describe('VALUES, UNION ALL, UNION, SELECT DISTINCT', () => {
  it('VALUES is a Values node whose columns take the least restrictive type of each column', () => {
    const text = explain("INSERT INTO out SELECT * FROM (VALUES (1, 'a'), (2, 'bb')) AS t(x, y)");
    expect(text).toContain("+- LogicalValues(tuples=[[{ 1, 'a' }, { 2, 'bb' }]])");
    expect(text).toContain("+- Values(tuples=[[{ 1, 'a' }, { 2, 'bb' }]])");
    const values = graph("INSERT INTO out SELECT * FROM (VALUES (1, 'a'), (2, 'bb')) AS t(x, y)").vertices[0];
    expect(values.parallelism).toBe(1);
    expect(values.operator.kind).toBe('values');
    if (values.operator.kind !== 'values') return;
    // CHAR(1) and CHAR(2) make VARCHAR(2), as Flink's type system turns ragged CHARs into VARCHAR.
    expect(values.operator.outputType.fields.map((f) => [f.name, f.type.root, f.type.length])).toEqual([
      ['EXPR$0', 'INT', undefined],
      ['EXPR$1', 'VARCHAR', 2],
    ]);
  });

  it('INSERT INTO … VALUES', () => {
    const g = graph("INSERT INTO out VALUES (1, 'x'), (CAST(NULL AS INT), 'y')");
    expect(g.vertices.map((v) => v.operator.kind)).toEqual(['values', 'sink']);
  });

  it('UNION ALL is one Union vertex with an input edge per input', () => {
    const text = explain('INSERT INTO out SELECT a, b FROM src WHERE a > 0 UNION ALL SELECT a, b FROM src');
    expect(text).toContain('LogicalUnion(all=[true])');
    expect(text).toContain('Union(all=[true], union=[a, b])');
    const g = graph('INSERT INTO out SELECT a, b FROM src WHERE a > 0 UNION ALL SELECT a, b FROM src');
    const union = g.vertices.find((v) => v.operator.kind === 'union')!;
    expect(g.edges.filter((e) => e.target === union.id)).toHaveLength(2);
  });

  it('a global aggregate (parallelism 1) reaches a union over a global edge, keeping its changes in order', () => {
    const g = graph(
      "CREATE TABLE o2 (b STRING, n BIGINT) WITH ('connector' = 'print');\nINSERT INTO o2 SELECT b, COUNT(*) FROM src GROUP BY b UNION ALL SELECT 'all', COUNT(*) FROM src",
    );
    const union = g.vertices.find((v) => v.operator.kind === 'union')!;
    expect(
      g.edges
        .filter((e) => e.target === union.id)
        .map((e) => e.partitioner)
        .sort(),
    ).toEqual(['forward', 'global']);
  });

  it('UNION and SELECT DISTINCT are a group aggregation on every column', () => {
    expect(explain('INSERT INTO out SELECT a, b FROM src UNION SELECT a, b FROM src')).toContain(
      'GroupAggregate(groupBy=[a, b], select=[a, b])',
    );
    expect(explain('INSERT INTO out SELECT DISTINCT a, b FROM src')).toContain(
      'GroupAggregate(groupBy=[a, b], select=[a, b])',
    );
  });
});

describe('filesystem tables', () => {
  it("a partitioned table with a 'metastore' commit policy is refused as Flink refuses it, located at its name", () => {
    const session = new SqlSession({ connectors: [...TEST_CONNECTORS, filesystemDescriptor] });
    let error: unknown;
    try {
      session.executeScript(
        "CREATE TABLE p (a INT, dt STRING) PARTITIONED BY (dt) WITH ('connector' = 'filesystem', 'path' = '/tmp/x', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'metastore');\nCREATE TABLE o (a INT) WITH ('connector' = 'print');\nINSERT INTO o SELECT a FROM p;",
      );
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      code: 'SQL_UNSUPPORTED',
      message: expect.stringContaining("Can not configure a 'metastore' partition commit policy"),
      position: { line: 1, column: 14 },
    });
  });
});
