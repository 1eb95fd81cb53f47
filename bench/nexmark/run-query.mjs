#!/usr/bin/env node
// One Nexmark query in this process, for the harness (harness.mjs), which starts one process per
// query so that each has its own peak RSS. Prints one JSON line: status, wall and CPU seconds of
// the whole process (worker threads included), peak RSS, and the checkpoints taken.
//
//   node bench/nexmark/run-query.mjs '{"query":"q5","events":1000000,"parallelism":1,"checkpointInterval":"10s"}'
//
// With "warmupEvents": N the query first runs on N events in this process, unmeasured, as Nexmark's
// own runner does (nexmark.yaml: `…warmup.events.num`; it then times a run from the moment the job is
// RUNNING on a cluster whose TaskManagers are up): the measured run gets the warm worker threads the
// warm-up leaves in the pool, and JIT-compiled code on every thread.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Configuration } from '../../dist/common/config.js';
import { builtinConnectors } from '../../dist/connectors/registry.js';
import { BUILTIN_WORKER_CONNECTORS } from '../../dist/connectors/worker-registry.js';
import { SqlSession } from '../../dist/planner/index.js';
import { executeJob, workerThreadUtilization } from '../../dist/runtime/index.js';
import { placeholderValues, upstreamScript } from './upstream.mjs';

const {
  query,
  events,
  parallelism = 1,
  checkpointInterval,
  config = {},
  warmupEvents = 0,
} = JSON.parse(process.argv[2]);
const checkpoints = mkdtempSync(join(tmpdir(), 'weir-nexmark-chk-'));
const quiet = { write: () => true, once: () => undefined };
const entries = builtinConnectors({ stdout: quiet, stderr: quiet });
const connectors = new Map(entries.map((c) => [c.runtime.identifier, c.runtime]));
const settings = [['parallelism.default', String(parallelism)]];
if (checkpointInterval) {
  // Flink's benchmark setup: exactly-once (aligned) checkpoints to a filesystem folder.
  settings.push(
    ['execution.checkpointing.interval', checkpointInterval],
    ['execution.checkpointing.mode', 'EXACTLY_ONCE'],
    ['state.checkpoints.dir', `file://${checkpoints}`],
  );
}
// Extra options for experiments ("config": {"key": "value"}), applied after the ones above.
for (const [key, value] of Object.entries(config)) settings.push([key, String(value)]);

/** The query's JobGraph, planned from the upstream text with these placeholder values. */
function plan(values) {
  const session = new SqlSession({
    connectors: entries.map((c) => c.descriptor),
    config: new Configuration(settings),
  });
  let graph;
  for (const statement of session.parseScript(upstreamScript(query, values), `${query}.sql`)) {
    const r = session.execute(statement);
    if (r.kind === 'job') graph = r.jobGraph;
  }
  return graph;
}

const run = (graph) =>
  executeJob(graph, {
    connectors,
    workerConnectors: BUILTIN_WORKER_CONNECTORS,
    log: { info() {}, warn: (m) => console.error(m) },
  });

const { values, cleanup } = placeholderValues(events);
let graph;
try {
  if (warmupEvents > 0) {
    const warmup = placeholderValues(warmupEvents);
    const result = await run(plan(warmup.values)).result;
    warmup.cleanup();
    if (result.status !== 'FINISHED') throw new Error(`the warm-up run ended ${result.status}`);
  }
  graph = plan(values);
} catch (err) {
  console.log(JSON.stringify({ query, error: err.message.split('\n')[0] }));
  process.exit(0);
}
const threadsBefore = threadCpuSeconds();
const mainLoopBefore = performance.eventLoopUtilization();
const cpuBefore = process.cpuUsage();
const started = process.hrtime.bigint();
const job = run(graph);
const result = await job.result;
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const cpu = process.cpuUsage(cpuBefore);
const mainLoop = performance.eventLoopUtilization(mainLoopBefore);
const threadsAfter = threadCpuSeconds();
// CPU-seconds per thread during the job, busiest first: the main thread, the worker threads and
// V8's and libuv's helper threads (garbage collection, compilation) — Linux only (/proc).
const threads = [...threadsAfter]
  .map(([tid, t]) => ({
    thread: tid === process.pid ? 'main' : t.name,
    cpuSeconds: t.seconds - (threadsBefore.get(tid)?.seconds ?? 0),
  }))
  .filter((t) => t.cpuSeconds > 0)
  .sort((a, b) => b.cpuSeconds - a.cpuSeconds);
const completed = job.coordinator.statistics.filter((s) => s.status === 'COMPLETED' && !s.isSavepoint);
console.log(
  JSON.stringify({
    query,
    events,
    warmupEvents,
    parallelism,
    checkpointInterval: checkpointInterval ?? null,
    status: result.status,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    // ru_maxrss is in kilobytes on Linux.
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    checkpoints: job.coordinator.counts.completed,
    // How busy each event loop was: a thread waiting on its peers (credit, data) shows idle time.
    utilization: {
      main: mainLoop.utilization,
      workers: workerThreadUtilization().map((w) => w.utilization),
    },
    threads,
    failedCheckpoints: job.coordinator.counts.failed,
    meanCheckpointMs:
      completed.length > 0 ? completed.reduce((s, c) => s + (c.durationMs ?? 0), 0) / completed.length : null,
  }),
);
cleanup();
rmSync(checkpoints, { recursive: true, force: true });

/** CPU-seconds of each thread of this process so far, by thread id, from /proc (empty elsewhere). */
function threadCpuSeconds() {
  const result = new Map();
  let tids;
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return result;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      // Fields after the name: state is field 3, utime and stime are fields 14 and 15 (clock ticks).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      result.set(Number(tid), { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 });
    } catch {
      // The thread ended meanwhile.
    }
  }
  return result;
}
