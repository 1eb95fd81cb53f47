import { describe, expect, it } from 'vitest';
import type { CorrelateSpec } from '../common/jobgraph.js';
import { plannerProbe } from './__fixtures__/planner-session.js';

/**
 * UNNEST in the planner: `CROSS JOIN UNNEST(…)` and `LEFT JOIN UNNEST(…) ON TRUE` over ARRAY,
 * MULTISET and MAP columns, planned as Flink's Correlate over `$UNNEST_ROWS$1`, EXPLAIN in Flink's
 * words (compare Flink's UnnestTest plans), and the errors for what Flink 1.20 rejects too.
 */
const SETUP = `CREATE TABLE orders (id INT, tags ARRAY<STRING>, items ARRAY<ROW<name STRING, qty INT>>, attrs MAP<STRING, INT>, bag MULTISET<STRING>, ts TIMESTAMP(3)) WITH ('connector' = 'datagen');
CREATE TABLE out (id INT, tag STRING) WITH ('connector' = 'print');`;

const { explain, job, failure } = plannerProbe(SETUP);

describe('UNNEST', () => {
  it('plans CROSS JOIN UNNEST of an ARRAY as a Correlate, as Flink prints it', () => {
    expect(explain('INSERT INTO out SELECT id, tag FROM orders CROSS JOIN UNNEST(tags) AS t(tag)')).toBe(
      `== Abstract Syntax Tree ==
LogicalSink(table=[default_catalog.default_database.out], fields=[id, tag])
+- LogicalProject(id=[$0], tag=[$6])
   +- LogicalCorrelate(correlation=[$cor0], joinType=[inner], requiredColumns=[{1}])
      :- LogicalTableScan(table=[[default_catalog, default_database, orders]])
      +- Uncollect
         +- LogicalProject(tags=[$cor0.tags])
            +- LogicalValues(tuples=[[{ 0 }]])

== Optimized Physical Plan ==
Sink(table=[default_catalog.default_database.out], fields=[id, tag], changelogMode=[NONE])
+- Calc(select=[id, f0 AS tag], changelogMode=[I])
   +- Correlate(invocation=[$UNNEST_ROWS$1($cor0.tags)], correlate=[table($UNNEST_ROWS$1($cor0.tags))], select=[id,tags,items,attrs,bag,ts,f0], rowType=[RecordType(INT id, ARRAY<STRING> tags, ARRAY<ROW<\`name\` STRING, \`qty\` INT>> items, MAP<STRING, INT> attrs, MULTISET<STRING> bag, TIMESTAMP(3) ts, STRING f0)], joinType=[INNER], changelogMode=[I])
      +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[id, tags, items, attrs, bag, ts], changelogMode=[I])

== Optimized Execution Plan ==
Sink(table=[default_catalog.default_database.out], fields=[id, tag])
+- Calc(select=[id, f0 AS tag])
   +- Correlate(invocation=[$UNNEST_ROWS$1($cor0.tags)], correlate=[table($UNNEST_ROWS$1($cor0.tags))], select=[id,tags,items,attrs,bag,ts,f0], rowType=[RecordType(INT id, ARRAY<STRING> tags, ARRAY<ROW<\`name\` STRING, \`qty\` INT>> items, MAP<STRING, INT> attrs, MULTISET<STRING> bag, TIMESTAMP(3) ts, STRING f0)], joinType=[INNER])
      +- TableSourceScan(table=[[default_catalog, default_database, orders]], fields=[id, tags, items, attrs, bag, ts])
`,
    );
  });

  it('spreads ROW elements over their fields, a MAP over key and value; LEFT JOIN … ON TRUE keeps empty rows', () => {
    const rows = explain('SELECT o.id, i.name, i.qty FROM orders o LEFT JOIN UNNEST(o.items) AS i ON TRUE');
    expect(rows).toContain('select=[id,tags,items,attrs,bag,ts,name,qty]');
    expect(rows).toContain('joinType=[LEFT]');
    const map = explain('SELECT id, k, v FROM orders, UNNEST(attrs) AS m(k, v) WHERE v > 1');
    expect(map).toContain('STRING f0, INT f1)], joinType=[INNER]');
    expect(map).toContain('Calc(select=[id, f0 AS k, f1 AS v], where=[>(f1, 1)]');
    const spec = job('INSERT INTO out SELECT id, b FROM orders CROSS JOIN UNNEST(bag) AS t(b)').vertices.find(
      (v) => v.operator.kind === 'correlate',
    )?.operator as CorrelateSpec;
    expect(spec).toMatchObject({ kind: 'correlate', collectionKind: 'MULTISET', joinType: 'INNER' });
  });

  it('rejects what Flink 1.20 rejects, naming it', () => {
    expect(
      failure('EXPLAIN SELECT * FROM orders CROSS JOIN UNNEST(tags) WITH ORDINALITY AS t(tag, n)').message,
    ).toMatch(/UNNEST … WITH ORDINALITY is not supported/);
    expect(
      failure("EXPLAIN SELECT * FROM orders LEFT JOIN UNNEST(tags) AS t(tag) ON tag = 'a'").message,
    ).toMatch(/only accepts ON TRUE/);
    expect(failure('EXPLAIN SELECT * FROM orders CROSS JOIN UNNEST(id) AS t(x)').message).toMatch(
      /UNNEST expects an ARRAY, MULTISET or MAP, not INT/,
    );
    expect(failure('EXPLAIN SELECT * FROM orders CROSS JOIN UNNEST(attrs) AS t(x)').message).toMatch(
      /makes 2 column/,
    );
    const err = failure('EXPLAIN SELECT * FROM orders RIGHT JOIN UNNEST(tags) AS t(x) ON TRUE');
    expect(err.message).toMatch(/RIGHT JOIN UNNEST is not supported/);
  });
});
