import { describe, expect, it } from 'vitest';
import { Configuration } from '../../src/common/config.js';
import type { ConnectorDescriptor } from '../../src/common/connector.js';
import { readConfig, splitOf } from '../../src/connectors/nexmark/config.js';
import { NexmarkGenerator } from '../../src/connectors/nexmark/generator.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { SqlSession } from '../../src/planner/session.js';
import type { RecordBatch, RuntimeConnector, StreamOperator } from '../../src/runtime/index.js';
import { executeJob } from '../../src/runtime/index.js';
import { MAX_WATERMARK } from '../../src/runtime/operators/watermark-assigner.js';
import { runWeir } from '../helpers/cli.js';
import { upstreamAvailable, upstreamScript } from './upstream.js';

/**
 * Upstream q0 (ddl_gen + ddl_views + q0, filled as fill.mjs fills them) end to end: in process
 * into a collecting sink that also records the watermarks the WATERMARK clause produced, and
 * through `weir run -f` with a print sink.
 */
const BASE_TIME = '1700000000000';
const EVENTS = 200;
const TPS = '20'; // 50 ms between events: 200 events span 10 s of event time

const quiet = { write: () => true, once: () => quiet };

/** The bids among the first `EVENTS` events, as q0 selects them: auction, bidder, price, dateTime, extra. */
function expectedBids(): unknown[][] {
  const options = { 'first-event.rate': TPS, 'events.num': String(EVENTS), 'base-time': BASE_TIME };
  const c = readConfig(
    new Configuration(Object.entries(options)),
    'default_catalog.default_database.datagen',
  );
  const g = new NexmarkGenerator(c, splitOf(c, 0, 1, Number(BASE_TIME)), 0, false);
  const rows: unknown[][] = new Array(EVENTS);
  g.fill(rows, 0, EVENTS);
  return rows
    .filter((r) => r[0] === 2)
    .map((r) => {
      const b = r[3] as unknown[];
      return [b[0], b[1], b[2], b[5], b[6]];
    });
}

/** q0 with a small, repeatable source and the given sink connector instead of blackhole. */
function script(sink: string): string {
  const text = upstreamScript('q0', { TPS, EVENTS_NUM: String(EVENTS) })
    .replace("'events.num' =", `'base-time' = '${BASE_TIME}',\n    'events.num' =`)
    .replace("'connector' = 'blackhole'", `'connector' = '${sink}'`);
  return `SET 'pipeline.auto-watermark-interval' = '0';\n${text}`;
}

class CollectSink implements StreamOperator {
  constructor(private readonly into: { rows: unknown[][]; watermarks: number[] }) {}
  open() {}
  processBatch(batch: RecordBatch) {
    for (const row of batch.rows) this.into.rows.push([...row]);
  }
  processWatermark(watermark: number) {
    this.into.watermarks.push(watermark);
  }
}

const collectDescriptor: ConnectorDescriptor = {
  identifier: 'collect',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only'] },
};

describe.skipIf(!upstreamAvailable())('nexmark q0 from the upstream files', () => {
  it('plans source → calc (computed dateTime) → watermark assigner → calc → sink and runs', async () => {
    const builtins = builtinConnectors({ stdout: quiet, stderr: quiet });
    const session = new SqlSession({ connectors: [...builtins.map((c) => c.descriptor), collectDescriptor] });
    const results = session.executeScript(script('collect'), 'q0.sql');
    const job = results[results.length - 1];
    if (job.kind !== 'job') throw new Error(job.kind);
    const g = job.jobGraph;
    expect(g.vertices.map((v) => v.operator.kind)).toEqual([
      'source',
      'calc',
      'watermark-assigner',
      'calc',
      'sink',
    ]);
    const wm = g.vertices[2].operator;
    if (wm.kind !== 'watermark-assigner') throw new Error(wm.kind);
    // The computed-column Calc keeps only what q0 and the watermark read, as Flink's plan does.
    expect(g.vertices[1].name).toBe(
      'Calc(select=[event_type, bid, CASE((event_type = 0), person.dateTime, (event_type = 1), auction.dateTime, bid.dateTime) AS dateTime])',
    );
    expect(wm.rowtimeIndex).toBe(2);
    expect(g.vertices[2].name).toBe(
      'WatermarkAssigner(rowtime=[dateTime], watermark=[(dateTime - 4000:INTERVAL DAY TO SECOND)])',
    );

    const collected = { rows: [] as unknown[][], watermarks: [] as number[] };
    const connectors = new Map<string, RuntimeConnector>([
      ...builtins.map((c) => [c.runtime.identifier, c.runtime] as const),
      ['collect', { identifier: 'collect', sink: { createWriter: () => new CollectSink(collected) } }],
    ]);
    await executeJob(g, { connectors, log: { info: () => {}, warn: () => {} } }).result;

    const expected = expectedBids();
    expect(expected.length).toBeGreaterThan(150);
    expect(collected.rows).toEqual(expected);
    // Watermarks: non-decreasing, 4 s behind the event times seen, and the end of time at the end.
    const w = collected.watermarks;
    expect(w.length).toBeGreaterThan(1);
    for (let i = 1; i < w.length; i++) expect(w[i]).toBeGreaterThanOrEqual(w[i - 1]);
    expect(w[w.length - 1]).toBe(MAX_WATERMARK);
    // Every event moves it (persons and auctions too): the last event is at base + 200 × 50 ms.
    const maxBidTime = Math.max(...expected.map((r) => r[3] as number));
    expect(w[w.length - 2]).toBe(Number(BASE_TIME) + EVENTS * 50 - 4000);
    expect(w[w.length - 2]).toBeGreaterThanOrEqual(maxBidTime - 4000);
  });

  it('runs through `weir run -f` (after npm run build) with a print sink', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'weir-q0-'));
    const file = join(dir, 'q0.sql');
    await writeFile(file, script('print'));
    const { code, stdout, stderr } = await runWeir(['run', '-f', file]);
    expect(stderr).not.toMatch(/Error/);
    expect(code).toBe(0);
    const lines = stdout.split('\n').filter((l) => l.startsWith('+I['));
    const expected = expectedBids();
    expect(lines).toHaveLength(expected.length);
    const [auction, bidder, price] = expected[0];
    expect(lines[0].startsWith(`+I[${auction}, ${bidder}, ${price}, `)).toBe(true);
  }, 60_000);
});
