import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isWeirError } from '../../src/common/errors.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { SqlSession } from '../../src/planner/session.js';
import {
  DEFAULT_VALUES,
  fill,
  NEXMARK_QUERIES,
  upstreamAvailable,
  upstreamFile,
} from '../nexmark/upstream.js';

/**
 * Golden EXPLAIN output of the upstream Nexmark queries weir plans (test/planner/golden/nexmark/),
 * regenerated with `npm run golden`; and every query parses, and either plans or fails with a
 * WeirError (never a crash).
 */
const GOLDEN = fileURLToPath(new URL('./golden/nexmark/', import.meta.url));
const quiet = { write: () => true, once: () => quiet };
const connectors = builtinConnectors({ stdout: quiet, stderr: quiet }).map((c) => c.descriptor);
// Paths only the upstream runner knows (q10's NEXMARK_DIR, q13's FLINK_HOME), as the status script fills them.
const values = { ...DEFAULT_VALUES, FLINK_HOME: '/opt/flink', NEXMARK_DIR: '/opt/nexmark', SUBMIT_TIME: '0' };

function session(): SqlSession {
  const s = new SqlSession({ connectors });
  for (const f of ['ddl_gen.sql', 'ddl_views.sql'])
    for (const st of s.parseScript(fill(upstreamFile(f), values), f)) s.execute(st);
  return s;
}

describe.skipIf(!upstreamAvailable())('upstream Nexmark queries', () => {
  const goldens = readdirSync(GOLDEN).filter((f) => f.endsWith('.explain'));

  it('has goldens for the queries that plan (q0 at least)', () => {
    expect(goldens).toContain('q0.explain');
  });

  it.each(goldens)('%s matches the plan', (file) => {
    const query = file.replace('.explain', '');
    const s = session();
    const statements = s.parseScript(fill(upstreamFile(`${query}.sql`), values), `${query}.sql`);
    for (const st of statements.slice(0, -1)) s.execute(st);
    expect(s.explain(statements[statements.length - 1])).toBe(readFileSync(`${GOLDEN}${file}`, 'utf8'));
  });

  it.each(NEXMARK_QUERIES)('%s parses, and plans or fails with a located WeirError', (query) => {
    const s = session();
    const statements = s.parseScript(fill(upstreamFile(`${query}.sql`), values), `${query}.sql`);
    try {
      for (const st of statements) s.execute(st);
    } catch (err) {
      if (!isWeirError(err)) throw err;
      expect(['SQL_UNSUPPORTED', 'SQL_VALIDATION']).toContain(err.code);
      expect(err.position).toBeDefined();
    }
  });
});
