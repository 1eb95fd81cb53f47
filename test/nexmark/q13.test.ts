import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RowKind } from '../../src/common/types.js';
import { nexmarkBids, runUpstream } from './run-upstream.js';
import { upstreamAvailable } from './upstream.js';

/**
 * Upstream q13 (bounded side input join) from the unchanged upstream file: its side input is a
 * legacy `'connector.type' = 'filesystem'` csv table, looked up FOR SYSTEM_TIME AS OF the bids'
 * processing time by `MOD(auction, 10000)`. The side input file is what nexmark's
 * SideInputGenerator writes (`i,i` for i in [0, 10000)), under a temporary FLINK_HOME. Every bid
 * must come out once with its value.
 */
const EVENTS = 4000;

const flinkHome = mkdtempSync(join(tmpdir(), 'weir-q13-'));
mkdirSync(join(flinkHome, 'data'));
writeFileSync(
  join(flinkHome, 'data', 'side_input.txt'),
  `${Array.from({ length: 10_000 }, (_, i) => `${i},${i}`).join('\n')}\n`,
);
afterAll(() => rmSync(flinkHome, { recursive: true, force: true }));

const text = (row: readonly unknown[]) => JSON.stringify(row);

describe.skipIf(!upstreamAvailable())('nexmark q13 from the upstream file', () => {
  for (const parallelism of [1, 2]) {
    it(`joins every bid with its side input row (a lookup join on the legacy filesystem table), parallelism ${parallelism}`, async () => {
      const { result, changes, jobGraph } = await runUpstream('q13', {
        parallelism,
        events: EVENTS,
        values: { FLINK_HOME: flinkHome },
      });
      expect(result.status).toBe('FINISHED');
      expect(jobGraph.vertices.map((v) => v.operator.kind)).toContain('lookup-join');
      expect(changes.every(([kind]) => kind === RowKind.INSERT)).toBe(true);
      const expected = nexmarkBids(EVENTS, parallelism).map((b) => [
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
