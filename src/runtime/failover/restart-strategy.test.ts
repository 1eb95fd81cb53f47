import { describe, expect, it } from 'vitest';
import { Configuration } from '../../common/config.js';
import {
  createRestartStrategy,
  ExponentialDelayRestartStrategy,
  FailureRateRestartStrategy,
  FixedDelayRestartStrategy,
} from './restart-strategy.js';

describe('restart strategies', () => {
  it('fixed-delay restarts `attempts` times, then gives up', () => {
    const s = new FixedDelayRestartStrategy(2, 500);
    expect([s.onFailure(), s.onFailure(), s.onFailure()]).toEqual([500, 500, undefined]);
  });

  it('failure-rate gives up only when too many failures fall in one interval', () => {
    const s = new FailureRateRestartStrategy(2, 1000, 10);
    expect(s.onFailure(0)).toBe(10);
    expect(s.onFailure(500)).toBe(10);
    expect(s.onFailure(1200)).toBe(10); // the failure at 0 has left the interval
    expect(s.onFailure(1300)).toBeUndefined(); // 500, 1200, 1300 within 1000 ms
  });

  it('exponential-delay grows by the multiplier up to the maximum and resets after a quiet period', () => {
    const noJitter = () => 0.5;
    const s = new ExponentialDelayRestartStrategy(100, 1000, 2, 10_000, 0.1, 100, noJitter);
    expect([
      s.onFailure(0),
      s.onFailure(1),
      s.onFailure(2),
      s.onFailure(3),
      s.onFailure(4),
      s.onFailure(5),
    ]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(s.onFailure(50_000)).toBe(100);
  });

  it('exponential-delay keeps jitter within the factor', () => {
    const low = new ExponentialDelayRestartStrategy(1000, 60_000, 2, 3_600_000, 0.1, 10, () => 0);
    const high = new ExponentialDelayRestartStrategy(1000, 60_000, 2, 3_600_000, 0.1, 10, () => 1);
    expect(low.onFailure(0)).toBe(900);
    expect(high.onFailure(0)).toBe(1100);
  });

  it('defaults to exponential-delay with checkpointing and to none without, as Flink does', () => {
    expect(createRestartStrategy(new Configuration()).description).toBe('none');
    const withCheckpoints = new Configuration([['execution.checkpointing.interval', '10s']]);
    expect(createRestartStrategy(withCheckpoints).description).toMatch(/^exponential-delay/);
  });

  it('reads the Flink 1.x key and its options', () => {
    const config = new Configuration([
      ['restart-strategy', 'fixed-delay'],
      ['restart-strategy.fixed-delay.attempts', '3'],
      ['restart-strategy.fixed-delay.delay', '2 s'],
    ]);
    expect(createRestartStrategy(config).description).toBe('fixed-delay (attempts 3, delay 2000 ms)');
  });
});
