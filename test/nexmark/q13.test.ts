import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Configuration } from '../../src/common/config.js';
import type { ConnectorDescriptor } from '../../src/common/connector.js';
import { RowKind } from '../../src/common/types.js';
import { readConfig, splitOf } from '../../src/connectors/nexmark/config.js';
import { NexmarkGenerator } from '../../src/connectors/nexmark/generator.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { SqlSession } from '../../src/planner/session.js';
import type { RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob } from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink } from '../helpers/committing-sink.js';
import { upstreamAvailable, upstreamScript } from './upstream.js';

/**
 * Upstream q13 (bounded side input join) from the unchanged upstream file: its side input is a
 * legacy `'connector.type' = 'filesystem'` csv table, looked up FOR SYSTEM_TIME AS OF the bids'
 * processing time by `MOD(auction, 10000)`. The side input file is what nexmark's
 * SideInputGenerator writes (`i,i` for i in [0, 10000)), under a temporary FLINK_HOME. Every bid
 * must come out once with its value.
 */
const BASE_TIME = '1700000000000';
const EVENTS = 4000;
const quiet = { write: () => true, once: () => quiet };

const flinkHome = mkdtempSync(join(tmpdir(), 'weir-q13-'));
mkdirSync(join(flinkHome, 'data'));
writeFileSync(
  join(flinkHome, 'data', 'side_input.txt'),
  `${Array.from({ length: 10_000 }, (_, i) => `${i},${i}`).join('\n')}\n`,
);
afterAll(() => rmSync(flinkHome, { recursive: true, force: true }));

/** The bids the source makes at `parallelism`: [auction, bidder, price, …, dateTime at 5]. */
function bids(parallelism: number): unknown[][] {
  const options = { 'first-event.rate': '1000', 'events.num': String(EVENTS), 'base-time': BASE_TIME };
  const c = readConfig(
    new Configuration(Object.entries(options)),
    'default_catalog.default_database.datagen',
  );
  const out: unknown[][] = [];
  for (let i = 0; i < parallelism; i++) {
    const split = splitOf(c, i, parallelism, Number(BASE_TIME));
    const count = Number(split.maxEvents);
    const rows: unknown[][] = new Array(count);
    new NexmarkGenerator(c, split, 0, false).fill(rows, 0, count);
    for (const r of rows) if (r[0] === 2) out.push((r[3] as unknown[]).slice(0, 7));
  }
  return out;
}

const collectDescriptor: ConnectorDescriptor = {
  identifier: 'collect',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only'] },
};

async function run(parallelism: number) {
  const builtins = builtinConnectors({ stdout: quiet, stderr: quiet });
  const session = new SqlSession({ connectors: [...builtins.map((c) => c.descriptor), collectDescriptor] });
  const text = upstreamScript('q13', { TPS: '1000', EVENTS_NUM: String(EVENTS), FLINK_HOME: flinkHome })
    .replace("'events.num' =", `'base-time' = '${BASE_TIME}',\n    'events.num' =`)
    .replace("'connector' = 'blackhole'", "'connector' = 'collect'");
  const results = session.executeScript(
    `SET 'parallelism.default' = '${parallelism}';\nSET 'execution.checkpointing.interval' = '1 h';\nSET 'execution.checkpointing.storage' = 'jobmanager';\n${text}`,
    'q13.sql',
  );
  const job = results[results.length - 1];
  if (job.kind !== 'job') throw new Error(job.kind);
  const committed: CommittedStore = new Map();
  const connectors = new Map<string, RuntimeConnector>([
    ...builtins.map((c) => [c.runtime.identifier, c.runtime] as const),
    ['collect', { identifier: 'collect', sink: { createWriter: () => new CommittingSink(committed) } }],
  ]);
  const result = await executeJob(job.jobGraph, { connectors, log: { info: () => {}, warn: () => {} } })
    .result;
  const changes = [...committed.values()].flatMap((t) => t.changes);
  return { result, changes, jobGraph: job.jobGraph };
}

const text = (row: readonly unknown[]) => JSON.stringify(row);

describe.skipIf(!upstreamAvailable())('nexmark q13 from the upstream file', () => {
  for (const parallelism of [1, 2]) {
    it(`joins every bid with its side input row (a lookup join on the legacy filesystem table), parallelism ${parallelism}`, async () => {
      const { result, changes, jobGraph } = await run(parallelism);
      expect(result.status).toBe('FINISHED');
      expect(jobGraph.vertices.map((v) => v.operator.kind)).toContain('lookup-join');
      expect(changes.every(([kind]) => kind === RowKind.INSERT)).toBe(true);
      const expected = bids(parallelism).map((b) => [
        b[0],
        b[1],
        b[2],
        b[5],
        String((b[0] as number) % 10_000),
      ]);
      expect(expected.length).toBeGreaterThan(3000);
      expect(changes.map(([, row]) => text(row)).sort()).toEqual(expected.map(text).sort());
    }, 60_000);
  }
});
