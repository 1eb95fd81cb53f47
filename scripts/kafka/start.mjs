#!/usr/bin/env node
// Starts a throw-away single-node Kafka broker (and, with --postgres, a PostgreSQL that can do
// two-phase commit) the way the test suite does, prints where they are and waits for Ctrl-C.
// Needs a build (`npm run build`), because it runs the compiled test kit in dist/testing.
//
//   node scripts/kafka/start.mjs [--port 9092] [--version 3.9.2] [--postgres]
import { existsSync } from 'node:fs';

const kit = new URL('../../dist/testing/index.js', import.meta.url);
if (!existsSync(kit)) {
  console.error('scripts/kafka/start.mjs: dist/testing is missing; run `npm run build` first');
  process.exit(1);
}
const { startKafka, startPostgres } = await import(kit.href);

const args = process.argv.slice(2);
const versionAt = args.indexOf('--version');
const version = versionAt >= 0 ? args[versionAt + 1] : undefined;
const portAt = args.indexOf('--port');
const port = portAt >= 0 ? Number(args[portAt + 1]) : undefined;

const started = [];
try {
  const kafka = await startKafka({ version, port, ignoreEnv: true });
  started.push(kafka);
  console.log(`kafka       ${kafka.bootstrapServers}${kafka.logFile ? `   (log: ${kafka.logFile})` : ''}`);
  if (args.includes('--postgres')) {
    const pg = await startPostgres();
    started.push(pg);
    console.log(`postgresql  ${pg.url}`);
  }
} catch (err) {
  console.error(err?.message ?? err);
  await Promise.all(started.map((s) => s.stop()));
  process.exit(1);
}
console.log('Ctrl-C stops everything.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all(started.map((s) => s.stop()));
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
// The kit's handles do not keep node alive on purpose; this does, until a signal.
setInterval(() => {}, 1 << 30);
