#!/usr/bin/env node
// The cost of counting on the record path: a batch of 1024 rows passed down a chain of 4 no-op
// operators, once through plain calls and once through the counted edges StreamTask builds
// (records in/out and watermarks per operator, counted per batch). Prints ns per batch and per
// record for both; the difference is what metrics add to every batch. Run `npm run build` first.
import { countedOutput, newTaskMetrics } from '../dist/runtime/metrics/task-metrics.js';

const batches = Number(process.env.BATCHES ?? 2_000_000);
const ids = ['a', 'b', 'c', 'd'];
const batch = { rows: Array.from({ length: 1024 }, (_, i) => [i, i * 2]) };
let sink = 0;
const tail = { emit: (b) => void (sink += b.rows.length), emitWatermark: () => {} };

/** A chain of no-op operators that forward the batch, with or without counting between them. */
function chain(counted) {
  const metrics = newTaskMetrics(ids);
  let next = counted ? countedOutput(tail, metrics.operators.d, undefined) : tail;
  for (let i = ids.length - 1; i >= 0; i--) {
    const downstream = next;
    const operator = { emit: (b) => downstream.emit(b), emitWatermark: (w) => downstream.emitWatermark(w) };
    next =
      counted && i > 0
        ? countedOutput(operator, metrics.operators[ids[i - 1]], metrics.operators[ids[i]])
        : operator;
  }
  return counted ? countedOutput(next, undefined, metrics.operators.a) : next;
}

function run(counted) {
  const head = chain(counted);
  const start = process.hrtime.bigint();
  for (let i = 0; i < batches; i++) head.emit(batch);
  return Number(process.hrtime.bigint() - start) / batches;
}

for (let i = 0; i < 2; i++) run(i === 0); // warm both paths up
const plain = [];
const counted = [];
for (let i = 0; i < 5; i++) {
  plain.push(run(false));
  counted.push(run(true));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[2];
console.log(
  `a batch of 1024 rows down a chain of 4 operators, ${batches.toLocaleString('en')} batches, median of 5`,
);
console.log(`  plain calls     ${median(plain).toFixed(1)} ns/batch`);
console.log(`  counted edges   ${median(counted).toFixed(1)} ns/batch`);
console.log(
  `  metrics add     ${(median(counted) - median(plain)).toFixed(1)} ns/batch = ${((median(counted) - median(plain)) / 1024).toFixed(3)} ns/record`,
);
