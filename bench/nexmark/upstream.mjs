// The upstream Nexmark SQL files (nexmark-flink/src/main/resources/queries), filled as upstream's
// QueryRunner fills them. Read from $NEXMARK_QUERIES (a directory) or the mirror of nexmark/nexmark
// this project's sessions fetch, through git.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIRROR = '/work/.mirror/nexmark+nexmark/repo';

/** Every upstream query; all of them plan and run on weir. */
export const ALL_QUERIES = Array.from({ length: 24 }, (_, i) => `q${i}`);

/**
 * Placeholder values for a run of `events` events: upstream's 100m-suite defaults, and fresh temp
 * folders for the paths only upstream's runner knows (q10 writes under NEXMARK_DIR; q13 reads its
 * side input from FLINK_HOME/data/side_input.txt, written here as nexmark's generator writes it).
 * `cleanup()` removes the folders.
 */
export function placeholderValues(events) {
  const values = {
    TPS: process.env.TPS ?? '10000000',
    EVENTS_NUM: String(events),
    PERSON_PROPORTION: '1',
    AUCTION_PROPORTION: '3',
    BID_PROPORTION: '46',
    NEXMARK_TABLE: 'datagen',
    NEXMARK_DIR: mkdtempSync(join(tmpdir(), 'weir-nexmark-')),
    SUBMIT_TIME: String(Date.now()),
    FLINK_HOME: mkdtempSync(join(tmpdir(), 'weir-nexmark-side-')),
  };
  mkdirSync(join(values.FLINK_HOME, 'data'));
  writeFileSync(
    join(values.FLINK_HOME, 'data', 'side_input.txt'),
    Array.from({ length: 10_000 }, (_, key) => `${key},${key}`).join('\n'),
  );
  const cleanup = () => {
    rmSync(values.NEXMARK_DIR, { recursive: true, force: true });
    rmSync(values.FLINK_HOME, { recursive: true, force: true });
  };
  return { values, cleanup };
}

export function upstreamFile(name, values) {
  const dir = process.env.NEXMARK_QUERIES;
  const text = dir
    ? readFileSync(join(dir, name), 'utf8')
    : execFileSync('git', ['-C', MIRROR, 'show', `HEAD:nexmark-flink/src/main/resources/queries/${name}`], {
        encoding: 'utf8',
      });
  return text.replace(/\$\{([A-Z_]+)\}/g, (m, key) => values[key] ?? m).trimEnd();
}

/** ddl_gen + ddl_views + qN, as one script. */
export function upstreamScript(query, values) {
  return ['ddl_gen.sql', 'ddl_views.sql', `${query}.sql`].map((f) => upstreamFile(f, values)).join('\n\n');
}
