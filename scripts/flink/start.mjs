#!/usr/bin/env node
// Starts a throw-away Apache Flink 1.20 session cluster (job manager, one task manager, SQL Gateway) on
// 127.0.0.1 the way the test suite does, prints its addresses and waits for Ctrl-C (or `stop.mjs`).
// Needs a build (`npm run build`), because it runs the compiled test kit in dist/testing.
//
//   node scripts/flink/start.mjs [--version 1.20.3] [--slots 4] [--kafka] [--postgres]
//
// --kafka and --postgres also start the project's Kafka broker and PostgreSQL, for a Kafka → JDBC job.
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const kit = new URL('../../dist/testing/index.js', import.meta.url);
if (!existsSync(kit)) {
  console.error('scripts/flink/start.mjs: dist/testing is missing; run `npm run build` first');
  process.exit(1);
}
const { startFlink, startKafka, startPostgres } = await import(kit.href);

const args = process.argv.slice(2);
const flagValue = (flag) => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const slots = flagValue('--slots') === undefined ? undefined : Number(flagValue('--slots'));
// stop.mjs finds this process through this file.
const pidFile = join(tmpdir(), `weir-flink-start-${process.getuid?.() ?? 'user'}.pid`);

const started = [];
try {
  const flink = await startFlink({ version: flagValue('--version'), slots, ignoreEnv: true });
  started.push(flink);
  console.log(`flink rest     ${flink.restUrl}   (logs: ${flink.dir}/log)`);
  console.log(
    `sql gateway    ${flink.gatewayUrl}   (weir run --target flink=${flink.gatewayUrl} -f job.sql)`,
  );
  console.log(`started in     ${(flink.startMs / 1000).toFixed(1)} s`);
  if (args.includes('--kafka')) {
    const kafka = await startKafka({ ignoreEnv: true });
    started.push(kafka);
    console.log(`kafka          ${kafka.bootstrapServers}`);
  }
  if (args.includes('--postgres')) {
    const pg = await startPostgres();
    started.push(pg);
    console.log(`postgresql     ${pg.url}`);
  }
} catch (err) {
  console.error(err?.message ?? err);
  await Promise.all(started.map((s) => s.stop()));
  process.exit(1);
}
await mkdir(tmpdir(), { recursive: true });
await writeFile(pidFile, String(process.pid));
console.log('Ctrl-C (or node scripts/flink/stop.mjs) stops everything.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all(started.map((s) => s.stop()));
  await rm(pidFile, { force: true });
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// The kit's handles do not keep node alive on purpose; this does, until a signal.
setInterval(() => {}, 1 << 30);
