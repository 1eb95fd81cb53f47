// `node bench/nexmark/run.mjs --engine flink [q0 q1 …]`: the same Nexmark queries on weir and on a local Apache
// Flink 1.20 cluster, in one run, from the same input, and prints throughput, start-up and peak memory of both.
//
// The input: the nexmark-flink connector that upstream's ddl_gen.sql names is not on Maven Central, so Flink
// cannot generate the events itself. weir's `nexmark` connector (checked field by field against upstream's
// generator) writes EVENTS_NUM events once to JSON files; both engines then read those files through the
// `filesystem` connector with upstream's `datagen` schema (nested person/auction/bid rows, the computed
// `dateTime` and its 4-second watermark), and run upstream's ddl_views.sql and qN.sql unchanged. Both run at
// parallelism 1 with the same checkpoint interval (CHECKPOINT_INTERVAL, default none). Reading and parsing JSON
// is part of every figure, on both sides; weir's own nexmark-source figures are in bench/nexmark/README.md.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitStatements } from '../../dist/cli/statement-splitter.js';
import { SqlGatewaySession } from '../../dist/cli/targets/sql-gateway.js';
import { builtinConnectors } from '../../dist/connectors/registry.js';
import { SqlSession } from '../../dist/planner/index.js';
import { executeJob } from '../../dist/runtime/index.js';
import { startFlink } from '../../dist/testing/index.js';
import { upstreamFile } from './upstream.mjs';

const WEIR_BIN = new URL('../../bin/weir.js', import.meta.url).pathname;

/** upstream's datagen table, its WITH clause swapped for the JSON files. */
function fileTable(values, dir) {
  const ddl = upstreamFile('ddl_gen.sql', values);
  return ddl.replace(
    /\)\s*WITH\s*\([\s\S]*\);?\s*$/,
    `) WITH (\n  'connector' = 'filesystem',\n  'path' = '${dir}',\n  'format' = 'json'\n);`,
  );
}

const quiet = { write: () => true, once: () => undefined };
const entries = builtinConnectors({ stdout: quiet, stderr: quiet });
const connectors = new Map(entries.map((c) => [c.runtime.identifier, c.runtime]));

async function runOnWeir(script, name) {
  const session = new SqlSession({ connectors: entries.map((c) => c.descriptor) });
  let graph;
  for (const statement of session.parseScript(script, name)) {
    const r = session.execute(statement);
    if (r.kind === 'job') graph = r.jobGraph;
  }
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  const result = await executeJob(graph, { connectors, log: { info() {}, warn: (m) => console.error(m) } })
    .result;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuBefore);
  return { status: result.status, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

/** Writes the events with weir's nexmark connector into JSON part files under `dir`. */
async function generate(values, dir) {
  const gen = upstreamFile('ddl_gen.sql', values);
  const sink = fileTable(values, dir)
    .replace('CREATE TABLE datagen', 'CREATE TABLE events_file')
    .replace(/,\s*`dateTime` AS[\s\S]*?INTERVAL '4' SECOND/, '');
  await runOnWeir(
    `${gen}\n${sink}\nINSERT INTO events_file SELECT event_type, person, auction, bid FROM datagen;`,
    'generate.sql',
  );
}

/** Peak resident memory (VmHWM) of a process, in MB; Linux only, 0 elsewhere. */
function peakMb(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

async function runOnFlink(flink, script, properties) {
  const session = await SqlGatewaySession.open(flink.gatewayUrl, properties);
  try {
    const statements = splitStatements(`${script.trimEnd()}\n`).statements.map((s) =>
      s.replace(/^(\s|--[^\n]*\n)*/, '').replace(/;\s*$/, ''),
    );
    let jobId;
    const started = Date.now();
    for (const s of statements) jobId = (await session.execute(s)).jobId ?? jobId;
    for (;;) {
      const job = await (await fetch(`${flink.restUrl}/jobs/${jobId}`)).json();
      if (['FINISHED', 'FAILED', 'CANCELED'].includes(job.state))
        return { status: job.state, seconds: (Date.now() - started) / 1000, jobSeconds: job.duration / 1000 };
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await session.close();
  }
}

export async function sideBySide(queries) {
  const events = Number(process.env.EVENTS_NUM ?? '1000000');
  const values = {
    TPS: process.env.TPS ?? '10000000',
    EVENTS_NUM: String(events),
    PERSON_PROPORTION: '1',
    AUCTION_PROPORTION: '3',
    BID_PROPORTION: '46',
    NEXMARK_TABLE: 'datagen',
  };
  const checkpointInterval = process.env.CHECKPOINT_INTERVAL;
  const dir = mkdtempSync(join(tmpdir(), 'weir-nexmark-events-'));
  const genStarted = Date.now();
  await generate(values, dir);
  console.log(
    `generated ${events.toLocaleString('en')} events as JSON in ${((Date.now() - genStarted) / 1000).toFixed(1)} s`,
  );

  // weir's start-up: a bounded one-row job through the CLI, process start to exit.
  const weirStart = Date.now();
  spawnSync(process.execPath, [WEIR_BIN, 'run', '-f', '/dev/stdin'], {
    input:
      "CREATE TABLE s (x INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1');\nCREATE TABLE b (x INT) WITH ('connector' = 'blackhole');\nINSERT INTO b SELECT x FROM s;\n",
  });
  const weirStartMs = Date.now() - weirStart;

  const flink = await startFlink({
    slots: 2,
    jvmOptions: ['-XX:TieredStopAtLevel=4'],
    taskHeap: '512m',
    ignoreEnv: true,
  });
  const rows = [];
  try {
    for (const q of queries) {
      const script = [
        fileTable(values, dir),
        upstreamFile('ddl_views.sql', values),
        upstreamFile(`${q}.sql`, values),
      ].join('\n\n');
      const settings = checkpointInterval
        ? `SET 'execution.checkpointing.interval' = '${checkpointInterval}';\n`
        : '';
      let weir;
      let onFlink;
      try {
        weir = await runOnWeir(`SET 'parallelism.default' = '1';\n${settings}${script}`, `${q}.sql`);
        onFlink = await runOnFlink(flink, script, {
          'parallelism.default': '1',
          ...(checkpointInterval ? { 'execution.checkpointing.interval': checkpointInterval } : {}),
        });
      } catch (err) {
        console.error(`${q}: not run: ${err.message.split('\n')[0]}`);
        continue;
      }
      rows.push({ q, weir, flink: onFlink });
      console.error(
        `${q}: weir ${weir.status} ${weir.seconds.toFixed(2)} s, Flink ${onFlink.status} ${onFlink.seconds.toFixed(2)} s`,
      );
    }
  } finally {
    const flinkPeak = Object.values(flink.pids ?? {}).reduce((sum, pid) => sum + peakMb(pid), 0);
    const weirPeak = process.resourceUsage().maxRSS / 1024;
    await flink.stop();
    rmSync(dir, { recursive: true, force: true });
    console.log(
      `\nNexmark side by side: ${events.toLocaleString('en')} events from the same JSON files, parallelism 1, checkpoints ${checkpointInterval ?? 'off'}`,
    );
    // Both from job start to job end: weir's executeJob, Flink's job duration (REST), which includes
    // deploying the tasks but not planning in the gateway (shown last: submit to finished).
    console.log('query  weir s   weir events/s  Flink s  Flink events/s  weir/Flink  Flink submit→end s');
    for (const r of rows) {
      const w = events / r.weir.seconds;
      const f = events / r.flink.jobSeconds;
      console.log(
        `${r.q.padEnd(6)} ${r.weir.seconds.toFixed(2).padStart(6)} ${Math.round(w).toLocaleString('en').padStart(15)} ${r.flink.jobSeconds.toFixed(2).padStart(8)} ${Math.round(f).toLocaleString('en').padStart(15)} ${(w / f).toFixed(2).padStart(11)} ${r.flink.seconds.toFixed(2).padStart(18)}`,
      );
    }
    console.log(
      `start-up: weir ${(weirStartMs / 1000).toFixed(2)} s (a one-row job, process start to exit); Flink cluster ${(flink.startMs / 1000).toFixed(1)} s (three JVMs until slots and gateway answer)`,
    );
    console.log(
      `peak memory (RSS): weir ${Math.round(weirPeak)} MB (this process); Flink ${Math.round(flinkPeak)} MB (job manager + task manager + SQL Gateway)`,
    );
  }
}
