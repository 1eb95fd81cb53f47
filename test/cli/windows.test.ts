import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runWeir } from '../helpers/cli.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** The print sink's +I rows of one table, sorted. */
function rowsOf(stdout: string, identifier: string): string[] {
  const line = new RegExp(`^${identifier}(?::\\d+)?> (\\+I\\[.*\\])$`);
  return stdout
    .split('\n')
    .map((l) => line.exec(l)?.[1])
    .filter((r): r is string => r !== undefined)
    .sort();
}

const BASE = Date.UTC(2024, 0, 1);

/** A TIMESTAMP(3) as the print sink shows it (Java's LocalDateTime.toString). */
function ts(ms: number): string {
  const iso = new Date(BASE + ms).toISOString().slice(0, 23);
  return iso.replace(/\.000$/, '').replace(/T(\d\d:\d\d):00$/, 'T$1');
}

// The reference: the windows of sql-examples/windows.sql computed directly from their definitions.
const clicks = Array.from({ length: 1000 }, (_, i) => {
  const id = i + 1;
  return { id, user: id % 3, t: id * 10 + ((id * 7) % 5) * 10 };
});
const floorTo = (t: number, size: number) => Math.floor(t / size) * size;

function aggregate<T>(
  rows: readonly T[],
  windowsOf: (row: T) => [number, number][],
  keyOf: (row: T) => string,
  out: (key: string, start: number, end: number, rows: T[]) => string,
): string[] {
  const groups = new Map<string, { key: string; start: number; end: number; rows: T[] }>();
  for (const row of rows)
    for (const [start, end] of windowsOf(row)) {
      const id = `${keyOf(row)}|${start}|${end}`;
      const g = groups.get(id) ?? { key: keyOf(row), start, end, rows: [] };
      g.rows.push(row);
      groups.set(id, g);
    }
  return [...groups.values()].map((g) => out(g.key, g.start, g.end, g.rows)).sort();
}

const tumbling = aggregate(
  clicks,
  (c) => [[floorTo(c.t, 1000), floorTo(c.t, 1000) + 1000]],
  (c) => String(c.user),
  (k, s, e, rows) => `+I[${k}, ${rows.length}, ${rows.reduce((a, r) => a + r.id, 0)}, ${ts(s)}, ${ts(e)}]`,
);
const hopping = aggregate(
  clicks,
  (c) => [
    [floorTo(c.t, 1000) - 1000, floorTo(c.t, 1000) + 1000],
    [floorTo(c.t, 1000), floorTo(c.t, 1000) + 2000],
  ],
  () => '',
  (_, s, e, rows) => `+I[${rows.length}, ${ts(s)}, ${ts(e)}]`,
);
const cumulating = aggregate(
  clicks,
  (c) => {
    const start = floorTo(c.t, 3000);
    return [1000, 2000, 3000].filter((step) => c.t < start + step).map((step) => [start, start + step]);
  },
  (c) => String(c.user),
  (k, s, e, rows) => `+I[${k}, ${Math.max(...rows.map((r) => r.id))}, ${ts(s)}, ${ts(e)}]`,
);
const cascaded = aggregate(
  clicks,
  (c) => [[floorTo(c.t, 2000), floorTo(c.t, 2000) + 2000]],
  () => '',
  (_, s, e, rows) => `+I[${rows.length}, ${ts(s)}, ${ts(e)}]`,
);
const busiest = (() => {
  const perUserSecond = new Map<string, number>();
  for (const c of clicks) {
    const key = `${c.user}|${floorTo(c.t, 1000)}`;
    perUserSecond.set(key, (perUserSecond.get(key) ?? 0) + 1);
  }
  const max = new Map<number, number>();
  for (const [key, n] of perUserSecond) {
    const start = Number(key.split('|')[1]);
    max.set(start, Math.max(max.get(start) ?? 0, n));
  }
  return [...max].map(([start, n]) => `+I[${n}, ${ts(start)}, ${ts(start + 1000)}]`).sort();
})();
const firstClicks = clicks
  .filter((c) => c.id <= 3)
  .flatMap((c) => [
    `+I[${c.id}, ${ts(floorTo(c.t, 1000) - 1000)}, ${ts(floorTo(c.t, 1000) + 1000)}]`,
    `+I[${c.id}, ${ts(floorTo(c.t, 1000))}, ${ts(floorTo(c.t, 1000) + 2000)}]`,
  ])
  .sort();

/** Sessions: a user's visits split where the next one is more than the gap after the last. */
function sessions(): string[] {
  const visits = Array.from({ length: 200 }, (_, id) => ({
    id,
    user: id % 2,
    t: id * 10 + Math.floor(id / 50) * 10000,
  }));
  const out: string[] = [];
  for (const user of [0, 1]) {
    const mine = visits.filter((v) => v.user === user).sort((a, b) => a.t - b.t);
    let current: number[] = [];
    const close = () => {
      if (current.length > 0)
        out.push(
          `+I[${user}, ${current.length}, ${ts(current[0])}, ${ts(current[current.length - 1] + 5000)}]`,
        );
    };
    for (const v of mine) {
      if (current.length > 0 && v.t > current[current.length - 1] + 5000) {
        close();
        current = [];
      }
      current.push(v.t);
    }
    close();
  }
  return out.sort();
}

describe('weir run -f sql-examples/windows.sql', () => {
  it.each([1, 2])(
    'prints each window once, with the results of the windows as defined (parallelism %i)',
    async (parallelism) => {
      const dir = await mkdtemp(join(tmpdir(), 'weir-windows-'));
      dirs.push(dir);
      const { code, stdout, stderr } = await runWeir([
        'run',
        '-f',
        'sql-examples/windows.sql',
        '-p',
        String(parallelism),
        '-D',
        `state.checkpoints.dir=file://${dir}`,
      ]);
      expect(code, stderr).toBe(0);
      expect(stderr.match(/finished\./g)).toHaveLength(8);
      expect(rowsOf(stdout, 'tumbling')).toEqual(tumbling);
      expect(rowsOf(stdout, 'hopping')).toEqual(hopping);
      expect(rowsOf(stdout, 'cumulating')).toEqual(cumulating);
      expect(rowsOf(stdout, 'first_clicks')).toEqual(firstClicks);
      expect(rowsOf(stdout, 'sessions')).toEqual(sessions());
      expect(rowsOf(stdout, 'session_tvf')).toEqual(sessions());
      expect(rowsOf(stdout, 'cascaded')).toEqual(cascaded);
      expect(rowsOf(stdout, 'busiest')).toEqual(busiest);
      // Insert-only: nothing but +I rows for the windowed aggregation over a window aggregation.
      expect(stdout.split('\n').filter((l) => /^busiest(:\d+)?> /.test(l))).toHaveLength(busiest.length);
      // The bursts of visits are 10 s apart: four sessions per user.
      expect(sessions()).toHaveLength(8);
    },
    60_000,
  );
});
