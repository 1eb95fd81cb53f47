#!/usr/bin/env node
// Prints nexmark-flink SQL files with their ${…} placeholders filled, as the upstream QueryRunner
// does (line by line, textual replacement), so the upstream files run unchanged:
//
//   node bench/nexmark/fill.mjs <nexmark>/nexmark-flink/src/main/resources/queries/{ddl_gen,ddl_views,q0}.sql
//
// Several files are concatenated in the order given. Values come from the environment:
//   TPS (10000000), EVENTS_NUM (100000000), PERSON_PROPORTION (1), AUCTION_PROPORTION (3),
//   BID_PROPORTION (46), NEXMARK_TABLE (datagen); KEEP_ALIVE (false), STOP_AT (-1) for ddl_gen_v2.sql.
// An unknown placeholder is an error, so a newer upstream file cannot run half-filled.
import { readFileSync } from 'node:fs';

const defaults = {
  TPS: '10000000',
  EVENTS_NUM: '100000000',
  PERSON_PROPORTION: '1',
  AUCTION_PROPORTION: '3',
  BID_PROPORTION: '46',
  NEXMARK_TABLE: 'datagen',
  KEEP_ALIVE: 'false',
  STOP_AT: '-1',
};
const values = Object.fromEntries(Object.entries(defaults).map(([k, v]) => [k, process.env[k] ?? v]));

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: node bench/nexmark/fill.mjs <file.sql> [more.sql …]\n');
  process.exit(2);
}
const parts = files.map((file) =>
  readFileSync(file, 'utf8').replace(/\$\{([A-Z_]+)\}/g, (match, name) => {
    if (!(name in values)) {
      process.stderr.write(`${file}: no value for ${match}\n`);
      process.exit(1);
    }
    return values[name];
  }),
);
// Upstream files end without a newline after their last ';'.
process.stdout.write(`${parts.map((p) => p.trimEnd()).join('\n\n')}\n`);
