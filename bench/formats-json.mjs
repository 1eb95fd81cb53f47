#!/usr/bin/env node
// JSON format throughput on Nexmark-like bids, both ways, against plain JSON.parse/JSON.stringify
// on the same objects. Run `npm run build` first. ROWS=200000 by default. Prints rows/s.
import { Types } from '../dist/common/types.js';
import { createFormat } from '../dist/connectors/formats/index.js';

const rows = Number(process.env.ROWS ?? 200_000);
const schema = {
  fields: [
    { name: 'auction', type: Types.BIGINT() },
    { name: 'bidder', type: Types.BIGINT() },
    { name: 'price', type: Types.BIGINT() },
    { name: 'channel', type: Types.STRING() },
    { name: 'url', type: Types.STRING() },
    { name: 'dateTime', type: Types.TIMESTAMP(3) },
    { name: 'extra', type: Types.STRING() },
  ],
};
const base = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const data = Array.from({ length: rows }, (_, i) => [
  1000 + (i % 1000),
  2000 + i,
  100 + (i % 9000),
  ['Google', 'Facebook', 'Baidu', 'Apple'][i % 4],
  `https://www.nexmark.com/${i % 97}/item.htm?query=1&channel_id=${i % 1000}`,
  base + i * 7,
  '',
]);
const format = createFormat('json', 'format', {}, ['json.'], 'bids');
const ser = format.serializer(schema);
const de = format.deserializer(schema);

function measure(label, fn) {
  fn(Math.min(rows, 20_000)); // warm-up
  const t0 = performance.now();
  fn(rows);
  const s = (performance.now() - t0) / 1000;
  console.log(
    `${label.padEnd(44)} ${Math.round(rows / s)
      .toLocaleString('en-US')
      .padStart(12)} rows/s`,
  );
}

let buffers = [];
measure('weir json serialize (row → Buffer)', (n) => {
  buffers = new Array(n);
  for (let i = 0; i < n; i++) buffers[i] = ser.serialize(data[i]);
});
measure('weir json deserialize (Buffer → row)', (n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += de.deserialize(buffers[i])[0];
  if (sum === -1) console.log(sum);
});
const objects = data.map((r) => Object.fromEntries(schema.fields.map((f, i) => [f.name, r[i]])));
measure('baseline JSON.stringify(object) → Buffer', (n) => {
  for (let i = 0; i < n; i++) buffers[i] = Buffer.from(JSON.stringify(objects[i]));
});
measure('baseline JSON.parse(Buffer.toString())', (n) => {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += JSON.parse(buffers[i].toString()).auction;
  if (sum === -1) console.log(sum);
});
