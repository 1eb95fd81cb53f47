// The hand-written limit for Nexmark q0, q1, q2 and q5: the same computation on the same generated
// events as the SQL, in a plain loop with no engine (no operators, channels, state backend or
// checkpoints). What weir reaches of it is the engine's cost; the issue asks for ≥ 0.5 on q0–q2.
// The generator is weir's own nexmark connector generator, so both sides pay for the same events.
import { Configuration } from '../../dist/common/config.js';
import { readConfig, splitOf } from '../../dist/connectors/nexmark/config.js';
import { NexmarkGenerator } from '../../dist/connectors/nexmark/generator.js';

const BID = 2;
const BATCH = 1024;
const WINDOW = 10_000;
const SLIDE = 2_000;
const WATERMARK_DELAY = 4_000;

/** Calls `onEvent(row)` for each of `events` generated events, in batches as the source makes them. */
function generate(events, onEvent) {
  const config = readConfig(
    new Configuration([
      ['events.num', String(events)],
      ['first-event.rate', '10000000'],
      ['next-event.rate', '10000000'],
    ]),
    'limit',
  );
  const split = splitOf(config, 0, 1, Date.now());
  const generator = new NexmarkGenerator(config, split, 0, false);
  const rows = new Array(BATCH);
  for (let at = 0; at < events; at += BATCH) {
    const n = Math.min(BATCH, events - at);
    generator.fill(rows, 0, n);
    for (let i = 0; i < n; i++) onEvent(rows[i]);
  }
}

/** What each query writes, counted so that nothing is optimized away. */
const QUERIES = {
  q0(events) {
    let out = 0;
    generate(events, (e) => {
      if (e[0] !== BID) return;
      const b = e[3];
      const row = [b[0], b[1], b[2], b[5], b[6]];
      out += row.length;
    });
    return out;
  },
  q1(events) {
    let out = 0;
    generate(events, (e) => {
      if (e[0] !== BID) return;
      const b = e[3];
      // 0.908 * price as DECIMAL(23, 3): the unscaled value, exactly.
      const row = [b[0], b[1], BigInt(b[2]) * 908n, b[5], b[6]];
      out += row.length;
    });
    return out;
  },
  q2(events) {
    let out = 0;
    generate(events, (e) => {
      if (e[0] !== BID || e[3][0] % 123 !== 0) return;
      const row = [e[3][0], e[3][2]];
      out += row.length;
    });
    return out;
  },
  /** Hot items: per 10 s window sliding by 2 s, the auctions with the most bids, when the watermark passes. */
  q5(events) {
    const windows = new Map(); // window start → Map(auction → count)
    let watermark = Number.NEGATIVE_INFINITY;
    let out = 0;
    const fire = (upTo) => {
      for (const [start, counts] of windows) {
        if (start + WINDOW > upTo) continue;
        let max = 0;
        for (const c of counts.values()) if (c > max) max = c;
        for (const [auction, c] of counts) if (c >= max) out += auction > 0 ? 2 : 1;
        windows.delete(start);
      }
    };
    generate(events, (e) => {
      if (e[0] !== BID) return;
      const b = e[3];
      const time = b[5];
      if (time - WATERMARK_DELAY > watermark) {
        watermark = time - WATERMARK_DELAY;
        fire(watermark + 1);
      }
      const last = time - (time % SLIDE);
      for (let start = last; start > time - WINDOW; start -= SLIDE) {
        let counts = windows.get(start);
        if (!counts) windows.set(start, (counts = new Map()));
        counts.set(b[0], (counts.get(b[0]) ?? 0) + 1);
      }
    });
    fire(Number.POSITIVE_INFINITY);
    return out;
  },
};

export const LIMIT_QUERIES = Object.keys(QUERIES);

/** Events per CPU-second of the hand-written loop for `query` (best of `runs`). */
export function measureLimit(query, events, runs = 2) {
  let best = 0;
  for (let r = 0; r < runs; r++) {
    const before = process.cpuUsage();
    const written = QUERIES[query](events);
    const cpu = process.cpuUsage(before);
    if (written < 0) throw new Error('unreachable');
    best = Math.max(best, events / ((cpu.user + cpu.system) / 1e6));
  }
  return best;
}
