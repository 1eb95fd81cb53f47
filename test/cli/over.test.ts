import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWeir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** The print sink's lines of one table (`last_three> +I[…]` or `last_three:2> …` at parallelism > 1). */
function changelogOf(stdout: string, identifier: string): { kind: string; fields: string[] }[] {
  const line = new RegExp(`^${identifier}(?::\\d+)?> ([+-][IUD])\\[(.*)\\]$`);
  return stdout
    .split('\n')
    .map((l) => line.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kind: m[1], fields: m[2].split(', ') }));
}

describe('weir run -f sql-examples/over.sql', () => {
  it.each([1, 2])(
    'prints each order once with its OVER aggregates, computed over the exact frames (parallelism %i)',
    async (parallelism) => {
      const dir = await mkdtemp(join(tmpdir(), 'weir-over-'));
      dirs.push(dir);
      const { code, stdout, stderr } = await runWeir([
        'run',
        '-f',
        'sql-examples/over.sql',
        '-p',
        String(parallelism),
        '-D',
        `state.checkpoints.dir=file://${dir}`,
      ]);
      expect(code, stderr).toBe(0);

      // Order n: buyer n % 3, price n % 7 + 1, at n seconds; a buyer's orders are 3 apart.
      const price = (n: number) => (n % 7) + 1;
      const expectedThree = new Map<string, string[]>();
      const expectedFive = new Map<string, string[]>();
      for (let n = 1; n <= 300; n++) {
        const buyer = `buyer-${n % 3}`;
        const three = [n, n - 3, n - 6].filter((m) => m >= 1).map(price);
        expectedThree.set(String(n), [
          buyer,
          String(n),
          String(three.reduce((a, b) => a + b, 0)),
          String(three.length),
          String(Math.max(...three)),
        ]);
        // RANGE 5 s: the buyer's orders at n - 5 … n seconds, i.e. n and n - 3.
        const five = [n, n - 3].filter((m) => m >= 1).map(price);
        const sum = five.reduce((a, b) => a + b, 0);
        expectedFive.set(String(n), [buyer, String(n), String(sum), String(Math.trunc(sum / five.length))]);
      }
      for (const [table, expected] of [
        ['last_three', expectedThree],
        ['last_five_seconds', expectedFive],
      ] as const) {
        const log = changelogOf(stdout, table);
        expect(log.every((c) => c.kind === '+I')).toBe(true);
        expect(log).toHaveLength(300);
        expect(new Map(log.map((c) => [c.fields[1], c.fields]))).toEqual(expected);
        // Per buyer, rows come out in time order.
        for (let b = 0; b < 3; b++) {
          const ids = log.filter((c) => c.fields[0] === `buyer-${b}`).map((c) => Number(c.fields[1]));
          expect(ids).toEqual([...ids].sort((x, y) => x - y));
        }
      }
    },
    60_000,
  );
});
