#!/usr/bin/env node
// The older entry point, kept for its environment variables: `EVENTS_NUM=… PARALLELISM=… node
// bench/nexmark/run.mjs [q0 q1 …] [--engine flink]` runs the harness (harness.mjs) with those.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const engineAt = args.indexOf('--engine');
const engine = engineAt >= 0 ? ['--engine', args[engineAt + 1]] : [];
const queries = args.filter((_, i) => engineAt < 0 || (i !== engineAt && i !== engineAt + 1));
const harness = fileURLToPath(new URL('./harness.mjs', import.meta.url));
const { status } = spawnSync(
  process.execPath,
  [
    harness,
    ...(queries.length > 0 ? ['--queries', queries.join(',')] : []),
    '--events',
    process.env.EVENTS_NUM ?? '10000000',
    '--parallelism',
    process.env.PARALLELISM ?? '1',
    ...engine,
  ],
  { stdio: 'inherit' },
);
process.exit(status ?? 1);
