#!/usr/bin/env node
// Runs Nexmark queries from the upstream SQL files, unchanged but for their filled placeholders,
// in this process, and prints events/s and events per CPU-second for each. Never fails on speed.
//
//   npm run build
//   NEXMARK_QUERIES=<nexmark>/nexmark-flink/src/main/resources/queries node bench/nexmark/run.mjs [q0 q1 …]
//
// EVENTS_NUM (default 10000000) bounds the source; TPS (10000000) as upstream. PARALLELISM (default 1)
// sets 'parallelism.default'; above 1 the subtasks run on that many worker threads. Without arguments
// every query weir can plan today runs. The default query folder is the mirror this project's
// sessions fetch (/work/.mirror/nexmark+nexmark), read through git.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Configuration } from '../../dist/common/config.js';
import { builtinConnectors } from '../../dist/connectors/registry.js';
import { BUILTIN_WORKER_CONNECTORS } from '../../dist/connectors/worker-registry.js';
import { SqlSession } from '../../dist/planner/index.js';
import { executeJob } from '../../dist/runtime/index.js';

const MIRROR = '/work/.mirror/nexmark+nexmark/repo';
const PLANNABLE = [
  'q0',
  'q1',
  'q2',
  'q3',
  'q4',
  'q5',
  'q7',
  'q8',
  'q9',
  'q10',
  'q11',
  'q12',
  'q13',
  'q15',
  'q16',
  'q17',
  'q18',
  'q19',
  'q20',
  'q21',
  'q22',
  'q23',
];
const args = process.argv.slice(2);
const engineAt = args.indexOf('--engine');
if (engineAt >= 0) {
  // `--engine flink`: the same queries on weir and on a local Flink cluster, side by side (side-by-side.mjs).
  if (args[engineAt + 1] !== 'flink') throw new Error(`--engine takes 'flink', not '${args[engineAt + 1]}'`);
  const picked = args.filter((_, i) => i !== engineAt && i !== engineAt + 1);
  const { sideBySide } = await import('./side-by-side.mjs');
  await sideBySide(picked.length > 0 ? picked : ['q0', 'q1', 'q2', 'q5', 'q8']);
  process.exit(0);
}
const queries = args.length > 0 ? args : PLANNABLE;
const values = {
  TPS: process.env.TPS ?? '10000000',
  EVENTS_NUM: process.env.EVENTS_NUM ?? '10000000',
  PERSON_PROPORTION: '1',
  AUCTION_PROPORTION: '3',
  BID_PROPORTION: '46',
  NEXMARK_TABLE: 'datagen',
  // q10 writes its partitioned files under NEXMARK_DIR/data/output/SUBMIT_TIME/ (a fresh temp dir).
  NEXMARK_DIR: mkdtempSync(join(tmpdir(), 'weir-nexmark-')),
  SUBMIT_TIME: String(Date.now()),
  // q13's side input: FLINK_HOME/data/side_input.txt with 10,000 keys, as nexmark's generator writes it.
  FLINK_HOME: mkdtempSync(join(tmpdir(), 'weir-nexmark-side-')),
};
mkdirSync(join(values.FLINK_HOME, 'data'));
writeFileSync(
  join(values.FLINK_HOME, 'data', 'side_input.txt'),
  Array.from({ length: 10_000 }, (_, key) => `${key},${key}`).join('\n'),
);

function upstream(name) {
  const dir = process.env.NEXMARK_QUERIES;
  const text = dir
    ? readFileSync(join(dir, name), 'utf8')
    : execFileSync('git', ['-C', MIRROR, 'show', `HEAD:nexmark-flink/src/main/resources/queries/${name}`], {
        encoding: 'utf8',
      });
  return text.replace(/\$\{([A-Z_]+)\}/g, (m, key) => values[key] ?? m).trimEnd();
}

const quiet = { write: () => true, once: () => undefined };
const entries = builtinConnectors({ stdout: quiet, stderr: quiet });
const connectors = new Map(entries.map((c) => [c.runtime.identifier, c.runtime]));
const events = Number(values.EVENTS_NUM);
const parallelism = process.env.PARALLELISM ?? '1';
const results = [];
for (const q of queries) {
  const script = [upstream('ddl_gen.sql'), upstream('ddl_views.sql'), upstream(`${q}.sql`)].join('\n\n');
  const session = new SqlSession({
    connectors: entries.map((c) => c.descriptor),
    config: new Configuration([['parallelism.default', parallelism]]),
  });
  let graph;
  try {
    for (const statement of session.parseScript(script, `${q}.sql`)) {
      const r = session.execute(statement);
      if (r.kind === 'job') graph = r.jobGraph;
    }
  } catch (err) {
    results.push({ q, error: err.message.split('\n')[0] });
    continue;
  }
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await executeJob(graph, {
    connectors,
    workerConnectors: BUILTIN_WORKER_CONNECTORS,
    log: { info() {}, warn: (m) => console.error(m) },
  }).result;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  results.push({
    q,
    status: result.status,
    seconds,
    perSecond: events / seconds,
    perCpuSecond: events / cpuSeconds,
  });
}
console.log(
  `Nexmark on weir: ${events.toLocaleString('en')} events per query, parallelism ${parallelism}${parallelism === '1' ? ', one Node.js thread' : ' on worker threads'}`,
);
console.log('query  status      seconds      events/s   events/CPU-s');
for (const r of results) {
  if (r.error) console.log(`${r.q.padEnd(6)} not run: ${r.error}`);
  else {
    console.log(
      `${r.q.padEnd(6)} ${r.status.padEnd(9)} ${r.seconds.toFixed(2).padStart(9)} ${Math.round(r.perSecond).toLocaleString('en').padStart(13)} ${Math.round(r.perCpuSecond).toLocaleString('en').padStart(14)}`,
    );
  }
}
rmSync(values.NEXMARK_DIR, { recursive: true, force: true });
rmSync(values.FLINK_HOME, { recursive: true, force: true });
