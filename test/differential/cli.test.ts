import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runWeir } from '../helpers/cli.js';
import { canonicalValues } from './canonical.js';
import { evaluateScript } from './evaluator.js';
import type { Value } from './values.js';

const dir = mkdtempSync(join(tmpdir(), 'weir-differential-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A print sink line's fields (`+I[alice, 2, 13.50]`) in a loose canonical form: numbers by value
 * (trailing zeros dropped), `null` as NULL, anything else as text. Good for rows without ', '.
 */
function looseOfPrinted(fields: string): string {
  return fields
    .split(', ')
    .map((f) =>
      f === 'null'
        ? 'NULL'
        : /^-?\d+(\.\d+)?$/.test(f)
          ? f.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
          : f,
    )
    .join(' | ');
}

const looseOfValues = (row: readonly Value[]) =>
  canonicalValues(row)
    .split(' | ')
    .map((f) => (f.startsWith('"') ? JSON.parse(f) : f))
    .join(' | ');

/** Applies the print sink's changelog (one table, any subtask prefix) to a multiset of rows. */
function finalTable(stdout: string, identifier: string): string[] {
  const table = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${identifier}(?::\\d+)?> ([+-][IUD])\\[(.*)\\]$`).exec(line);
    if (!m) continue;
    const row = looseOfPrinted(m[2]);
    const n = table.get(row) ?? 0;
    if (m[1] === '+I' || m[1] === '+U') table.set(row, n + 1);
    else {
      expect(n, `${m[1]} of a row not in the table: ${row}`).toBeGreaterThan(0);
      if (n === 1) table.delete(row);
      else table.set(row, n - 1);
    }
  }
  return [...table].flatMap(([row, n]) => Array.from({ length: n }, () => row)).sort();
}

/** The evaluator's answer for the SELECT that the script's INSERT runs. */
function expectedOf(script: string, select: string): string[] {
  return evaluateScript(`${script}\n${select}`).rows.map(looseOfValues).sort();
}

const ORDERS = `
CREATE TABLE orders (id INT, customer STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3))
WITH ('connector' = 'filesystem', 'path' = 'sql-examples/data/orders.csv', 'format' = 'csv');
`;

const CASES = [
  {
    name: 'the sql-examples/filesystem.sql query: UNION ALL of a file and VALUES, aggregated',
    select: `SELECT customer, COUNT(*), SUM(amount) FROM (SELECT customer, amount FROM orders UNION ALL SELECT * FROM (VALUES ('erin', CAST(4.40 AS DECIMAL(10, 2))), ('alice', CAST(1.00 AS DECIMAL(10, 2)))) AS t(customer, amount)) GROUP BY customer`,
    sink: 'customer STRING, orders BIGINT, total DECIMAL(38, 2)',
  },
  {
    name: 'filter and projection of a file',
    select: 'SELECT id, customer, amount * 2 FROM orders WHERE amount > 1',
    sink: 'id INT, customer STRING, twice DECIMAL(12, 2)',
  },
  {
    name: 'SELECT DISTINCT over VALUES',
    select: "SELECT DISTINCT x FROM (VALUES ('a'), ('b'), ('a'), ('c')) AS t(x)",
    sink: 'x STRING',
  },
];

describe('weir run -f: differential cases end to end', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const file = join(dir, `${CASES.indexOf(c)}.sql`);
      writeFileSync(
        file,
        `${ORDERS}CREATE TABLE out (${c.sink}) WITH ('connector' = 'print', 'print-identifier' = 'out');\nINSERT INTO out ${c.select};\n`,
      );
      const { code, stdout, stderr } = await runWeir(['run', '-f', file, '-p', '2']);
      expect(code, stderr).toBe(0);
      expect(finalTable(stdout, 'out')).toEqual(expectedOf(ORDERS, c.select));
    }, 60_000);
  }

  it('sql-examples/filesystem.sql runs and prints the totals per customer', async () => {
    const { code, stdout, stderr } = await runWeir(['run', '-f', 'sql-examples/filesystem.sql']);
    expect(code, stderr).toBe(0);
    expect(finalTable(stdout, 'spend')).toEqual(expectedOf(ORDERS, CASES[0].select));
  }, 60_000);
});
