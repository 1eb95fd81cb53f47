import type { Configuration } from '../../common/config.js';
import {
  CHECKPOINTING_INTERVAL,
  RESTART_EXPONENTIAL_ATTEMPTS,
  RESTART_EXPONENTIAL_INITIAL_BACKOFF,
  RESTART_EXPONENTIAL_JITTER,
  RESTART_EXPONENTIAL_MAX_BACKOFF,
  RESTART_EXPONENTIAL_MULTIPLIER,
  RESTART_EXPONENTIAL_RESET_THRESHOLD,
  RESTART_FAILURE_RATE_DELAY,
  RESTART_FAILURE_RATE_INTERVAL,
  RESTART_FAILURE_RATE_MAX_FAILURES,
  RESTART_FIXED_DELAY_ATTEMPTS,
  RESTART_FIXED_DELAY_DELAY,
  RESTART_STRATEGY,
} from '../../common/options.js';

/**
 * Flink's restart strategies (RestartBackoffTimeStrategy): told of each failure, they decide
 * whether the job restarts and after what delay.
 */
export interface RestartStrategy {
  readonly description: string;
  /** Records a failure at `now`; returns the delay before restarting, or undefined to give up. */
  onFailure(now: number): number | undefined;
}

export class NoRestartStrategy implements RestartStrategy {
  readonly description = 'none';
  onFailure(): undefined {
    return undefined;
  }
}

export class FixedDelayRestartStrategy implements RestartStrategy {
  private failures = 0;
  constructor(
    private readonly attempts: number,
    private readonly delayMs: number,
  ) {}
  get description(): string {
    return `fixed-delay (attempts ${this.attempts}, delay ${this.delayMs} ms)`;
  }
  onFailure(): number | undefined {
    this.failures++;
    return this.failures <= this.attempts ? this.delayMs : undefined;
  }
}

/** Gives up when more than `maxFailures` failures fall within one sliding interval. */
export class FailureRateRestartStrategy implements RestartStrategy {
  private readonly failureTimes: number[] = [];
  constructor(
    private readonly maxFailures: number,
    private readonly intervalMs: number,
    private readonly delayMs: number,
  ) {}
  get description(): string {
    return `failure-rate (${this.maxFailures} per ${this.intervalMs} ms, delay ${this.delayMs} ms)`;
  }
  onFailure(now: number): number | undefined {
    this.failureTimes.push(now);
    while (this.failureTimes.length > 0 && this.failureTimes[0] <= now - this.intervalMs)
      this.failureTimes.shift();
    return this.failureTimes.length <= this.maxFailures ? this.delayMs : undefined;
  }
}

/**
 * Delays grow by the multiplier up to the maximum, with jitter; a run without failure for the
 * reset threshold starts again from the initial backoff (and resets the attempt count).
 */
export class ExponentialDelayRestartStrategy implements RestartStrategy {
  private currentBackoff: number;
  private attempts = 0;
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly initialBackoff: number,
    private readonly maxBackoff: number,
    private readonly multiplier: number,
    private readonly resetThreshold: number,
    private readonly jitterFactor: number,
    private readonly maxAttempts: number,
    private readonly random: () => number = Math.random,
  ) {
    this.currentBackoff = initialBackoff;
  }

  get description(): string {
    return `exponential-delay (initial ${this.initialBackoff} ms, max ${this.maxBackoff} ms, x${this.multiplier})`;
  }

  onFailure(now: number): number | undefined {
    if (now - this.lastFailureAt >= this.resetThreshold + this.currentBackoff) {
      this.currentBackoff = this.initialBackoff;
      this.attempts = 0;
    } else {
      this.currentBackoff = Math.min(this.currentBackoff * this.multiplier, this.maxBackoff);
    }
    this.lastFailureAt = now;
    this.attempts++;
    if (this.attempts > this.maxAttempts) return undefined;
    const jitter = this.currentBackoff * this.jitterFactor * (this.random() * 2 - 1);
    return Math.max(0, Math.round(Math.min(this.currentBackoff + jitter, this.maxBackoff)));
  }
}

export function createRestartStrategy(config: Configuration): RestartStrategy {
  const configured = config.get(RESTART_STRATEGY);
  const interval = config.get(CHECKPOINTING_INTERVAL);
  const type = configured ?? (interval !== undefined && interval > 0 ? 'exponential-delay' : 'none');
  switch (type) {
    case 'none':
    case 'off':
    case 'disable':
      return new NoRestartStrategy();
    case 'fixed-delay':
    case 'fixeddelay':
      return new FixedDelayRestartStrategy(
        config.require(RESTART_FIXED_DELAY_ATTEMPTS),
        config.require(RESTART_FIXED_DELAY_DELAY),
      );
    case 'failure-rate':
    case 'failurerate':
      return new FailureRateRestartStrategy(
        config.require(RESTART_FAILURE_RATE_MAX_FAILURES),
        config.require(RESTART_FAILURE_RATE_INTERVAL),
        config.require(RESTART_FAILURE_RATE_DELAY),
      );
    case 'exponential-delay':
    case 'exponentialdelay':
      return new ExponentialDelayRestartStrategy(
        config.require(RESTART_EXPONENTIAL_INITIAL_BACKOFF),
        config.require(RESTART_EXPONENTIAL_MAX_BACKOFF),
        config.require(RESTART_EXPONENTIAL_MULTIPLIER),
        config.require(RESTART_EXPONENTIAL_RESET_THRESHOLD),
        config.require(RESTART_EXPONENTIAL_JITTER),
        config.require(RESTART_EXPONENTIAL_ATTEMPTS),
      );
    default: {
      const never: never = type;
      return never;
    }
  }
}
