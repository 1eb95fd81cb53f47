#!/usr/bin/env node
// Parses, validates and plans every upstream Nexmark query (ddl_gen + ddl_views + qN, filled as
// bench/nexmark/fill.mjs fills them) with the built planner (`npm run build` first), and prints a
// status table (first error with its line:column in qN.sql) and the parse and plan times.
//
//   node scripts/nexmark-status.mjs            # the table, as in bench/nexmark/README.md
//   node scripts/nexmark-status.mjs --golden   # also rewrites test/planner/golden/nexmark/qN.explain
//
// The upstream files come from $NEXMARK_QUERIES (a directory) or the mirror of nexmark/nexmark.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { builtinConnectors } from '../dist/connectors/registry.js';
import { SqlSession } from '../dist/planner/session.js';

const MIRROR = '/work/.mirror/nexmark+nexmark/repo';
const QUERIES = 'nexmark-flink/src/main/resources/queries';
const GOLDEN = fileURLToPath(new URL('../test/planner/golden/nexmark/', import.meta.url));
const VALUES = {
  TPS: '10000000',
  EVENTS_NUM: '100000000',
  PERSON_PROPORTION: '1',
  AUCTION_PROPORTION: '3',
  BID_PROPORTION: '46',
  NEXMARK_TABLE: 'datagen',
  KEEP_ALIVE: 'false',
  STOP_AT: '-1',
  // Paths only the upstream runner knows.
  FLINK_HOME: '/opt/flink',
  NEXMARK_DIR: '/opt/nexmark',
  SUBMIT_TIME: '0',
};

function upstream(name) {
  const dir = process.env.NEXMARK_QUERIES;
  const text = dir
    ? readFileSync(`${dir}/${name}`, 'utf8')
    : execFileSync('git', ['-C', MIRROR, 'show', `HEAD:${QUERIES}/${name}`], { encoding: 'utf8' });
  return text.replace(/\$\{([A-Z_]+)\}/g, (m, n) => VALUES[n] ?? m);
}

const quiet = { write: () => true, once: () => quiet };
const connectors = builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => c.descriptor);
const ddl = ['ddl_gen.sql', 'ddl_views.sql'].map((f) => [f, upstream(f)]);

const where = (err) => (err.position ? `${err.position.line}:${err.position.column}` : '-');
const oneLine = (s) => s.replace(/\s+/g, ' ').replace(/\|/g, '\\|');

export function status(query) {
  const session = new SqlSession({ connectors });
  for (const [file, text] of ddl) for (const st of session.parseScript(text, file)) session.execute(st);
  const text = upstream(`${query}.sql`);
  const t0 = performance.now();
  let statements;
  try {
    statements = session.parseScript(text, `${query}.sql`);
  } catch (err) {
    return { query, parse: false, plan: false, error: err, parseMs: performance.now() - t0 };
  }
  const t1 = performance.now();
  let explain;
  try {
    for (const st of statements.slice(0, -1)) session.execute(st);
    const last = statements[statements.length - 1];
    explain = session.explain(last);
    session.execute(last);
  } catch (err) {
    return { query, parse: true, plan: false, error: err, parseMs: t1 - t0, planMs: performance.now() - t1 };
  }
  return { query, parse: true, plan: true, explain, parseMs: t1 - t0, planMs: performance.now() - t1 };
}

const golden = process.argv.includes('--golden');
const rows = [];
let parseTotal = 0;
let planTotal = 0;
for (let i = 0; i <= 23; i++) {
  const r = status(`q${i}`);
  parseTotal += r.parseMs ?? 0;
  planTotal += r.planMs ?? 0;
  if (r.error && !r.error.code) throw r.error; // a crash, not a user-facing error
  rows.push(r);
  if (golden && r.plan) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(`${GOLDEN}${r.query}.explain`, r.explain);
  }
}
console.log('| query | parses | plans | first error (line:column in qN.sql) |');
console.log('|---|---|---|---|');
for (const r of rows) {
  const err = r.error ? `${r.error.code} at ${where(r.error)}: ${oneLine(r.error.message)}` : '';
  console.log(`| ${r.query} | ${r.parse ? 'yes' : 'no'} | ${r.plan ? 'yes' : 'no'} | ${err} |`);
}
console.log(
  `\nparse ${parseTotal.toFixed(1)} ms, validate + plan ${planTotal.toFixed(1)} ms for all ${rows.length} queries`,
);
