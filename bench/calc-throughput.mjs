#!/usr/bin/env node
// Calc operator throughput on this machine: the generated whole-batch loop over ~2M rows of a
// Nexmark-bid-like table (auction, bidder, price, channel, url, dateTime, extra), for a q1-like
// projection (bidder, price * 0.908 as DECIMAL, dateTime) and a filter + projection.
// Run `npm run build` first. Prints rows/s; never asserts on a time.
import { compileCalc } from '../dist/runtime/operators/calc/index.js';

const ROWS = Number(process.env.ROWS ?? 2_000_000);
const BATCH = Number(process.env.BATCH ?? 1024);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

const t = (root, extra = {}) => ({ root, nullable: false, ...extra });
const BIGINT = t('BIGINT');
const STRING = t('VARCHAR', { length: 2147483647 });
const TS3 = t('TIMESTAMP', { precision: 3 });
const ref = (index, type) => ({ kind: 'input', index, type });
const lit = (value, type) => ({ kind: 'literal', value, type });
const call = (fn, args, type) => ({ kind: 'call', fn, args, type });

// q1: SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid
const priceAsDecimal = call('CAST', [ref(2, BIGINT)], t('DECIMAL', { precision: 19, scale: 0 }));
const q1 = [
  ref(0, BIGINT),
  ref(1, BIGINT),
  call(
    '*',
    [lit('908', t('DECIMAL', { precision: 3, scale: 3 })), priceAsDecimal],
    t('DECIMAL', { precision: 23, scale: 3 }),
  ),
  ref(5, TS3),
  ref(6, STRING),
];
// q2-like filter: SELECT auction, price FROM bid WHERE MOD(auction, 123) = 0 OR price > 9_000_000
const filter = call(
  'OR',
  [
    call('=', [call('MOD', [ref(0, BIGINT), lit(123, t('INT'))], BIGINT), lit(0, BIGINT)], t('BOOLEAN')),
    call('>', [ref(2, BIGINT), lit(9_000_000, BIGINT)], t('BOOLEAN')),
  ],
  t('BOOLEAN'),
);
const q2 = [ref(0, BIGINT), ref(2, BIGINT)];
// A string-heavy filter: WHERE channel LIKE 'Apple%' AND url IS NOT NULL, projecting UPPER(channel)
const likeFilter = call(
  'AND',
  [
    call('LIKE', [ref(3, STRING), lit('Apple%', STRING)], t('BOOLEAN')),
    call('IS NOT NULL', [ref(4, STRING)], t('BOOLEAN')),
  ],
  t('BOOLEAN'),
);
const q3 = [ref(0, BIGINT), call('UPPER', [ref(3, STRING)], STRING)];

const channels = ['Apple', 'Google', 'Facebook', 'Baidu'];
const batches = [];
for (let i = 0; i < ROWS; i += BATCH) {
  const rows = [];
  for (let j = i; j < Math.min(ROWS, i + BATCH); j++) {
    rows.push([
      1000 + (j % 10_000),
      2000 + ((j * 7) % 50_000),
      (j * 7919) % 10_000_000,
      channels[j % 4],
      `https://www.nexmark.com/item.htm?query=${j % 100}`,
      1_700_000_000_000 + j,
      '',
    ]);
  }
  batches.push(rows);
}

function measure(name, calc) {
  let best = 0;
  let outRows = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    outRows = 0;
    for (const rows of batches) {
      const out = [];
      calc(rows, out);
      outRows += out.length;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    best = Math.max(best, ROWS / seconds);
  }
  console.log(`${name.padEnd(44)} ${(best / 1e6).toFixed(2).padStart(7)} M rows/s   (${outRows} rows out)`);
}

console.log(
  `calc throughput, ${ROWS} rows in batches of ${BATCH}, best of ${ROUNDS} rounds (node ${process.version})`,
);
measure('q1 projection (price * 0.908 DECIMAL)', compileCalc(q1, undefined));
measure('q2 filter MOD(auction,123)=0 OR price>9e6', compileCalc(q2, filter));
measure("filter LIKE 'Apple%', project UPPER", compileCalc(q3, likeFilter));
measure(
  'identity projection (7 columns)',
  compileCalc(
    [0, 1, 2, 3, 4, 5, 6].map((i) => ref(i, BIGINT)),
    undefined,
  ),
);
