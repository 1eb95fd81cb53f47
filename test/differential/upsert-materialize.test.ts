import { describe, expect, it } from 'vitest';
import { canonicalValues } from './canonical.js';
import { evaluateScript } from './evaluator.js';
import { runStreaming } from './streaming.js';

/**
 * Items change owners; the query keeps each item's latest owner (its upsert key is the item) and
 * writes it into a table keyed by the owner. An owner briefly holds two items (carol, erin), so
 * the change that takes an item away from its old owner arrives after the new row for that owner:
 * without the SinkUpsertMaterializer an upsert sink applies it as a delete of the owner's key.
 */
const PRELUDE = `
CREATE VIEW moves AS SELECT * FROM (VALUES
  ('item2', 'carol', 1),
  ('item1', 'bob', 2),
  ('item1', 'carol', 3),
  ('item2', 'dave', 4),
  ('item3', 'erin', 5),
  ('item5', 'erin', 6),
  ('item3', 'frank', 7)
) AS m(item, owner, seq);
CREATE VIEW owners AS SELECT owner, item FROM (SELECT item, LAST_VALUE(owner) AS owner FROM moves GROUP BY item);
`;
// Replaced by the differential committing sink; the descriptor is upsert-kafka's (an upsert-only sink).
const SINK = `CREATE TABLE by_owner (owner STRING, item STRING, PRIMARY KEY (owner) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'by_owner', 'properties.bootstrap.servers' = '127.0.0.1:9',
  'key.format' = 'json', 'value.format' = 'json');
INSERT INTO by_owner SELECT owner, item FROM owners;`;
// A sink with a primary key that also takes -U (blackhole's descriptor), applied by key as well.
const RETRACT_SINK = `CREATE TABLE by_owner (owner STRING, item STRING, PRIMARY KEY (owner) NOT ENFORCED) WITH ('connector' = 'blackhole');
INSERT INTO by_owner SELECT owner, item FROM owners;`;

const run = (
  mode: 'AUTO' | 'FORCE' | 'NONE',
  parallelism: number,
  restore = false,
  connector = 'upsert-kafka',
) =>
  runStreaming(`${PRELUDE}${connector === 'upsert-kafka' ? SINK : RETRACT_SINK}`, {
    parallelism,
    restore,
    sink: { connector, upsertKey: [0] },
    config: [['table.exec.sink.upsert-materialize', mode]],
  });

describe("differential: the sink upsert materializer ('table.exec.sink.upsert-materialize')", () => {
  const expected = evaluateScript(`${PRELUDE}SELECT owner, item FROM owners;`)
    .rows.map(canonicalValues)
    .sort();

  it('the evaluator holds one row per owner: a primary key the result satisfies', () => {
    expect(expected).toEqual([
      '"carol" | "item1"',
      '"dave" | "item2"',
      '"erin" | "item5"',
      '"frank" | "item3"',
    ]);
  });

  it('AUTO materializes and the upsert table is right at parallelism 1 and 4, and after a restore', async () => {
    for (const parallelism of [1, 4])
      expect((await run('AUTO', parallelism)).rows, `parallelism ${parallelism}`).toEqual(expected);
    const restored = await run('AUTO', 2, true);
    expect(restored.rows, 'after a restore from a mid-run checkpoint').toEqual(expected);
    expect(restored.restarts).toBe(1);
  }, 30_000);

  it('FORCE gives the same table', async () => {
    expect((await run('FORCE', 4)).rows).toEqual(expected);
  }, 20_000);

  it('NONE gives a wrong table: a row of an owner who no longer holds anything is never deleted', async () => {
    const rows = (await run('NONE', 1)).rows;
    expect(rows).not.toEqual(expected);
    // The upsert sink gets +U only (no -U), so bob's row for item1 stays after item1 moved to carol.
    expect(rows).toContain('"bob" | "item1"');
  }, 20_000);

  it("NONE with -U sent to a sink that applies changes by key: the late -U deletes carol's and erin's rows", async () => {
    const rows = (await run('NONE', 1, false, 'blackhole')).rows;
    expect(rows).toEqual(['"dave" | "item2"', '"frank" | "item3"']);
    expect((await run('AUTO', 4, false, 'blackhole')).rows).toEqual(expected);
  }, 20_000);
});
