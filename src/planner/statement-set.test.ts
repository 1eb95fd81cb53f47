import { describe, expect, it } from 'vitest';
import { splitStatements } from '../cli/statement-splitter.js';
import { isWeirError } from '../common/errors.js';
import type { JobGraph } from '../common/jobgraph.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

const DDL = `CREATE TABLE orders (id BIGINT, price INT) WITH ('connector' = 'datagen');
CREATE TABLE cheap (id BIGINT) WITH ('connector' = 'print');
CREATE TABLE dear (id BIGINT, price INT) WITH ('connector' = 'print');
`;
const CHEAP = 'INSERT INTO cheap SELECT id FROM orders WHERE price < 10';
const DEAR = 'INSERT INTO dear SELECT id, price FROM orders WHERE price >= 10';

const session = () => new SqlSession({ connectors: TEST_CONNECTORS });

function graphOf(result: StatementResult | undefined): JobGraph {
  if (result?.kind !== 'job') throw new Error(`expected a job, got ${result?.kind}`);
  return result.jobGraph;
}

function errorOf(run: () => unknown) {
  try {
    run();
  } catch (err) {
    if (isWeirError(err)) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('statement sets: several INSERTs as one job', () => {
  it('EXECUTE STATEMENT SET plans every INSERT into one JobGraph named after all its sinks', () => {
    const results = session().executeScript(`${DDL}EXECUTE STATEMENT SET\nBEGIN\n${CHEAP};\n${DEAR};\nEND;`);
    expect(results).toHaveLength(4);
    const graph = graphOf(results[3]);
    expect(graph.jobName).toBe(
      'insert-into_default_catalog.default_database.cheap,default_catalog.default_database.dear',
    );
    const sinks = graph.vertices.filter((v) => v.operator.kind === 'sink');
    expect(sinks.map((v) => (v.operator.kind === 'sink' ? v.operator.connector.table : ''))).toEqual([
      'default_catalog.default_database.cheap',
      'default_catalog.default_database.dear',
    ]);
    // Both INSERTs read one scan of the source (Flink's source reuse); ids are unique across the set.
    const sources = graph.vertices.filter((v) => v.operator.kind === 'source');
    expect(sources).toHaveLength(1);
    expect(graph.edges.filter((e) => e.source === sources[0].id)).toHaveLength(2);
    expect(new Set(graph.vertices.map((v) => v.id)).size).toBe(graph.vertices.length);
    for (const e of graph.edges) {
      expect(graph.vertices.some((v) => v.id === e.source)).toBe(true);
      expect(graph.vertices.some((v) => v.id === e.target)).toBe(true);
    }
  });

  it("reads the source once per INSERT with 'table.optimizer.reuse-source-enabled' = 'false'", () => {
    const results = session().executeScript(
      `SET 'table.optimizer.reuse-source-enabled' = 'false';\n${DDL}EXECUTE STATEMENT SET BEGIN ${CHEAP}; ${DEAR}; END;`,
    );
    const graph = graphOf(results.at(-1));
    const sources = graph.vertices.filter((v) => v.operator.kind === 'source');
    expect(sources).toHaveLength(2);
    for (const s of sources) expect(graph.edges.filter((e) => e.source === s.id)).toHaveLength(1);
  });

  it("keeps the first INSERT's operator ids, so its savepoint restores into the set", () => {
    const alone = graphOf(session().executeScript(`${DDL}${CHEAP};`)[3]);
    const set = graphOf(
      session().executeScript(`${DDL}EXECUTE STATEMENT SET BEGIN ${CHEAP}; ${DEAR}; END;`)[3],
    );
    expect(set.vertices.slice(0, alone.vertices.length).map((v) => v.id)).toEqual(
      alone.vertices.map((v) => v.id),
    );
  });

  it("the SQL client's BEGIN STATEMENT SET … END gives the same job", () => {
    const s = session();
    s.executeScript(DDL);
    expect(s.executeScript('BEGIN STATEMENT SET;')).toEqual([
      { kind: 'ok', message: '[INFO] Begin a statement set.' },
    ]);
    expect(s.inStatementSet).toBe(true);
    expect(s.executeScript(`${CHEAP};`)).toEqual([
      { kind: 'ok', message: '[INFO] Add SQL update statement to the statement set.' },
    ]);
    s.executeScript(`${DEAR};`);
    const viaClient = graphOf(s.executeScript('END;')[0]);
    expect(s.inStatementSet).toBe(false);
    const viaExecute = graphOf(
      session().executeScript(`${DDL}EXECUTE STATEMENT SET BEGIN ${CHEAP}; ${DEAR}; END;`)[3],
    );
    expect(viaClient).toEqual(viaExecute);
  });

  it('an empty set submits nothing; END without BEGIN and other statements inside are errors with positions', () => {
    const s = session();
    s.executeScript(DDL);
    s.executeScript('BEGIN STATEMENT SET;');
    const inside = errorOf(() => s.executeScript("SET 'parallelism.default' = '2';"));
    expect(inside.code).toBe('SQL_VALIDATION');
    expect(inside.message).toBe('Only INSERT statements are allowed in a statement set');
    expect(inside.position).toMatchObject({ line: 1, column: 1 });
    expect(s.executeScript('END;')).toEqual([
      { kind: 'ok', message: '[INFO] No statement in the statement set, skip submit.' },
    ]);
    const stray = errorOf(() => s.executeScript('\n  END;'));
    expect(stray.message).toBe('END without a statement set to end');
    expect(stray.position).toMatchObject({ line: 2, column: 3 });
  });

  it('a missing END or a non-INSERT inside EXECUTE STATEMENT SET fails the script before anything runs', () => {
    const missing = errorOf(() => session().executeScript(`${DDL}EXECUTE STATEMENT SET BEGIN ${CHEAP};`));
    expect(missing.code).toBe('SQL_PARSE');
    expect(missing.message).toBe('EXECUTE STATEMENT SET BEGIN … has no END');
    expect(missing.position).toMatchObject({ line: 4, column: 1 });
    const select = errorOf(() =>
      session().executeScript(`${DDL}EXECUTE STATEMENT SET BEGIN\n${CHEAP};\nSELECT * FROM orders;\nEND;`),
    );
    expect(select.message).toBe('Only INSERT statements can be in a statement set');
    expect(select.position).toMatchObject({ line: 6, column: 1 });
    const typo = errorOf(() =>
      session().executeScript(
        `${DDL}EXECUTE STATEMENT SET BEGIN\n${CHEAP};\nINSERT INTO dear SELEC id FROM orders;\nEND;`,
      ),
    );
    expect(typo.code).toBe('SQL_PARSE');
    expect(typo.position?.line).toBe(6);
  });
});

describe('the SQL client reads EXECUTE STATEMENT SET as one statement', () => {
  it('waits for END; before running it', () => {
    const open = splitStatements(`SET 'a' = 'b';\nEXECUTE STATEMENT SET BEGIN\n${CHEAP};\n`);
    expect(open.statements).toEqual(["SET 'a' = 'b';"]);
    expect(open.rest).toBe(`\nEXECUTE STATEMENT SET BEGIN\n${CHEAP};\n`);
    const done = splitStatements(`${open.rest}${DEAR};\nend ;\nSHOW TABLES;`);
    expect(done.statements).toEqual([
      `\nEXECUTE STATEMENT SET BEGIN\n${CHEAP};\n${DEAR};\nend ;`,
      '\nSHOW TABLES;',
    ]);
    expect(done.rest).toBe('');
  });
});
