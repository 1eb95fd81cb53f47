import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWeir, startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const LINE = /^order_names(?::\d+)?> ([+-][IUD])\[(.*)\]$/;

/** The print sink's changelog applied to a multiset: every -D must retract a row that is there. */
function apply(stdout: string): string[] {
  const rows = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = LINE.exec(line);
    if (!m) continue;
    const [, kind, row] = m;
    if (kind === '+I' || kind === '+U') rows.set(row, (rows.get(row) ?? 0) + 1);
    else {
      expect(rows.get(row) ?? 0, `${kind} of a row that is not there: ${row}`).toBeGreaterThan(0);
      rows.set(row, rows.get(row)! - 1);
    }
  }
  return [...rows].flatMap(([row, n]) => Array.from({ length: n }, () => row)).sort();
}

/** Orders 1..300 of customer id % 7, with the name of customers 1..5 and NULL for 0 and 6. */
const expected = Array.from({ length: 300 }, (_, i) => {
  const id = i + 1;
  const customer = id % 7;
  const name = customer >= 1 && customer <= 5 ? `customer-${customer}` : 'null';
  return `${id}, ${name}, ${(id % 10) + 1}.00`;
}).sort();

describe('weir run -f sql-examples/joins.sql', () => {
  it.each([1, 3])(
    'a LEFT JOIN changelog adds up to every order with its customer or NULLs (parallelism %i)',
    async (parallelism) => {
      const dir = await mkdtemp(join(tmpdir(), 'weir-join-'));
      dirs.push(dir);
      const { code, stdout, stderr } = await runWeir([
        'run',
        '-f',
        'sql-examples/joins.sql',
        '-p',
        String(parallelism),
        '-D',
        `state.checkpoints.dir=file://${dir}`,
      ]);
      expect(code, stderr).toBe(0);
      expect(apply(stdout)).toEqual(expected);
      // Orders of customers 1..5 that came before their customer were printed padded, then retracted.
      expect(stdout).toMatch(/> -D\[\d+, null, \d+\.00\]/);
    },
    60_000,
  );

  it('stop with a savepoint at parallelism 1, resume at parallelism 3: the join state is re-split by key group', async () => {
    const home = await mkdtemp(join(tmpdir(), 'weir-join-home-'));
    dirs.push(home);
    const env = { WEIR_HOME: home };
    // Slower sources, so the job is stopped half way, with rows of both sides in the join's state.
    const sql = (await readFile('sql-examples/joins.sql', 'utf8'))
      .replace("'rows-per-second' = '1000'", "'rows-per-second' = '100'")
      .replace("'rows-per-second' = '20'", "'rows-per-second' = '2'");
    const file = join(home, 'joins.sql');
    await writeFile(file, sql);
    const ck = `-Dstate.checkpoints.dir=${join(home, 'ck')}`;
    const first = startWeir(['run', '-f', file, ck, '-p', '1'], { env });
    const jobId = await waitFor(() => /Submitted job ([0-9a-f]{32})/.exec(first.stderr)?.[1], {
      what: 'job id',
    });
    // Two customers joined: the state holds matched and unmatched rows of both sides.
    await waitFor(() => (first.stdout.match(/customer-2/g)?.length ?? 0) > 0, {
      what: 'customer 2 joined',
      timeoutMs: 20_000,
    });
    const stop = await runWeir(['stop', '--savepointPath', join(home, 'savepoints'), jobId], { env });
    expect(stop.code, stop.stderr).toBe(0);
    const savepoint = /Savepoint completed\. Path: file:(\S+)/.exec(stop.stdout)?.[1];
    expect(savepoint).toBeDefined();
    expect(await first.exit).toBe(0);

    const resumed = await runWeir(['run', '-f', file, ck, '-p', '3', '-s', savepoint!], { env });
    expect(resumed.code, resumed.stderr).toBe(0);
    // The resumed job had work left: rows the first one never printed.
    expect(resumed.stdout.split('\n').some((l) => LINE.test(l))).toBe(true);
    // Nothing lost, nothing twice: both runs' changelogs together are exactly the full result.
    expect(apply(`${first.stdout}\n${resumed.stdout}`)).toEqual(expected);
  }, 90_000);
});

describe('weir run -f sql-examples/interval-join.sql', () => {
  /** Click c (user c % 4, at 10c s) with buy b (user b % 4, at 50b s) when b.ts is within a minute after c.ts. */
  const expectedClicks = Array.from({ length: 200 }, (_, i) => {
    const c = i + 1;
    const buys = Array.from({ length: 40 }, (_, j) => j + 1).filter(
      (b) => b % 4 === c % 4 && 10 * c <= 50 * b && 50 * b <= 10 * c + 60,
    );
    return buys.length === 0 ? [`${c}, null`] : buys.map((b) => `${c}, ${b}`);
  })
    .flat()
    .sort();

  it.each([1, 2])(
    'a LEFT interval join prints each match once, and each unmatched click padded once, never retracted (parallelism %i)',
    async (parallelism) => {
      const { code, stdout, stderr } = await runWeir([
        'run',
        '-f',
        'sql-examples/interval-join.sql',
        '-p',
        String(parallelism),
      ]);
      expect(code, stderr).toBe(0);
      const rows = stdout
        .split('\n')
        .map((l) => /^click_buys(?::\d+)?> ([+-][IUD])\[(.*)\]$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null);
      expect(rows.every((m) => m[1] === '+I')).toBe(true);
      expect(rows.map((m) => m[2]).sort()).toEqual(expectedClicks);
    },
    60_000,
  );
});

describe('weir run -f sql-examples/window-join.sql', () => {
  /** Clicks c (user c % 4, at 10c s) and buys b (user b % 4, at 50b s), counted per user and minute. */
  const count = (ids: number, every: number) => {
    const counts = new Map<string, number>();
    for (let id = 1; id <= ids; id++) {
      const minute = Math.floor((every * id) / 60);
      const key = `${id % 4}, 00:${String(minute).padStart(2, '0')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  };
  const clicks = count(200, 10);
  const buys = count(40, 50);
  const expected = [...clicks].map(([key, n]) => `${key}, ${n}, ${buys.get(key) ?? 'null'}`).sort();

  it.each([1, 2])(
    'a LEFT window join prints each user and minute once, as an insert (parallelism %i)',
    async (parallelism) => {
      const { code, stdout, stderr } = await runWeir([
        'run',
        '-f',
        'sql-examples/window-join.sql',
        '-p',
        String(parallelism),
      ]);
      expect(code, stderr).toBe(0);
      const rows = stdout
        .split('\n')
        .map((l) => /^minute_activity(?::\d+)?> ([+-][IUD])\[(.*)\]$/.exec(l))
        .filter((m): m is RegExpExecArray => m !== null);
      expect(rows.every((m) => m[1] === '+I')).toBe(true);
      expect(rows.map((m) => m[2]).sort()).toEqual(expected);
    },
    60_000,
  );
});
