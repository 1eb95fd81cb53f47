#!/usr/bin/env node
// Time from `weir run` to its first printed row, over several runs (the quickstart, or a given
// script). Run `npm run build` first. Prints a small table; it never fails on a figure.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = process.argv[2] ?? 'sql-examples/quickstart.sql';
const runs = Number(process.env.RUNS ?? 10);

function once() {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      ['bin/weir.js', 'run', '-f', script, '-D', 'execution.checkpointing.interval=1h'],
      {
        cwd: root,
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      if (out.includes('\n')) {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        child.kill('SIGKILL');
        resolve(ms);
      }
    });
    child.on('exit', (code) => {
      if (!out.includes('\n')) reject(new Error(`weir exited with ${code} before printing a row`));
    });
  });
}

const times = [];
for (let i = 0; i < runs; i++) times.push(await once());
times.sort((a, b) => a - b);
const pct = (p) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))].toFixed(1);
console.log(
  `${process.env.VIA === 'npx' ? 'npx weir' : 'node bin/weir.js'} run -f ${script}: time to first printed row over ${runs} runs`,
);
console.log(
  `  min ${times[0].toFixed(1)} ms   median ${pct(50)} ms   p90 ${pct(90)} ms   max ${times.at(-1).toFixed(1)} ms`,
);
