#!/usr/bin/env node
// Recovery time from SIGKILL to first output. A `weir run -f` job keeps keyed state of a chosen
// size (GROUP BY k over KEYS keys, each holding MAX of a PAD-character string), checkpoints every
// INTERVAL to the filesystem, and prints its changelog to stdout. Once every key has state and a
// checkpoint after that has completed, the process is SIGKILLed; then, ROUNDS times, a new
// process is spawned with `weir run -s <latest chk>` and the time from its spawn to its first
// output record is measured (each restored process is SIGKILLed once it has printed; every round
// restores from the same checkpoint, as NO_CLAIM restores allow).
//
// Run `npm run build` first. Sizes are given as key count × pad length:
//   nice -n 10 node bench/recovery.mjs                       (10 MB and 500 MB, hashmap)
//   SIZES=100000x100 BACKEND=rocksdb ROUNDS=5 node bench/recovery.mjs
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { latestCompletedCheckpoint } from '../dist/testing/crash-loop.js';

const WEIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'weir.js');
const rounds = Number(process.env.ROUNDS ?? 3);
const backend = process.env.BACKEND ?? 'hashmap';
const interval = process.env.INTERVAL ?? '2s';
// 10 MB: 50 000 keys × 200 characters; 500 MB: 500 000 keys × 1 000 characters (the estimate
// the bench prints is the retained checkpoint's size on disk).
const sizes = (process.env.SIZES ?? '50000x200,500000x1000').split(',').map((s) => {
  const [keys, pad] = s.split('x').map(Number);
  return { keys, pad };
});
const work = join(tmpdir(), `weir-bench-recovery-${process.pid}`);

function jobSql({ keys, pad }) {
  return `CREATE TABLE seq (id BIGINT, pad STRING) WITH (
  'connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '0',
  'fields.id.end' = '9000000000000', 'fields.pad.length' = '${pad}'
);
CREATE TABLE out (k BIGINT, cnt BIGINT, len INT) WITH ('connector' = 'print');
INSERT INTO out SELECT k, COUNT(*), CHAR_LENGTH(MAX(pad)) FROM (SELECT MOD(id, ${keys}) AS k, pad FROM seq) GROUP BY k;
`;
}

/** A weir process whose stdout records are counted as they arrive (stdout must keep draining). */
function start(script, checkpointDir, restoreFrom) {
  const args = [
    '--max-old-space-size=12288',
    WEIR,
    'run',
    '-f',
    script,
    '-D',
    'rest.port=0',
    '-D',
    `execution.checkpointing.interval=${interval}`,
    '-D',
    `execution.checkpointing.dir=file://${checkpointDir}`,
    '-D',
    'execution.checkpointing.externalized-checkpoint-retention=RETAIN_ON_CANCELLATION',
    '-D',
    `state.backend.type=${backend}`,
    '-D',
    `execution.checkpointing.incremental=${backend === 'rocksdb'}`,
    '-D',
    'restart-strategy.type=none',
    ...(restoreFrom ? ['-s', restoreFrom] : []),
  ];
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, NO_COLOR: '1', WEIR_HOME: join(work, 'home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run = { child, spawnedAt, records: 0, firstRecordAt: undefined, firstRecord: undefined, stderr: '' };
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      if (!/^[+-][IUD]\[/.test(line)) continue;
      run.records++;
      run.firstRecordAt ??= performance.now();
      run.firstRecord ??= line;
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    run.stderr = (run.stderr + d).slice(-4000);
  });
  run.exit = new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  return run;
}

async function until(what, run, probe, timeoutMs = 30 * 60_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  run.exit.then(() => {
    exited = true;
  });
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (exited) throw new Error(`weir exited while waiting for ${what}:\n${run.stderr}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function directoryBytes(path) {
  let total = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    total += e.isDirectory() ? directoryBytes(p) : statSync(p).size;
  }
  return total;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function kill(run) {
  run.child.kill('SIGKILL');
  await run.exit;
}

async function measureSize(size) {
  const dir = join(work, `${size.keys}x${size.pad}`);
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'job.sql');
  writeFileSync(script, jobSql(size));
  const checkpoints = join(dir, 'checkpoints');

  // Build the state: every key seen once (one +I each), then one more checkpoint completes.
  const builder = start(script, checkpoints);
  await until('every key to have state', builder, () => builder.records >= size.keys);
  // A checkpoint in progress now may have been triggered before every key had state; the first
  // one triggered after this moment is at most two past the latest completed (max-concurrent 1).
  const chkId = (path) => (path ? Number(/chk-(\d+)$/.exec(path)[1]) : 0);
  const before = chkId((await latestCompletedCheckpoint(checkpoints)).path);
  const chk = await until('a checkpoint holding every key', builder, async () => {
    const latest = (await latestCompletedCheckpoint(checkpoints)).path;
    return chkId(latest) >= before + 2 ? latest : undefined;
  });
  await kill(builder);
  // The latest completed when the process died (a newer one may have completed meanwhile).
  const restoreFrom = (await latestCompletedCheckpoint(checkpoints)).path ?? chk;
  const jobDir = dirname(restoreFrom);
  const stateBytes = directoryBytes(restoreFrom) + directoryBytes(join(jobDir, 'shared'));

  const times = [];
  for (let round = 0; round < rounds; round++) {
    const restored = start(script, join(dir, `restored-${round}`), restoreFrom);
    await until('the first output after the restore', restored, () => restored.firstRecordAt !== undefined);
    times.push(restored.firstRecordAt - restored.spawnedAt);
    await kill(restored);
    // A key the restored job sees again must retract its restored count: else state was lost.
    if (!restored.firstRecord.startsWith('-U[')) {
      throw new Error(
        `the restored job's first record ${restored.firstRecord} is not an update of restored state`,
      );
    }
  }
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  console.log(
    `  ${size.keys.toLocaleString('en')} keys × ${size.pad} chars, checkpoint ${(stateBytes / 2 ** 20).toFixed(1)} MB (${restoreFrom.split('/').pop()}): ` +
      `SIGKILL → first output median ${Math.round(median(times))} ms, spread ${Math.round(Math.min(...times))}–${Math.round(Math.max(...times))} ms ` +
      `(${times.map((t) => Math.round(t)).join(', ')}); load ${load}`,
  );
}

try {
  console.log(
    `recovery from SIGKILL: weir run -s <latest chk> spawn → first printed record, ${backend} backend, checkpoints every ${interval}, ${rounds} rounds`,
  );
  for (const size of sizes) await measureSize(size);
} finally {
  rmSync(work, { recursive: true, force: true });
}
