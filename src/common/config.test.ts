import { describe, expect, it } from 'vitest';
import { Configuration, parseDuration, parseMemorySize, validateSetting } from './config.js';
import {
  CHECKPOINTING_INTERVAL,
  CHECKPOINTING_MODE,
  CHECKPOINTS_DIRECTORY,
  CORE_OPTIONS,
} from './options.js';

describe('Flink duration syntax', () => {
  it.each([
    ['10s', 10_000],
    ['10 s', 10_000],
    ['1 min', 60_000],
    ['500 ms', 500],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['250', 250],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it('rejects units it does not know', () => expect(parseDuration('10 parsecs')).toBeUndefined());
});

describe('memory sizes', () => {
  it('reads units as powers of 1024', () => {
    expect(parseMemorySize('64mb')).toBe(64 * 1024 * 1024);
    expect(parseMemorySize('1 gb')).toBe(1024 ** 3);
    expect(parseMemorySize('512')).toBe(512);
  });
});

describe('Configuration', () => {
  it('reads the 1.x spelling of a key through fallback keys', () => {
    const config = new Configuration([['state.checkpoints.dir', 'file:///tmp/ck']]);
    expect(config.get(CHECKPOINTS_DIRECTORY)).toBe('file:///tmp/ck');
  });

  it('prefers the current key over a fallback key', () => {
    const config = new Configuration([
      ['state.checkpoints.dir', '/old'],
      ['execution.checkpointing.dir', '/new'],
    ]);
    expect(config.get(CHECKPOINTS_DIRECTORY)).toBe('/new');
  });

  it('parses on read and names the key the user wrote in errors', () => {
    const config = new Configuration([['execution.checkpointing.interval', 'often']]);
    expect(() => config.get(CHECKPOINTING_INTERVAL)).toThrow(
      /Invalid value 'often' for 'execution.checkpointing.interval'/,
    );
  });

  it('matches enum values case-insensitively, as Flink does', () => {
    const config = new Configuration([['execution.checkpointing.mode', 'at_least_once']]);
    expect(config.get(CHECKPOINTING_MODE)).toBe('AT_LEAST_ONCE');
  });

  it('returns defaults for unset options', () => {
    expect(new Configuration().get(CHECKPOINTING_MODE)).toBe('EXACTLY_ONCE');
    expect(new Configuration().get(CHECKPOINTING_INTERVAL)).toBeUndefined();
  });
});

describe('validateSetting', () => {
  it('suggests the known key for a typo', () => {
    expect(() => validateSetting(CORE_OPTIONS, 'execution.checkpointing.intervall', '1s')).toThrow(
      expect.objectContaining({ hint: "did you mean 'execution.checkpointing.interval'?" }),
    );
  });

  it('accepts keys it does not know and that resemble nothing (they may belong to a connector)', () => {
    expect(() => validateSetting(CORE_OPTIONS, 'my.custom.flag', 'x')).not.toThrow();
  });

  it('checks the value of a known key', () => {
    expect(() => validateSetting(CORE_OPTIONS, 'execution.checkpointing.mode', 'TWICE')).toThrow(
      /Invalid value 'TWICE'/,
    );
  });
});
