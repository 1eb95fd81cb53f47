import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSession } from '../../src/api/session.js';
import { runStreaming } from '../differential/streaming.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-source-reuse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Persons and auctions in one file, as Nexmark q8 reads them: a self-join of one table's two views.
writeFileSync(
  join(dir, 'events.csv'),
  ['0,1,alice', '1,1,lamp', '0,2,bob', '1,1,chair', '1,3,desk', '0,3,carol', '1,2,vase'].join('\n'),
);
const SCRIPT = `
CREATE TABLE events (kind INT, who BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}/events.csv', 'format' = 'csv');
SELECT p.name, a.name FROM (SELECT who, name FROM events WHERE kind = 0) p
JOIN (SELECT who, name FROM events WHERE kind = 1) a ON p.who = a.who;
`;
const quiet = { write: () => true, once: () => undefined };
const EXPECTED = ['"alice" | "chair"', '"alice" | "lamp"', '"bob" | "vase"', '"carol" | "desk"'];

describe('source reuse', () => {
  it('plans one scan of a table that a self-join reads twice, unless turned off', () => {
    const sources = (config: [string, string][]) => {
      const { session } = createSession(config, { stdout: quiet, stderr: quiet });
      const results = session.executeScript(SCRIPT);
      const job = results.at(-1);
      if (job?.kind !== 'job') throw new Error('expected a job');
      return job.jobGraph.vertices
        .filter((v) => v.operator.kind === 'source')
        .map((v) => job.jobGraph.edges.filter((e) => e.source === v.id).length);
    };
    expect(sources([])).toEqual([2]);
    expect(sources([['table.optimizer.reuse-source-enabled', 'false']])).toEqual([1, 1]);
  });

  it('gives the same join from one scan as from two, also after a restore from a checkpoint', async () => {
    for (const restore of [false, true]) {
      const reused = await runStreaming(SCRIPT, { parallelism: 2, restore });
      expect(reused.rows, `restore ${restore}`).toEqual(EXPECTED);
      if (restore) expect(reused.restarts).toBe(1);
    }
    const twice = await runStreaming(SCRIPT, {
      parallelism: 2,
      config: [['table.optimizer.reuse-source-enabled', 'false']],
    });
    expect(twice.rows).toEqual(EXPECTED);
  });
});
