import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The upstream nexmark-flink SQL files, read from the mirror of github.com/nexmark/nexmark (or
 * $NEXMARK_QUERIES, a directory holding them), and filled as bench/nexmark/fill.mjs fills them.
 */
const MIRROR = '/work/.mirror/nexmark+nexmark/repo';
const QUERIES = 'nexmark-flink/src/main/resources/queries';
export const FILL_MJS = fileURLToPath(new URL('../../bench/nexmark/fill.mjs', import.meta.url));

export const NEXMARK_QUERIES = Array.from({ length: 24 }, (_, i) => `q${i}`);

export function upstreamAvailable(): boolean {
  return process.env.NEXMARK_QUERIES !== undefined || existsSync(MIRROR);
}

export function upstreamFile(name: string): string {
  const dir = process.env.NEXMARK_QUERIES;
  if (dir) return execFileSync('cat', [`${dir}/${name}`], { encoding: 'utf8' });
  return execFileSync('git', ['-C', MIRROR, 'show', `HEAD:${QUERIES}/${name}`], { encoding: 'utf8' });
}

/** `${NAME}` placeholders filled from `values`, as fill.mjs does; an unknown one is an error. */
export function fill(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(/\$\{([A-Z_]+)\}/g, (m, name: string) => {
    const v = values[name];
    if (v === undefined) throw new Error(`no value for ${m}`);
    return v;
  });
}

export const DEFAULT_VALUES: Readonly<Record<string, string>> = {
  TPS: '10000000',
  EVENTS_NUM: '100000000',
  PERSON_PROPORTION: '1',
  AUCTION_PROPORTION: '3',
  BID_PROPORTION: '46',
  NEXMARK_TABLE: 'datagen',
  KEEP_ALIVE: 'false',
  STOP_AT: '-1',
};

/** ddl_gen + ddl_views + the query, filled, joined as fill.mjs joins files. */
export function upstreamScript(query: string, values: Readonly<Record<string, string>> = {}): string {
  const all = { ...DEFAULT_VALUES, ...values };
  return `${['ddl_gen.sql', 'ddl_views.sql', `${query}.sql`]
    .map((f) => fill(upstreamFile(f), all).trimEnd())
    .join('\n\n')}\n`;
}
