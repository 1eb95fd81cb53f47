#!/usr/bin/env node
// The SQL client's start-up and script time: `weir sql` from spawn to its first prompt, and
// `weir sql -f` of a 10-statement script (DDL, SET, SHOW, DESCRIBE, EXPLAIN and two bounded
// SELECTs) from spawn to exit. Run `npm run build` first. Prints figures; never fails on them.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const runs = Number(process.env.RUNS ?? 10);
const dir = mkdtempSync(join(tmpdir(), 'weir-sql-bench-'));
const script = join(dir, 'ten.sql');
writeFileSync(
  script,
  `CREATE TABLE t (a INT, b STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '100',
  'fields.a.kind' = 'sequence', 'fields.a.start' = '1', 'fields.a.end' = '100');
CREATE TABLE s (a INT) WITH ('connector' = 'blackhole');
CREATE VIEW v AS SELECT a, b FROM t WHERE a > 50;
SET 'parallelism.default' = '1';
SHOW TABLES;
DESCRIBE t;
EXPLAIN SELECT a, COUNT(*) FROM t GROUP BY a;
SELECT COUNT(*) AS n FROM v;
SELECT a % 3 AS k, SUM(a) AS total FROM t GROUP BY a % 3;
RESET;
`,
);

function time(args, until) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, ['bin/weir.js', ...args], { cwd: root });
    let out = '';
    const done = () => resolve(Number(process.hrtime.bigint() - started) / 1e6);
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (until && out.includes(until)) {
        done();
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (code) => {
      if (until) return;
      if (code === 0) done();
      else reject(new Error(`weir ${args.join(' ')} exited with ${code}\n${out}`));
    });
  });
}

async function measure(label, args, until) {
  const times = [];
  for (let i = 0; i < runs; i++) times.push(await time(args, until));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(
    `${label}: min ${times[0].toFixed(1)} ms   median ${median.toFixed(1)} ms   max ${times.at(-1).toFixed(1)} ms`,
  );
}

console.log(`over ${runs} runs each (node bin/weir.js)`);
await measure('weir sql, spawn to first prompt', ['sql'], 'Flink SQL> ');
await measure('weir sql -f (10 statements), spawn to exit', ['sql', '-f', script]);
rmSync(dir, { recursive: true, force: true });
