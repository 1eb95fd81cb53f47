import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { checkCase, type DiffCase } from './case.js';
import * as aggregates from './cases/aggregates.js';
import * as basics from './cases/basics.js';
import * as joins from './cases/joins.js';
import * as over from './cases/over.js';
import * as temporal from './cases/temporal-joins.js';
import * as windowJoins from './cases/window-joins.js';
import * as windows from './cases/windows.js';

// The stateful differential cases again on the disk-backed backend, with incremental checkpoints
// and a memtable small enough that state goes through sorted run files: the same results as the
// reference evaluator (and so as the heap backend) at parallelism 1 and 4 and through a restore.
const checkpoints = mkdtempSync(join(tmpdir(), 'weir-diff-disk-'));
afterAll(() => rmSync(checkpoints, { recursive: true, force: true }));
const DISK: [string, string][] = [
  ['state.backend.type', 'rocksdb'],
  ['execution.checkpointing.incremental', 'true'],
  ['state.backend.rocksdb.writebuffer.size', '2kb'],
  ['state.backend.rocksdb.block.blocksize', '1kb'],
  ['state.checkpoints.dir', checkpoints],
];

function suite(name: string, cases: readonly DiffCase[], prelude: string) {
  describe(`differential on the disk backend: ${name}`, () => {
    for (const c of cases) it(c.name, () => checkCase(c, prelude, DISK), 20_000);
  });
}

const withAggregateInputs = basics.PRELUDE + aggregates.PRELUDE;
suite('group aggregates', aggregates.GROUP, withAggregateInputs);
suite('DISTINCT and FILTER', aggregates.DISTINCT_FILTER, withAggregateInputs);
suite('retractions of retractions', aggregates.RETRACTIONS, withAggregateInputs);
suite('window TVFs and group windows (event time, late rows)', windows.WINDOWS, '');
suite('Top-N, deduplication, OVER', over.OVER, '');
suite('regular joins', joins.JOINS, joins.PRELUDE);
suite('semi and anti joins (IN / EXISTS subqueries)', joins.SEMI_ANTI, joins.PRELUDE);
suite('temporal joins (versioned tables, event time)', temporal.TEMPORAL, '');
suite('window joins', windowJoins.WINDOW_JOINS, '');
suite('scalar subqueries', joins.SCALAR_SUBQUERIES, joins.PRELUDE);
