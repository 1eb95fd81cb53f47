#!/usr/bin/env node
// Stops the cluster a `node scripts/flink/start.mjs` of this user started (it stops its JVMs itself on
// SIGTERM; had it been killed outright, the guards would already have stopped them).
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pidFile = join(tmpdir(), `weir-flink-start-${process.getuid?.() ?? 'user'}.pid`);
let pid;
try {
  pid = Number(readFileSync(pidFile, 'utf8'));
} catch {
  console.log('No Flink cluster started by scripts/flink/start.mjs is running.');
  process.exit(0);
}
try {
  process.kill(pid, 'SIGTERM');
} catch {
  rmSync(pidFile, { force: true });
  console.log('No Flink cluster started by scripts/flink/start.mjs is running.');
  process.exit(0);
}
for (let i = 0; i < 300; i++) {
  try {
    process.kill(pid, 0);
  } catch {
    console.log(`Stopped the Flink cluster (pid ${pid}).`);
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.error(`The Flink cluster (pid ${pid}) did not stop within 30 s.`);
process.exit(1);
