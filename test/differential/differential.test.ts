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

/** Each case runs on the reference evaluator and on weir at parallelism 1, 4 and through a restore. */
function suite(name: string, cases: readonly DiffCase[], prelude: string) {
  describe(`differential: ${name}`, () => {
    for (const c of cases) it(c.name, () => checkCase(c, prelude), 20_000);
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
