import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlinkCluster } from '../../src/testing/index.js';
import { canonicalValues } from '../differential/canonical.js';
import type { DiffCase } from '../differential/case.js';
import * as aggregates from '../differential/cases/aggregates.js';
import * as basics from '../differential/cases/basics.js';
import * as filesystem from '../differential/cases/filesystem.js';
import * as functions from '../differential/cases/functions.js';
import * as joins from '../differential/cases/joins.js';
import * as over from '../differential/cases/over.js';
import * as windows from '../differential/cases/windows.js';
import { evaluateScript } from '../differential/evaluator.js';
import { runStreaming } from '../differential/streaming.js';
import { KNOWN_DIFFERENCES } from './known-differences.js';
import { runOnFlink } from './run-on-flink.js';

/**
 * The operator correctness cases of test/differential, on Apache Flink as well: the final table of
 * each case's changelog must be the same on Flink, on weir and in the reference evaluator. CI runs
 * every sixth case of each group (about 50 jobs, a minute and a half with the cluster start);
 * WEIR_FLINK_DIFFERENTIAL=all runs all of them. Event-time cases run with a watermark after every
 * row on both engines (weir's harness rowAtATime, Flink's pipeline.auto-watermark-interval 0), so
 * which rows are late is the same. Differences are listed, with reasons, in known-differences.ts.
 */
const all = process.env.WEIR_FLINK_DIFFERENTIAL === 'all';

/** A case's data files in a new temporary directory (the task manager runs on this machine). */
function writeFiles(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'weir-flink-differential-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function suite(cluster: () => FlinkCluster, name: string, cases: readonly DiffCase[], prelude: string) {
  const chosen = cases.filter((_, i) => all || i % 6 === 0);
  describe.concurrent(`Flink differential: ${name}`, () => {
    for (const c of chosen) {
      const known = KNOWN_DIFFERENCES[c.name];
      it(c.name, async () => {
        const dir = c.files ? writeFiles(c.files) : undefined;
        try {
          const script = `${prelude}\n${dir ? c.sql.replaceAll('$DIR', dir) : c.sql}`;
          const expected = evaluateScript(script).rows.map(canonicalValues).sort();
          const weir = await runStreaming(script, { parallelism: 1, rowAtATime: c.eventTime });
          expect(weir.rows, 'weir').toEqual(expected);
          // A watermark after every row, as weir's harness does: which rows are late is then the same.
          const flink = runOnFlink(
            cluster().gatewayUrl,
            script,
            c.eventTime ? { 'pipeline.auto-watermark-interval': '0' } : {},
          );
          switch (known?.kind) {
            case undefined:
              expect(await flink, 'Flink').toEqual(expected);
              break;
            case 'flink-rejects':
              await expect(flink, known.reason).rejects.toThrow(known.error);
              break;
            case 'order': {
              const keys = (rows: readonly string[]) => rows.map((r) => r.split(' | ')[0]).sort();
              expect(keys(await flink), known.reason).toEqual(keys(expected));
              break;
            }
            case 'flink-result':
              expect(await flink, known.reason).toEqual(known.flink);
              break;
          }
        } finally {
          if (dir) rmSync(dir, { recursive: true, force: true });
        }
      }, 60_000);
    }
  });
}

export function differentialTests(cluster: () => FlinkCluster): void {
  suite(cluster, 'projection, filter, NULL logic, CASE, CAST', basics.CASES, basics.PRELUDE);
  suite(cluster, 'DECIMAL and numeric functions', functions.DECIMALS, basics.PRELUDE);
  suite(cluster, 'string functions', functions.STRINGS, basics.PRELUDE);
  suite(cluster, 'temporal functions', functions.TEMPORAL, basics.PRELUDE);
  const withAggregateInputs = basics.PRELUDE + aggregates.PRELUDE;
  suite(cluster, 'group aggregates', aggregates.GROUP, withAggregateInputs);
  suite(cluster, 'DISTINCT and FILTER', aggregates.DISTINCT_FILTER, withAggregateInputs);
  suite(cluster, 'retractions of retractions', aggregates.RETRACTIONS, withAggregateInputs);
  suite(cluster, 'empty inputs', aggregates.EMPTY, withAggregateInputs);
  suite(cluster, 'VALUES and UNION', aggregates.VALUES_UNION, withAggregateInputs);
  suite(cluster, 'filesystem source', filesystem.FILESYSTEM, '');
  suite(cluster, 'window TVFs and group windows', windows.WINDOWS, '');
  suite(cluster, 'Top-N, deduplication, OVER', over.OVER, '');
  suite(cluster, 'regular joins', joins.JOINS, joins.PRELUDE);
  suite(cluster, 'semi and anti joins', joins.SEMI_ANTI, joins.PRELUDE);
}
