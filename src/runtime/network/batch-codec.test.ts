import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { RecordBatch } from '../api/batch.js';
import { decodeBatch, type EncodedBatch, encodeBatch } from './batch-codec.js';

const roundTrip = (batch: RecordBatch) => decodeBatch(encodeBatch(batch));

/** Through a real MessagePort, with the buffer in the transfer list, as ThreadLink sends it. */
async function acrossPort(batch: RecordBatch): Promise<{ decoded: RecordBatch; sent: EncodedBatch }> {
  const { port1, port2 } = new MessageChannel();
  try {
    const received = new Promise<EncodedBatch>((resolve) => port2.once('message', resolve));
    const sent = encodeBatch(batch);
    port1.postMessage(sent, [sent.buffer]);
    return { decoded: decodeBatch(await received), sent };
  } finally {
    port1.close();
  }
}

describe('batch codec', () => {
  it('round-trips numbers of every numeric, temporal and interval type, exactly', () => {
    const rows = [
      [0, -0, 1.5, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, Number.NaN],
      [127, -32768, 2147483647, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324],
      // DATE (days), TIME (ms of day), TIMESTAMP (epoch ms), INTERVAL (ms, months)
      [19723, 86_399_999, 1_700_000_000_123, -62_135_596_800_000, 3_600_000, 14],
    ];
    const out = roundTrip({ rows }).rows;
    expect(out).toEqual(rows);
    expect(Object.is(out[0][1], -0)).toBe(true);
  });

  it('round-trips DECIMAL unscaled values as bigints, and those beyond 64 bits by the slow path', () => {
    const rows = [
      [123456789012345678n, -1n, 0n],
      [(1n << 63n) - 1n, -(1n << 63n), 10n ** 30n],
    ];
    const encoded = encodeBatch({ rows });
    expect(encoded.cloned?.[0]).toBeUndefined();
    expect(encoded.cloned?.[1]).toBeUndefined();
    expect(encoded.cloned?.[2]).toEqual([0n, 10n ** 30n]);
    expect(decodeBatch(encoded).rows).toEqual(rows);
  });

  it('round-trips strings: ASCII, accented, CJK, emoji, empty, and long', () => {
    const long = 'x'.repeat(100_000);
    const rows = [
      ['hello', 'café', '日本語', '😀 ok', ''],
      ['', 'naïve', 'a', long, 'z'],
      ['ascii only', 'plain', 'b', 'c', 'd'],
    ];
    expect(roundTrip({ rows }).rows).toEqual(rows);
  });

  it('round-trips ASCII columns mixing short and long strings, and NULLs among them', () => {
    const rows = [
      'a',
      'exactly 12ch',
      'exactly 13 ch',
      '',
      null,
      'a much longer ASCII string'.repeat(50),
      'z',
    ].map((s) => [s]);
    expect(roundTrip({ rows }).rows).toEqual(rows);
  });

  it('round-trips booleans, BYTES and NULL in every encoding', () => {
    const rows = [
      [true, new Uint8Array([1, 2, 255]), null, 1, 'a', 5n, null],
      [null, null, null, null, null, null, null],
      [false, new Uint8Array(0), null, 2.5, null, null, null],
    ];
    const out = roundTrip({ rows }).rows;
    expect(out).toEqual(rows);
    expect(out[0][1]).toBeInstanceOf(Uint8Array);
  });

  it('sends nested ROW, ARRAY and MAP values, mixed types and undefined by the slow path', () => {
    const rows = [
      [[1, 'a', [true]], [1, 2, 3], new Map([['k', 1]]), 1, undefined],
      [null, [], new Map(), 'two', 3],
    ];
    const encoded = encodeBatch({ rows });
    expect(encoded.cloned?.map((c) => c !== undefined)).toEqual([true, true, true, true, true]);
    expect(decodeBatch(encoded).rows).toEqual(rows);
  });

  it('keeps the row kinds (+I, -U, +U, -D)', () => {
    const batch: RecordBatch = {
      rows: [[1], [2], [3], [4]],
      kinds: Uint8Array.from([0, 1, 2, 3]),
    };
    const out = roundTrip(batch);
    expect(out.rows).toEqual(batch.rows);
    expect([...out.kinds!]).toEqual([0, 1, 2, 3]);
    expect(roundTrip({ rows: [[1]] }).kinds).toBeUndefined();
  });

  it('round-trips an empty batch, rows with no fields, and rows of different lengths', () => {
    expect(roundTrip({ rows: [] }).rows).toEqual([]);
    expect(roundTrip({ rows: [[], []] }).rows).toEqual([[], []]);
    const ragged = [[1, 2], [3]];
    expect(roundTrip({ rows: ragged }).rows).toEqual(ragged);
  });

  it('crosses a MessagePort as one transferred buffer: the sender keeps no copy', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [i, `key-${i % 7}`, BigInt(i) * 100n, i % 2 === 0]);
    const kinds = Uint8Array.from(rows, (_, i) => i % 4);
    const { decoded, sent } = await acrossPort({ rows, kinds });
    // Transferred, not cloned: the sender's buffer is detached.
    expect(sent.buffer.byteLength).toBe(0);
    expect(sent.cloned).toBeUndefined();
    expect(decoded.rows).toEqual(rows);
    expect([...decoded.kinds!]).toEqual([...kinds]);
  });

  it('gives decoded rows their own values: mutating one does not change another', () => {
    const out = roundTrip({
      rows: [
        [1, 'a', new Uint8Array([7])],
        [2, 'b', new Uint8Array([8])],
      ],
    }).rows;
    (out[0][2] as Uint8Array)[0] = 99;
    out[0][0] = 5;
    expect(out[1]).toEqual([2, 'b', new Uint8Array([8])]);
  });
});
