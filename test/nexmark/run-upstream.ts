import { Configuration } from '../../src/common/config.js';
import type { ConnectorDescriptor } from '../../src/common/connector.js';
import { readConfig, splitOf } from '../../src/connectors/nexmark/config.js';
import { NexmarkGenerator } from '../../src/connectors/nexmark/generator.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { SqlSession } from '../../src/planner/session.js';
import type { RuntimeConnector } from '../../src/runtime/index.js';
import { executeJob } from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink } from '../helpers/committing-sink.js';
import { upstreamScript } from './upstream.js';

/**
 * Runs an upstream Nexmark query, unchanged but for its blackhole sink (made a collecting one) and
 * a fixed generator base time, on a bounded nexmark source; and generates the same bids the
 * source makes, so a test can compute the expected result independently.
 */

export const BASE_TIME = '1700000000000';
const quiet = { write: () => true, once: () => quiet };

/**
 * The events each split of the source makes at `parallelism`, in its emitting order:
 * [event_type, person, auction, bid]. `tps` is the script's TPS (first and next event rate),
 * `proportions` its PERSON_, AUCTION_ and BID_PROPORTION (upstream's 1:3:46 by default).
 */
export function nexmarkSplits(
  events: number,
  parallelism: number,
  tps = 1000,
  proportions: readonly [number, number, number] = [1, 3, 46],
): unknown[][][] {
  const options = {
    'first-event.rate': String(tps),
    'next-event.rate': String(tps),
    'events.num': String(events),
    'base-time': BASE_TIME,
    'person.proportion': String(proportions[0]),
    'auction.proportion': String(proportions[1]),
    'bid.proportion': String(proportions[2]),
  };
  const c = readConfig(
    new Configuration(Object.entries(options)),
    'default_catalog.default_database.datagen',
  );
  return Array.from({ length: parallelism }, (_, i) => {
    const split = splitOf(c, i, parallelism, Number(BASE_TIME));
    const count = Number(split.maxEvents);
    const rows: unknown[][] = new Array(count);
    new NexmarkGenerator(c, split, 0, false).fill(rows, 0, count);
    return rows;
  });
}

/** The events the source makes at `parallelism`, split after split. */
export function nexmarkEvents(events: number, parallelism: number, tps = 1000): unknown[][] {
  return nexmarkSplits(events, parallelism, tps).flat();
}

/** The bids the source makes at `parallelism`: [auction, bidder, price, channel, url, dateTime, extra]. */
export function nexmarkBids(events: number, parallelism: number): unknown[][] {
  return nexmarkEvents(events, parallelism).flatMap((r) =>
    r[0] === 2 ? [(r[3] as unknown[]).slice(0, 7)] : [],
  );
}

const collectDescriptor: ConnectorDescriptor = {
  identifier: 'collect',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only', 'retract'] },
};

export interface UpstreamRun {
  readonly parallelism: number;
  readonly events: number;
  readonly values?: Readonly<Record<string, string>>;
}

/** The upstream files as runUpstream runs them: filled, a fixed base time, a collecting sink. */
export function upstreamRunScript(query: string, options: UpstreamRun): string {
  return upstreamScript(query, { TPS: '1000', EVENTS_NUM: String(options.events), ...options.values })
    .replace("'events.num' =", `'base-time' = '${BASE_TIME}',\n    'events.num' =`)
    .replace("'connector' = 'blackhole'", "'connector' = 'collect'");
}

export async function runUpstream(query: string, options: UpstreamRun) {
  const builtins = builtinConnectors({ stdout: quiet, stderr: quiet });
  const session = new SqlSession({ connectors: [...builtins.map((c) => c.descriptor), collectDescriptor] });
  const text = upstreamRunScript(query, options);
  const results = session.executeScript(
    `SET 'parallelism.default' = '${options.parallelism}';\nSET 'execution.checkpointing.interval' = '1 h';\nSET 'execution.checkpointing.storage' = 'jobmanager';\n${text}`,
    `${query}.sql`,
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
