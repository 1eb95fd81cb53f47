import { describe, expect, it } from 'vitest';
import { runWeir } from '../helpers/cli.js';

/** The final table of the print sink's changelog (`bands> +U[…]`, `bands:2> …` at parallelism > 1). */
function finalTable(stdout: string): Map<string, string> {
  const table = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^bands(?::\d+)?> ([+-][IUD])\[([^,]+, [^,]+), (.*)\]$/.exec(line);
    if (!m) continue;
    if (m[1] === '+I' || m[1] === '+U') table.set(m[2], m[3]);
    else table.delete(m[2]);
  }
  return table;
}

describe('weir run -f sql-examples/udf.sql', () => {
  // Order n costs 1.5 n and is bought from shop n % 3: low under 10, mid under 100, else high.
  const expected = new Map<string, string>();
  for (let n = 1; n <= 200; n++) {
    const price = 1.5 * n;
    const band = price < 10 ? 'low' : price < 100 ? 'mid' : 'high';
    const key = `${band}, b***@shop${n % 3}.example`;
    const [count, total] = (expected.get(key) ?? '0, 0.00').split(', ').map(Number);
    expected.set(key, `${count + 1}, ${(total + price).toFixed(2)}`);
  }

  it.each([1, 2])(
    'loads the JavaScript functions next to the script, in every thread (parallelism %i)',
    async (parallelism) => {
      const { code, stdout, stderr } = await runWeir([
        'run',
        '-f',
        'sql-examples/udf.sql',
        '-p',
        String(parallelism),
      ]);
      expect(code, stderr).toBe(0);
      expect(finalTable(stdout)).toEqual(expected);
    },
  );
});
