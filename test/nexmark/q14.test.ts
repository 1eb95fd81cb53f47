import { describe, expect, it } from 'vitest';
import { RowKind } from '../../src/common/types.js';
import { nexmarkBids, runUpstream } from './run-upstream.js';
import { upstreamAvailable } from './upstream.js';

/**
 * Upstream q14 from the unchanged upstream file: `CREATE FUNCTION count_char AS
 * 'com.github.nexmark.flink.udf.CountChar'` names a JVM class, whose JavaScript version weir
 * ships. The expected rows are computed here from the generated bids, with CountChar's rule (the
 * bytes of `extra` equal to the first byte of 'c'), the price scaled by 0.908 exactly, and the
 * hour of the bid's (UTC wall-clock) time.
 */
const EVENTS = 20_000;

function expectedRow(bid: readonly unknown[]): unknown[] | undefined {
  const [auction, bidder, price, , , dateTime, extra] = bid as [
    number,
    number,
    number,
    string,
    string,
    number,
    string,
  ];
  const scaled = BigInt(price) * 908n; // DECIMAL(23, 3): 0.908 * price, unscaled
  if (scaled <= 1_000_000_000n || scaled >= 50_000_000_000n) return undefined;
  const hour = new Date(dateTime).getUTCHours();
  const bidTimeType =
    hour >= 8 && hour <= 18 ? 'dayTime' : hour <= 6 || hour >= 20 ? 'nightTime' : 'otherTime';
  const counts = [...Buffer.from(extra, 'utf8')].filter((b) => b === 'c'.charCodeAt(0)).length;
  return [auction, bidder, scaled, bidTimeType, dateTime, extra, counts];
}

const text = (row: readonly unknown[]) =>
  JSON.stringify(row, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));

describe.skipIf(!upstreamAvailable())('nexmark q14 from the upstream file', () => {
  it.each([1, 2])(
    'runs the Java UDF CountChar as weir ships it, and scales and classifies every bid (parallelism %i)',
    async (parallelism) => {
      const { result, changes } = await runUpstream('q14', { parallelism, events: EVENTS });
      expect(result.status).toBe('FINISHED');
      expect(changes.every(([kind]) => kind === RowKind.INSERT)).toBe(true);
      const expected = nexmarkBids(EVENTS, parallelism).flatMap((b) => {
        const row = expectedRow(b);
        return row ? [row] : [];
      });
      expect(expected.length).toBeGreaterThan(100);
      expect(expected.some((r) => (r[6] as number) > 0)).toBe(true);
      expect(changes.map(([, row]) => text(row)).sort()).toEqual(expected.map(text).sort());
    },
    60_000,
  );
});
