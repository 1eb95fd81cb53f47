import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Configuration } from '../../src/common/config.js';
import { readConfig, splitOf } from '../../src/connectors/nexmark/config.js';
import { NexmarkGenerator } from '../../src/connectors/nexmark/generator.js';
import { NEXMARK_ROW_TYPE } from '../../src/connectors/nexmark/schema.js';
import type { FlinkCluster } from '../../src/testing/index.js';
import { runStreaming } from '../differential/streaming.js';
import { upstreamAvailable, upstreamScript } from '../nexmark/upstream.js';
import { runOnFlink } from './run-on-flink.js';

/**
 * Upstream Nexmark queries on bounded input, on both engines: weir's generator writes the events once
 * as JSON lines (Flink has no nexmark connector: nexmark-flink is not on Maven Central), both engines
 * read them through the filesystem connector with upstream's `datagen` schema and watermark, and each
 * query's SELECT (upstream's INSERT without its blackhole table) must give the same final table.
 */
const EVENTS = 3000;
const BASE_TIME = 1_700_000_000_000;
const QUERIES = ['q0', 'q1', 'q2', 'q5', 'q8'];

/** JSON's TIMESTAMP text in Flink's default 'SQL' standard: 2023-11-14 22:13:20.000. */
const sqlTimestamp = (millis: number) => new Date(millis).toISOString().replace('T', ' ').replace('Z', '');

function eventsAsJson(): string {
  const options = {
    'first-event.rate': '1000',
    'events.num': String(EVENTS),
    'base-time': String(BASE_TIME),
  };
  const config = readConfig(
    new Configuration(Object.entries(options)),
    'default_catalog.default_database.datagen',
  );
  const rows: unknown[][] = new Array(EVENTS);
  new NexmarkGenerator(config, splitOf(config, 0, 1, BASE_TIME), 0, false).fill(rows, 0, EVENTS);
  const nested = NEXMARK_ROW_TYPE.fields.slice(1).map((f) => f.type.fields ?? []);
  const asObject = (values: unknown[] | null, fields: readonly { name: string; type: { root: string } }[]) =>
    values === null
      ? null
      : Object.fromEntries(
          fields.map((f, i) => [
            f.name,
            f.type.root === 'TIMESTAMP' ? sqlTimestamp(values[i] as number) : values[i],
          ]),
        );
  return rows
    .map((r) =>
      JSON.stringify({
        event_type: r[0],
        person: asObject(r[1] as unknown[] | null, nested[0]),
        auction: asObject(r[2] as unknown[] | null, nested[1]),
        bid: asObject(r[3] as unknown[] | null, nested[2]),
      }),
    )
    .join('\n')
    .concat('\n');
}

/** Upstream's script for `query`, reading `dir`, with the INSERT's SELECT as the last statement. */
function script(query: string, dir: string): string {
  return upstreamScript(query, { EVENTS_NUM: String(EVENTS) })
    .replace(
      /\)\s*WITH\s*\(\s*'connector'\s*=\s*'nexmark'[\s\S]*?\);/,
      `) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'json');`,
    )
    .replace(/CREATE TABLE nexmark_q\d+[\s\S]*?'connector'\s*=\s*'blackhole'\s*\);/, '')
    .replace(/INSERT INTO nexmark_q\d+\s*/, '');
}

export function nexmarkTests(cluster: () => FlinkCluster): void {
  describe.runIf(upstreamAvailable())('Nexmark on bounded input: weir and Flink', () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-flink-nexmark-'));
    writeFileSync(join(dir, 'events.json'), eventsAsJson());
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    for (const query of QUERIES) {
      it(`${query} gives the same final table`, async () => {
        const text = script(query, dir);
        const weir = await runStreaming(text, { parallelism: 1 });
        expect(weir.rows.length, 'the query has a result to compare').toBeGreaterThan(0);
        const flink = await runOnFlink(cluster().gatewayUrl, text);
        expect(flink).toEqual(weir.rows);
      }, 120_000);
    }
  });
}
