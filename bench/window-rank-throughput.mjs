#!/usr/bin/env node
// WindowRank operator throughput (window Top-N, no job around it): ROWS rows over KEYS partition
// keys, event time advancing 1 ms per row, TUMBLE windows of WINDOW_MS, top TOP_N per key and
// window, a watermark every 10,000 rows (which fires the windows that ended). Heap keyed state.
// Run `npm run build` first. Prints input rows per second and the rows emitted.
import { Configuration } from '../dist/common/config.js';
import { WindowRankOperator } from '../dist/runtime/operators/window/index.js';
import { HeapKeyedStateBackend } from '../dist/runtime/state/heap-keyed-state.js';

const rows = Number(process.env.ROWS ?? 2_000_000);
const keys = Number(process.env.KEYS ?? 1_000);
const windowMs = Number(process.env.WINDOW_MS ?? 10_000);
const topN = Number(process.env.TOP_N ?? 3);
const batch = 1_000;

const op = new WindowRankOperator({
  kind: 'window-rank',
  partitionKeys: [0],
  orderKeys: [{ index: 1, descending: true, nullsFirst: false }],
  rankStart: 1,
  rankEnd: topN,
  outputRankNumber: true,
  windowStartIndex: 3,
  windowEndIndex: 4,
  timeDomain: 'event-time',
  keepLastRow: false,
});
let emitted = 0;
op.open(
  {
    config: new Configuration([]),
    keyedStateBackend: new HeapKeyedStateBackend(128, 1, 0),
    operatorName: 'WindowRank',
    processingTimeService: { now: () => Date.now(), registerTimer: () => () => {} },
  },
  { emit: (b) => void (emitted += b.rows.length), emitWatermark: () => {} },
);

let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed;
};
const started = process.hrtime.bigint();
const cpu = process.cpuUsage();
for (let i = 0; i < rows; i += batch) {
  const out = [];
  for (let j = i; j < Math.min(rows, i + batch); j++) {
    const start = j - (j % windowMs);
    out.push([j % keys, random() % 100_000, j, start, start + windowMs]);
  }
  op.processBatch({ rows: out });
  if ((i + batch) % 10_000 === 0) await op.processWatermark(i + batch - 1);
}
await op.processWatermark(Number.MAX_SAFE_INTEGER);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
console.log(
  `window-rank: ${rows} rows, ${keys} keys, ${windowMs} ms windows, top ${topN}: ${Math.round(rows / seconds).toLocaleString('en')} rows/s wall, ${Math.round(rows / cpuSeconds).toLocaleString('en')} rows/s CPU, ${emitted} rows emitted (expected ${Math.ceil(rows / windowMs) * Math.min(keys, windowMs) * topN})`,
);
