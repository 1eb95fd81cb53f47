import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWeir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

interface Change {
  readonly kind: string;
  readonly fields: string[];
}

/** The print sink's lines of one table (`totals> +I[a, 1]` or `totals:2> …` at parallelism > 1). */
function changelogOf(stdout: string, identifier: string): Change[] {
  const line = new RegExp(`^${identifier}(?::\\d+)?> ([+-][IUD])\\[(.*)\\]$`);
  return stdout
    .split('\n')
    .map((l) => line.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kind: m[1], fields: m[2].split(', ') }));
}

/**
 * Applies a changelog keyed by its first field, checking that every -U and -D retracts exactly the
 * row last inserted or updated for its key: what a downstream system would have to rely on.
 */
function apply(changes: readonly Change[]): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const { kind, fields } of changes) {
    const key = fields[0];
    if (kind === '+I') {
      expect(table.has(key), `+I for existing key ${key}`).toBe(false);
      table.set(key, fields);
    } else if (kind === '+U') {
      table.set(key, fields);
    } else {
      expect(table.get(key), `${kind} of ${fields.join(', ')}`).toEqual(fields);
      table.delete(key);
    }
  }
  return table;
}

/**
 * Mini-batch on, from the command line, in one phase: batches of up to 100 rows (ended also by
 * each checkpoint), so the 500 orders make several batches per subtask and every buyer's totals
 * are updated in each.
 */
const MINI_BATCH = [
  '-D',
  'table.exec.mini-batch.enabled=true',
  '-D',
  'table.exec.mini-batch.allow-latency=5 s',
  '-D',
  'table.exec.mini-batch.size=100',
  '-D',
  'table.optimizer.agg-phase-strategy=ONE_PHASE',
];

describe('weir run -f sql-examples/group-aggregate.sql', () => {
  it.each([
    [1, false],
    [2, false],
    [2, true],
  ])(
    'prints changelogs that add up to the exact final totals (parallelism %i, mini-batch %s)',
    async (parallelism, miniBatch) => {
      const dir = await mkdtemp(join(tmpdir(), 'weir-agg-'));
      dirs.push(dir);
      const { code, stdout, stderr } = await runWeir([
        'run',
        '-f',
        'sql-examples/group-aggregate.sql',
        '-p',
        String(parallelism),
        '-D',
        `state.checkpoints.dir=file://${dir}`,
        ...(miniBatch ? MINI_BATCH : []),
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr.match(/finished\./g)).toHaveLength(2);

      // order_id 1..500, buyer = id % 5, price = id % 7 + 1.
      const expected = new Map<string, { cnt: number; total: number; max: number }>();
      for (let id = 1; id <= 500; id++) {
        const buyer = `buyer-${id % 5}`;
        const price = (id % 7) + 1;
        const e = expected.get(buyer) ?? { cnt: 0, total: 0, max: 0 };
        expected.set(buyer, { cnt: e.cnt + 1, total: e.total + price, max: Math.max(e.max, price) });
      }
      const totalsLog = changelogOf(stdout, 'totals');
      expect(totalsLog[0].kind).toBe('+I');
      expect(new Set(totalsLog.map((c) => c.kind))).toEqual(new Set(['+I', '-U', '+U']));
      const totals = apply(totalsLog);
      expect(Object.fromEntries(totals)).toEqual(
        Object.fromEntries(
          [...expected].map(([buyer, e]) => [buyer, [buyer, String(e.cnt), `${e.total}.00`, `${e.max}.00`]]),
        ),
      );
      if (miniBatch) {
        // One -U/+U pair per buyer and batch, not per order.
        expect(totalsLog.length).toBeLessThan(5 + 2 * 495);
      } else {
        // 500 orders: one +I per buyer, then a -U/+U pair for each further order.
        expect(totalsLog).toHaveLength(5 + 2 * 495);
      }

      // Every buyer ends with 100 orders; the counts they passed through were deleted (with
      // mini-batch, a count can come and go within one batch of the outer aggregation, unseen).
      const countsLog = changelogOf(stdout, 'order_counts');
      if (!miniBatch) expect(countsLog.some((c) => c.kind === '-D')).toBe(true);
      expect(Object.fromEntries(apply(countsLog))).toEqual({ '100': ['100', '5'] });
    },
    60_000,
  );
});
