import { describe, expect, it } from 'vitest';
import { canonicalValues } from '../differential/canonical.js';
import type { DiffCase } from '../differential/case.js';
import * as aggregates from '../differential/cases/aggregates.js';
import * as basics from '../differential/cases/basics.js';
import * as functions from '../differential/cases/functions.js';
import * as joins from '../differential/cases/joins.js';
import * as over from '../differential/cases/over.js';
import * as windows from '../differential/cases/windows.js';
import { evaluateScript } from '../differential/evaluator.js';
import { runStreaming } from '../differential/streaming.js';
import { useFlinkCluster } from './flink-cluster.js';
import { KNOWN_DIFFERENCES } from './known-differences.js';
import { runOnFlink } from './run-on-flink.js';

/**
 * The operator correctness cases of test/differential, on Apache Flink as well: the final table of
 * each case's changelog must be the same on Flink, on weir and in the reference evaluator. CI runs
 * every fourth case of each group (the cluster and ~60 jobs take about a minute);
 * WEIR_FLINK_DIFFERENTIAL=all runs all of them. Event-time cases with late rows are left out: which
 * rows are late depends on when each engine emits watermarks, which weir pins for its own harness.
 */
const cluster = useFlinkCluster();
const all = process.env.WEIR_FLINK_DIFFERENTIAL === 'all';

function suite(name: string, cases: readonly DiffCase[], prelude: string) {
  const chosen = cases.filter((c, i) => !c.eventTime && !c.files && (all || i % 4 === 0));
  describe.concurrent(`Flink differential: ${name}`, () => {
    for (const c of chosen) {
      const known = KNOWN_DIFFERENCES[c.name];
      it(c.name, async () => {
        const script = `${prelude}\n${c.sql}`;
        const expected = evaluateScript(script).rows.map(canonicalValues).sort();
        const weir = await runStreaming(script, { parallelism: 1 });
        expect(weir.rows, 'weir').toEqual(expected);
        const flink = runOnFlink(cluster().gatewayUrl, script);
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
          case 'flink-bug':
            expect(await flink, known.reason).toEqual(known.flink);
            break;
        }
      }, 60_000);
    }
  });
}

suite('projection, filter, NULL logic, CASE, CAST', basics.CASES, basics.PRELUDE);
suite('DECIMAL and numeric functions', functions.DECIMALS, basics.PRELUDE);
suite('string functions', functions.STRINGS, basics.PRELUDE);
suite('temporal functions', functions.TEMPORAL, basics.PRELUDE);
const withAggregateInputs = basics.PRELUDE + aggregates.PRELUDE;
suite('group aggregates', aggregates.GROUP, withAggregateInputs);
suite('DISTINCT and FILTER', aggregates.DISTINCT_FILTER, withAggregateInputs);
suite('retractions of retractions', aggregates.RETRACTIONS, withAggregateInputs);
suite('empty inputs', aggregates.EMPTY, withAggregateInputs);
suite('VALUES and UNION', aggregates.VALUES_UNION, withAggregateInputs);
suite('window TVFs and group windows', windows.WINDOWS, '');
suite('Top-N, deduplication, OVER', over.OVER, '');
suite('regular joins', joins.JOINS, joins.PRELUDE);
suite('semi and anti joins', joins.SEMI_ANTI, joins.PRELUDE);
