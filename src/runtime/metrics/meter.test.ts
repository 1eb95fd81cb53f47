import { describe, expect, it } from 'vitest';
import { MeterView } from './meter.js';

describe('MeterView', () => {
  it('gives the average since start until it has a second of history', () => {
    const meter = new MeterView();
    expect(meter.rate(500, 1500, 1000)).toBe(1000);
    expect(meter.rate(600, 1600, 1000)).toBe(1000);
  });

  it('rates against the newest sample at least a window old', () => {
    const meter = new MeterView(5000, 1000);
    // 100 records a second for ten seconds, then 1000 a second.
    for (let s = 0; s <= 10; s++) meter.rate(s * 100, s * 1000, 0);
    expect(meter.rate(1000, 10_000, 0)).toBe(100);
    let count = 1000;
    let rate = 0;
    for (let s = 11; s <= 20; s++) {
      count += 1000;
      rate = meter.rate(count, s * 1000, 0);
    }
    expect(rate).toBe(1000);
  });

  it('starts over when the counter goes down (a restarted task)', () => {
    const meter = new MeterView();
    for (let s = 0; s <= 6; s++) meter.rate(s * 1000, s * 1000, 0);
    expect(meter.rate(200, 7000, 6800)).toBe(1000);
  });
});
