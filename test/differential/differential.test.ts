import { describe, it } from 'vitest';
import { checkCase, type DiffCase } from './case.js';
import * as basics from './cases/basics.js';
import * as functions from './cases/functions.js';

/** Each case runs on the reference evaluator and on weir at parallelism 1, 4 and through a restore. */
function suite(name: string, cases: readonly DiffCase[], prelude: string) {
  describe(`differential: ${name}`, () => {
    for (const c of cases) it(c.name, () => checkCase(c, prelude));
  });
}

suite('projection, filter, NULL logic, CASE, CAST', basics.CASES, basics.PRELUDE);
suite('DECIMAL and numeric functions', functions.DECIMALS, basics.PRELUDE);
suite('string functions', functions.STRINGS, basics.PRELUDE);
suite('temporal functions', functions.TEMPORAL, basics.PRELUDE);
