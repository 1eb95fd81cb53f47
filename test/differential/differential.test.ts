import { describe, it } from 'vitest';
import { checkCase, type DiffCase } from './case.js';
import * as aggregates from './cases/aggregates.js';
import * as basics from './cases/basics.js';
import * as filesystem from './cases/filesystem.js';
import * as functions from './cases/functions.js';
import * as joins from './cases/joins.js';
import * as over from './cases/over.js';
import * as temporal from './cases/temporal-joins.js';
import * as unnest from './cases/unnest.js';
import * as windowJoins from './cases/window-joins.js';
import * as windows from './cases/windows.js';

/**
 * Each case runs on the reference evaluator and on weir at parallelism 1, 4 and through a restore;
 * `config` adds options to the weir runs.
 */
function suite(name: string, cases: readonly DiffCase[], prelude: string, config: [string, string][] = []) {
  describe(`differential: ${name}`, () => {
    for (const c of cases) it(c.name, () => checkCase(c, prelude, config), 20_000);
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

// Mini-batch and two-phase aggregation change how often state is touched and changes are sent,
// never the final table. Small batches (3 rows) end mid-input, by size, timer and barrier alike.
const MINI_BATCH: [string, string][] = [
  ['table.exec.mini-batch.enabled', 'true'],
  ['table.exec.mini-batch.allow-latency', '10 ms'],
  ['table.exec.mini-batch.size', '3'],
];
const ONE_PHASE: [string, string][] = [...MINI_BATCH, ['table.optimizer.agg-phase-strategy', 'ONE_PHASE']];
const TWO_PHASE: [string, string][] = [...MINI_BATCH, ['table.optimizer.agg-phase-strategy', 'TWO_PHASE']];
suite('group aggregates, mini-batch', aggregates.GROUP, withAggregateInputs, ONE_PHASE);
suite('DISTINCT and FILTER, mini-batch', aggregates.DISTINCT_FILTER, withAggregateInputs, ONE_PHASE);
suite('retractions of retractions, mini-batch', aggregates.RETRACTIONS, withAggregateInputs, ONE_PHASE);
suite('group aggregates, two-phase', aggregates.GROUP, withAggregateInputs, TWO_PHASE);
suite('retractions of retractions, two-phase', aggregates.RETRACTIONS, withAggregateInputs, TWO_PHASE);
suite('hot keys, mini-batch and two-phase', aggregates.SKEW, withAggregateInputs, TWO_PHASE);
// The distinct split, also with few buckets, so that buckets hold several values and one value's
// bucket changes subtask between the parallelisms.
const SPLIT: [string, string][] = [
  ['table.optimizer.distinct-agg.split.enabled', 'true'],
  ['table.optimizer.distinct-agg.split.bucket-num', '4'],
];
suite('DISTINCT and FILTER, distinct split', aggregates.DISTINCT_FILTER, withAggregateInputs, SPLIT);
suite('distinct split', aggregates.DISTINCT_SPLIT, withAggregateInputs, SPLIT);
suite('distinct split, mini-batch', aggregates.DISTINCT_SPLIT, withAggregateInputs, [...SPLIT, ...TWO_PHASE]);
suite('VALUES and UNION', aggregates.VALUES_UNION, withAggregateInputs);
suite('filesystem source', filesystem.FILESYSTEM, '');
suite('window TVFs and group windows (event time, late rows)', windows.WINDOWS, '');
suite('Top-N, deduplication, OVER', over.OVER, '');
suite('regular joins', joins.JOINS, joins.PRELUDE);
suite('semi and anti joins (IN / EXISTS subqueries)', joins.SEMI_ANTI, joins.PRELUDE);
suite('scalar subqueries', joins.SCALAR_SUBQUERIES, joins.PRELUDE);
suite('ORDER BY … LIMIT', joins.LIMITS, joins.PRELUDE);
suite('temporal joins (versioned tables, event time)', temporal.TEMPORAL, '');
suite('window joins (window TVFs, window aggregations)', windowJoins.WINDOW_JOINS, '');
suite('UNNEST (ARRAY, ROW arrays, MAP, MULTISET)', unnest.UNNEST, '');
