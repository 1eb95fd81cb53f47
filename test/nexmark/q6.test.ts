import { describe, expect, it } from 'vitest';
import { RowKind } from '../../src/common/types.js';
import { nexmarkEvents, runUpstream } from './run-upstream.js';
import { upstreamAvailable } from './upstream.js';

/**
 * Upstream q6 from the unchanged upstream file, which Flink itself cannot run: its WHERE names the
 * SELECT's ROW_NUMBER alias, its outer query names the inner table aliases through an unaliased
 * derived table, it writes a BIGINT into `seller VARCHAR`, and its OVER window consumes the Top-1's
 * retractions. weir plans it (docs/sql.md says how it reads each) and the final table must be, for
 * each seller, the average price of the last 11 winning bids (10 PRECEDING and the current row),
 * one row per winning bid, ordered by the winning bid's time.
 *
 * The expected table is computed here from the generated events: an auction's winning bid is its
 * highest bid within [auction time, expires], the first one on ties (a later equal bid does not
 * replace it, as in a ROW_NUMBER Top-1). At parallelism 1 event times are distinct, so the order of
 * a seller's winning bids is deterministic.
 */
const EVENTS = 30_000;

function expectedTable(): Map<string, number> {
  const auctions = new Map<number, { seller: number; start: number; expires: number }>();
  const winners = new Map<number, { price: number; time: number }>();
  for (const [type, , auction, bid] of nexmarkEvents(EVENTS, 1) as [
    number,
    unknown,
    unknown[],
    unknown[],
  ][]) {
    if (type === 1) {
      auctions.set(auction[0] as number, {
        seller: auction[7] as number,
        start: auction[5] as number,
        expires: auction[6] as number,
      });
    } else if (type === 2) {
      const [id, , price, , , time] = bid as [number, number, number, string, string, number];
      const a = auctions.get(id);
      if (!a || time < a.start || time > a.expires) continue;
      const best = winners.get(id);
      if (!best || price > best.price) winners.set(id, { price, time });
    }
  }
  const bySeller = new Map<number, { price: number; time: number }[]>();
  for (const [id, w] of winners) {
    const seller = auctions.get(id)!.seller;
    bySeller.set(seller, [...(bySeller.get(seller) ?? []), w]);
  }
  const table = new Map<string, number>();
  for (const [seller, wins] of bySeller) {
    wins.sort((x, y) => x.time - y.time);
    wins.forEach((_, i) => {
      const frame = wins.slice(Math.max(0, i - 10), i + 1);
      const avg = Math.trunc(frame.reduce((s, w) => s + w.price, 0) / frame.length);
      const key = JSON.stringify([String(seller), avg]);
      table.set(key, (table.get(key) ?? 0) + 1);
    });
  }
  return table;
}

describe.skipIf(!upstreamAvailable())('nexmark q6 from the upstream file', () => {
  it('averages each seller’s last winning bids, revising them as better bids arrive', async () => {
    const { result, changes } = await runUpstream('q6', { parallelism: 1, events: EVENTS });
    expect(result.status).toBe('FINISHED');
    expect(changes.some(([kind]) => kind === RowKind.UPDATE_BEFORE || kind === RowKind.DELETE)).toBe(true);
    const table = new Map<string, number>();
    for (const [kind, row] of changes) {
      const key = JSON.stringify(row);
      const delta = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER ? 1 : -1;
      const count = (table.get(key) ?? 0) + delta;
      if (count === 0) table.delete(key);
      else table.set(key, count);
    }
    const expected = expectedTable();
    expect(expected.size).toBeGreaterThan(50);
    expect(table).toEqual(expected);
  }, 60_000);
});
