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

/** The print sink's lines of one table (`top_prices> +I[…]` or `top_prices:2> …` at parallelism > 1). */
function changelogOf(stdout: string, identifier: string): Change[] {
  const line = new RegExp(`^${identifier}(?::\\d+)?> ([+-][IUD])\\[(.*)\\]$`);
  return stdout
    .split('\n')
    .map((l) => line.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ kind: m[1], fields: m[2].split(', ') }));
}

/** Applies a changelog keyed by `key`, checking that each -U/-D retracts exactly the key's current row. */
function apply(changes: readonly Change[], key: (f: string[]) => string): Map<string, string[]> {
  const table = new Map<string, string[]>();
  for (const { kind, fields } of changes) {
    const k = key(fields);
    if (kind === '+I') {
      expect(table.has(k), `+I for existing key ${k}`).toBe(false);
      table.set(k, fields);
    } else if (kind === '+U') {
      table.set(k, fields);
    } else {
      expect(table.get(k), `${kind} of ${fields.join(', ')}`).toEqual(fields);
      table.delete(k);
    }
  }
  return table;
}

describe('weir run -f sql-examples/top-n.sql', () => {
  it.each([1, 2])(
    'prints Top-N and deduplication changelogs that add up to the exact results (parallelism %i)',
    async (parallelism) => {
      const dir = await mkdtemp(join(tmpdir(), 'weir-topn-'));
      dirs.push(dir);
      const { code, stdout, stderr } = await runWeir([
        'run',
        '-f',
        'sql-examples/top-n.sql',
        '-p',
        String(parallelism),
        '-D',
        `state.checkpoints.dir=file://${dir}`,
      ]);
      expect(code, stderr).toBe(0);

      // order_id 1..600, buyer = id % 6, price = id * 37 % 101.
      const prices = new Map<string, number[]>();
      for (let id = 1; id <= 600; id++) {
        const buyer = `buyer-${id % 6}`;
        prices.set(buyer, [...(prices.get(buyer) ?? []), (id * 37) % 101]);
      }
      const expectedTop = new Map<string, string[]>();
      for (const [buyer, ps] of prices)
        ps.sort((a, b) => b - a)
          .slice(0, 3)
          .forEach((p, i) => {
            expectedTop.set(`${buyer}/${i + 1}`, [buyer, String(p), String(i + 1)]);
          });
      const topLog = changelogOf(stdout, 'top_prices');
      expect(new Set(topLog.map((c) => c.kind))).toEqual(new Set(['+I', '-U', '+U']));
      expect(apply(topLog, (f) => `${f[0]}/${f[2]}`)).toEqual(expectedTop);

      // Every buyer ends with 100 orders: the top 2 are two of them, with 100 each.
      const buyersLog = changelogOf(stdout, 'top_buyers');
      expect(buyersLog.some((c) => c.kind === '-D')).toBe(true);
      const top = [...apply(buyersLog, (f) => f[0]).values()];
      expect(top.map((f) => f[1])).toEqual(['100', '100']);

      // One first order per buyer, insert-only; at parallelism 1 the rows arrive in id order.
      const firstLog = changelogOf(stdout, 'first_orders');
      expect(firstLog.every((c) => c.kind === '+I')).toBe(true);
      const first = apply(firstLog, (f) => f[0]);
      expect([...first.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5].map((b) => `buyer-${b}`));
      if (parallelism === 1)
        expect(Object.fromEntries(first)).toEqual(
          Object.fromEntries(
            [1, 2, 3, 4, 5, 6].map((id) => [`buyer-${id % 6}`, [`buyer-${id % 6}`, String(id)]]),
          ),
        );
      for (const [buyer, [, id]] of first) expect(`buyer-${Number(id) % 6}`).toBe(buyer);
    },
    60_000,
  );
});
