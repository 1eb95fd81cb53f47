import { describe, expect, it } from 'vitest';
import { Configuration } from '../common/config.js';
import type { CalcSpec, SourceSpec } from '../common/jobgraph.js';
import { Types } from '../common/types.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

const QUICKSTART = `CREATE TABLE orders (order_id BIGINT, price DECIMAL(10, 2), buyer STRING, ts TIMESTAMP(3)) WITH ('connector' = 'datagen', 'rows-per-second' = '5', 'fields.order_id.kind' = 'sequence', 'fields.order_id.start' = '1', 'fields.order_id.end' = '1000000');
CREATE TABLE big_orders (order_id BIGINT, buyer STRING, price DECIMAL(10, 2)) WITH ('connector' = 'print');
SET 'execution.checkpointing.interval' = '5s';
INSERT INTO big_orders SELECT order_id, UPPER(buyer), price FROM orders WHERE price > 50;
`;

const session = () => new SqlSession({ connectors: TEST_CONNECTORS });

function rowsOf(r: StatementResult): readonly (readonly string[])[] {
  if (r.kind !== 'rows') throw new Error(`expected rows, got ${r.kind}`);
  return r.rows;
}

function run(sql: string, s = session()): StatementResult[] {
  return s.executeScript(sql);
}

describe('quickstart', () => {
  it('plans source → calc → sink with the right expressions', () => {
    const results = run(QUICKSTART);
    expect(results.slice(0, 3)).toEqual([
      { kind: 'ok', message: '[INFO] Execute statement succeeded.' },
      { kind: 'ok', message: '[INFO] Execute statement succeeded.' },
      { kind: 'ok', message: '[INFO] Execute statement succeeded.' },
    ]);
    const job = results[3];
    if (job.kind !== 'job') throw new Error(job.kind);
    const g = job.jobGraph;
    expect(job.name).toBe('insert-into_default_catalog.default_database.big_orders');
    expect(g.version).toBe(1);
    expect(g.config).toEqual({ 'execution.checkpointing.interval': '5s' });
    expect(g.vertices.map((v) => v.name)).toEqual([
      'TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, price, buyer, ts])',
      'Calc(select=[order_id, UPPER(buyer) AS EXPR$1, price], where=[(price > 50.00)])',
      'Sink(table=[default_catalog.default_database.big_orders], fields=[order_id, EXPR$1, price])',
    ]);
    for (const v of g.vertices) expect(v.id).toMatch(/^[0-9a-f]{32}$/);
    const [source, calc, sink] = g.vertices;
    expect(g.edges).toEqual([
      { source: source.id, target: calc.id, partitioner: 'forward' },
      { source: calc.id, target: sink.id, partitioner: 'forward' },
    ]);
    expect(source.operator).toEqual({
      kind: 'source',
      connector: {
        table: 'default_catalog.default_database.orders',
        connector: 'datagen',
        options: {
          connector: 'datagen',
          'rows-per-second': '5',
          'fields.order_id.kind': 'sequence',
          'fields.order_id.start': '1',
          'fields.order_id.end': '1000000',
        },
        schema: {
          fields: [
            { name: 'order_id', type: Types.BIGINT() },
            { name: 'price', type: Types.DECIMAL(10, 2) },
            { name: 'buyer', type: Types.STRING() },
            { name: 'ts', type: Types.TIMESTAMP(3) },
          ],
        },
      },
    } satisfies SourceSpec);
    expect(calc.operator).toEqual({
      kind: 'calc',
      projection: [
        { kind: 'input', index: 0, type: Types.BIGINT() },
        {
          kind: 'call',
          fn: 'UPPER',
          args: [{ kind: 'input', index: 2, type: Types.STRING() }],
          type: Types.STRING(),
        },
        { kind: 'input', index: 1, type: Types.DECIMAL(10, 2) },
      ],
      condition: {
        kind: 'call',
        fn: '>',
        args: [
          { kind: 'input', index: 1, type: Types.DECIMAL(10, 2) },
          // 50 is an INT literal, widened to a DECIMAL with the column's scale at plan time.
          { kind: 'literal', value: '5000', type: Types.DECIMAL(12, 2, false) },
        ],
        type: Types.BOOLEAN(),
      },
      outputType: {
        fields: [
          { name: 'order_id', type: Types.BIGINT() },
          { name: 'EXPR$1', type: Types.STRING() },
          { name: 'price', type: Types.DECIMAL(10, 2) },
        ],
      },
    } satisfies CalcSpec);
    expect(sink.operator).toMatchObject({
      kind: 'sink',
      inputChangelogMode: 'insert-only',
      connector: { table: 'default_catalog.default_database.big_orders', connector: 'print' },
    });
    // JSON all the way: the JobGraph survives serialization unchanged.
    expect(JSON.parse(JSON.stringify(g))).toEqual(g);
  });

  it('gives the same vertex ids for the same SQL, and different ones for different graphs', () => {
    const a = run(QUICKSTART)[3];
    const b = run(QUICKSTART)[3];
    const c = run(QUICKSTART.replace('WHERE price > 50', ''))[3];
    if (a.kind !== 'job' || b.kind !== 'job' || c.kind !== 'job') throw new Error('expected jobs');
    expect(a.jobGraph.vertices.map((v) => v.id)).toEqual(b.jobGraph.vertices.map((v) => v.id));
    expect(c.jobGraph.vertices).toHaveLength(3);
  });

  it('omits the calc for an identity projection without a filter', () => {
    const results = run(`${QUICKSTART.split('\n').slice(0, 2).join('\n')}
CREATE TABLE copy (order_id BIGINT, price DECIMAL(10, 2), buyer STRING, ts TIMESTAMP(3)) WITH ('connector' = 'print');
INSERT INTO copy SELECT * FROM orders;`);
    const job = results[3];
    if (job.kind !== 'job') throw new Error(job.kind);
    expect(job.jobGraph.vertices.map((v) => v.operator.kind)).toEqual(['source', 'sink']);
    expect(job.jobGraph.edges).toHaveLength(1);
  });

  it('snapshots the session configuration at INSERT time', () => {
    const s = new SqlSession({
      connectors: TEST_CONNECTORS,
      config: new Configuration([['parallelism.default', '2']]),
    });
    const results = run(
      `${QUICKSTART}SET 'pipeline.name' = 'second';\nINSERT INTO big_orders SELECT order_id, buyer, price FROM orders;\nRESET;\nINSERT INTO big_orders SELECT order_id, buyer, price FROM orders;`,
      s,
    );
    const jobs = results.filter((r) => r.kind === 'job');
    expect(jobs.map((j) => j.jobGraph.config)).toEqual([
      { 'parallelism.default': '2', 'execution.checkpointing.interval': '5s' },
      { 'parallelism.default': '2', 'execution.checkpointing.interval': '5s', 'pipeline.name': 'second' },
      { 'parallelism.default': '2' },
    ]);
    expect(jobs.map((j) => j.name)).toEqual([
      'insert-into_default_catalog.default_database.big_orders',
      'second',
      'insert-into_default_catalog.default_database.big_orders',
    ]);
  });
});

describe('EXPLAIN', () => {
  it('prints the three sections in the shape of Flink', () => {
    const [explain] = run(
      `${QUICKSTART}EXPLAIN INSERT INTO big_orders SELECT order_id, UPPER(buyer), price FROM orders WHERE price > 50;`,
    ).slice(4);
    expect(explain).toEqual({
      kind: 'explain',
      text: `== Abstract Syntax Tree ==
LogicalSink(table=[default_catalog.default_database.big_orders], fields=[order_id, EXPR$1, price])
+- LogicalProject(order_id=[$0], EXPR$1=[UPPER($2)], price=[$1])
   +- LogicalFilter(condition=[>($1, 50.00)])
      +- LogicalTableScan(table=[[default_catalog, default_database, orders]])

== Optimized Physical Plan ==
Sink(table=[default_catalog.default_database.big_orders], fields=[order_id, EXPR$1, price])
+- Calc(select=[order_id, UPPER(buyer) AS EXPR$1, price], where=[>(price, 50.00)])
   +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, price, buyer, ts])

== Optimized Execution Plan ==
Sink(table=[default_catalog.default_database.big_orders], fields=[order_id, EXPR$1, price])
+- Calc(select=[order_id, UPPER(buyer) AS EXPR$1, price], where=[(price > 50.00)])
   +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[order_id, price, buyer, ts])
`,
    });
  });

  it('EXPLAIN CHANGELOG_MODE SELECT, with computed columns, views and subqueries merged into Calcs around the watermark assigner', () => {
    const results = run(`
CREATE TABLE t (a INT, b STRING, c AS a * 2, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND) WITH ('connector' = 'datagen');
CREATE VIEW v AS SELECT a, c + 1 AS d FROM t WHERE a > 0;
EXPLAIN CHANGELOG_MODE SELECT d FROM (SELECT * FROM v) AS s WHERE d < 100;`);
    const text = (results[2] as { text: string }).text;
    expect(text).toContain(`== Optimized Physical Plan ==
Calc(select=[+(c, 1) AS d], where=[AND(>(a, 0), <(+(c, 1), 100))], changelogMode=[I])
+- WatermarkAssigner(rowtime=[ts], watermark=[-(ts, 5000:INTERVAL DAY TO SECOND)], changelogMode=[I])
   +- Calc(select=[a, *(a, 2) AS c, ts], changelogMode=[I])
      +- TableSourceScan(table=[[default_catalog, default_database, t]], fields=[a, b, ts], changelogMode=[I])`);
    expect(text).toContain(`LogicalProject(a=[$0], b=[$1], c=[*($0, 2)], ts=[$2])`);
  });
});

describe('session statements', () => {
  it('SET lists the settings, masking secrets; RESET one key', () => {
    const s = session();
    run("SET 'parallelism.default' = '3'; SET 'my.password' = 'hunter2'; SET 'a.b' = 'c'; RESET 'a.b'", s);
    expect(run('SET', s)).toEqual([
      {
        kind: 'rows',
        columns: ['key', 'value'],
        rows: [
          ['my.password', '******'],
          ['parallelism.default', '3'],
        ],
      },
    ]);
  });

  it('SHOW TABLES lists tables and views, SHOW VIEWS only views', () => {
    const s = session();
    run(
      "CREATE TABLE b (x INT) WITH ('connector' = 'datagen'); CREATE TEMPORARY TABLE a (x INT) WITH ('connector' = 'datagen'); CREATE VIEW c AS SELECT x FROM a",
      s,
    );
    expect(run('SHOW TABLES', s)).toEqual([
      { kind: 'rows', columns: ['table name'], rows: [['a'], ['b'], ['c']] },
    ]);
    expect(run('SHOW VIEWS', s)).toEqual([{ kind: 'rows', columns: ['view name'], rows: [['c']] }]);
    run('DROP VIEW c; DROP TEMPORARY TABLE a; DROP TABLE IF EXISTS nope', s);
    expect(run('SHOW TABLES', s)).toEqual([{ kind: 'rows', columns: ['table name'], rows: [['b']] }]);
  });

  it('DESCRIBE shows types, nullability, key, computed and metadata columns and the watermark', () => {
    const s = session();
    run(
      `CREATE TABLE t (id BIGINT, price DECIMAL(10, 2), total AS price * 2, m TIMESTAMP_LTZ(3) METADATA FROM 'timestamp' VIRTUAL, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'datagen')`,
      s,
    );
    expect(run('DESCRIBE t', s)).toEqual([
      {
        kind: 'rows',
        columns: ['name', 'type', 'null', 'key', 'extras', 'watermark'],
        rows: [
          ['id', 'BIGINT', 'FALSE', 'PRI(id)', '', ''],
          ['price', 'DECIMAL(10, 2)', 'TRUE', '', '', ''],
          ['total', 'DECIMAL(21, 2)', 'TRUE', '', 'AS price * 2', ''],
          ['m', 'TIMESTAMP_LTZ(3)', 'TRUE', '', "METADATA FROM 'timestamp' VIRTUAL", ''],
          ['ts', 'TIMESTAMP(3) *ROWTIME*', 'TRUE', '', '', "ts - INTERVAL '5' SECOND"],
        ],
      },
    ]);
  });

  it('IF NOT EXISTS and IF EXISTS succeed quietly', () => {
    const s = session();
    const t = "CREATE TABLE IF NOT EXISTS t (x INT) WITH ('connector' = 'datagen')";
    expect(
      run(`${t}; ${t}; DROP TABLE IF EXISTS t; DROP TABLE IF EXISTS t`, s).every((r) => r.kind === 'ok'),
    ).toBe(true);
  });

  it('a temporary table shadows a permanent one of the same name', () => {
    const s = session();
    run(
      "CREATE TABLE t (x INT) WITH ('connector' = 'datagen'); CREATE TEMPORARY TABLE t (y STRING) WITH ('connector' = 'datagen')",
      s,
    );
    expect(rowsOf(run('DESCRIBE t', s)[0]).map((r) => r[0])).toEqual(['y']);
    run('DROP TEMPORARY TABLE t', s);
    expect(rowsOf(run('DESCRIBE t', s)[0]).map((r) => r[0])).toEqual(['x']);
  });
});

describe('LEFT and RIGHT', () => {
  it('are string functions although they are reserved words for joins', () => {
    const results = run(`CREATE TABLE s (b STRING) WITH ('connector' = 'datagen');
CREATE TABLE o (l STRING, r STRING) WITH ('connector' = 'print');
INSERT INTO o SELECT LEFT(b, 2), RIGHT(b, 1) FROM s;`);
    const job = results[2];
    if (job.kind !== 'job') throw new Error(`expected a job, got ${job.kind}`);
    const calc = job.jobGraph.vertices.find((v) => v.operator.kind === 'calc')!.operator as CalcSpec;
    expect(calc.projection.map((e) => (e.kind === 'call' ? e.fn : e.kind))).toEqual(['LEFT', 'RIGHT']);
  });
});
