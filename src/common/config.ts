import { didYouMean, WeirError } from './errors.js';

/**
 * Flink-style configuration. Every option is declared once (key, type, default, fallback keys,
 * description); values are kept as the strings the user wrote and parsed on read, as Flink does,
 * so `SET 'k' = 'v'`, `-D k=v` and `WITH (...)` all share one path.
 */
export type OptionType =
  | { readonly kind: 'string' }
  | { readonly kind: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'double'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'duration' }
  | { readonly kind: 'memory' }
  | { readonly kind: 'enum'; readonly values: readonly string[] };

export interface ConfigOption<T> {
  readonly key: string;
  readonly type: OptionType;
  /** Parsed default; undefined means "no default" (the option is unset unless given). */
  readonly defaultValue: T | undefined;
  /** Older or alternative spellings (Flink 1.x names, legacy keys), read when `key` is not set. */
  readonly fallbackKeys: readonly string[];
  readonly description: string;
  /** Secret options are never echoed back (logs, EXPLAIN, SHOW CREATE TABLE, errors). */
  readonly sensitive?: boolean;
}

type OptionInit<T> = Omit<ConfigOption<T>, 'fallbackKeys' | 'defaultValue'> & {
  readonly fallbackKeys?: readonly string[];
  readonly defaultValue?: T;
};

export function stringOption(init: Omit<OptionInit<string>, 'type'>): ConfigOption<string> {
  return { fallbackKeys: [], defaultValue: undefined, ...init, type: { kind: 'string' } };
}
export function integerOption(
  init: Omit<OptionInit<number>, 'type'> & { min?: number; max?: number },
): ConfigOption<number> {
  const { min, max, ...rest } = init;
  return { fallbackKeys: [], defaultValue: undefined, ...rest, type: { kind: 'integer', min, max } };
}
export function doubleOption(
  init: Omit<OptionInit<number>, 'type'> & { min?: number; max?: number },
): ConfigOption<number> {
  const { min, max, ...rest } = init;
  return { fallbackKeys: [], defaultValue: undefined, ...rest, type: { kind: 'double', min, max } };
}
export function booleanOption(init: Omit<OptionInit<boolean>, 'type'>): ConfigOption<boolean> {
  return { fallbackKeys: [], defaultValue: undefined, ...init, type: { kind: 'boolean' } };
}
/** Durations are read in milliseconds. */
export function durationOption(init: Omit<OptionInit<number>, 'type'>): ConfigOption<number> {
  return { fallbackKeys: [], defaultValue: undefined, ...init, type: { kind: 'duration' } };
}
/** Memory sizes are read in bytes. */
export function memoryOption(init: Omit<OptionInit<number>, 'type'>): ConfigOption<number> {
  return { fallbackKeys: [], defaultValue: undefined, ...init, type: { kind: 'memory' } };
}
export function enumOption<E extends string>(
  init: Omit<OptionInit<E>, 'type'> & { values: readonly E[] },
): ConfigOption<E> {
  const { values, ...rest } = init;
  return { fallbackKeys: [], defaultValue: undefined, ...rest, type: { kind: 'enum', values } };
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  nano: 1e-6,
  nanos: 1e-6,
  nanosecond: 1e-6,
  nanoseconds: 1e-6,
  us: 1e-3,
  micro: 1e-3,
  micros: 1e-3,
  microsecond: 1e-3,
  microseconds: 1e-3,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Parses Flink's duration syntax ('10s', '1 min', '500 ms', '2h'; a bare number is milliseconds). */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = m[2].toLowerCase();
  const factor = unit === '' ? 1 : DURATION_UNITS[unit];
  if (factor === undefined) return undefined;
  return Number(m[1]) * factor;
}

const MEMORY_UNITS: Record<string, number> = {
  b: 1,
  bytes: 1,
  k: 1024,
  kb: 1024,
  kibibytes: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mebibytes: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gibibytes: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tebibytes: 1024 ** 4,
};

/** Parses Flink's memory size syntax ('64mb', '1 gb', '512k'; a bare number is bytes). */
export function parseMemorySize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = m[2].toLowerCase();
  const factor = unit === '' ? 1 : MEMORY_UNITS[unit];
  if (factor === undefined) return undefined;
  return Number(m[1]) * factor;
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0 && ms > 0) return `${ms / 86_400_000} d`;
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function describeType(type: OptionType): string {
  switch (type.kind) {
    case 'string':
      return 'a string';
    case 'integer':
      return 'an integer';
    case 'double':
      return 'a number';
    case 'boolean':
      return "'true' or 'false'";
    case 'duration':
      return "a duration such as '10s', '1 min' or '500 ms'";
    case 'memory':
      return "a memory size such as '64mb' or '1gb'";
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** Parses one raw value for an option, or throws a WeirError that names the key and the expected form. */
export function parseOptionValue<T>(option: ConfigOption<T>, raw: string, key = option.key): T {
  const fail = (): never => {
    throw new WeirError(
      'CONFIG_INVALID_VALUE',
      `Invalid value '${option.sensitive ? '******' : raw}' for '${key}'`,
      {
        hint: `'${key}' takes ${describeType(option.type)}.`,
      },
    );
  };
  const type = option.type;
  switch (type.kind) {
    case 'string':
      return raw as T;
    case 'integer':
    case 'double': {
      const t = raw.trim();
      const pattern = type.kind === 'integer' ? /^[+-]?\d+$/ : /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
      if (!pattern.test(t)) return fail();
      const n = Number(t);
      if ((type.min !== undefined && n < type.min) || (type.max !== undefined && n > type.max)) {
        throw new WeirError('CONFIG_INVALID_VALUE', `Value ${n} for '${key}' is out of range`, {
          hint: `'${key}' must be ${type.min !== undefined ? `at least ${type.min}` : ''}${type.min !== undefined && type.max !== undefined ? ' and ' : ''}${type.max !== undefined ? `at most ${type.max}` : ''}.`,
        });
      }
      return n as T;
    }
    case 'boolean': {
      const t = raw.trim().toLowerCase();
      if (t === 'true') return true as T;
      if (t === 'false') return false as T;
      return fail();
    }
    case 'duration': {
      const d = parseDuration(raw);
      return d === undefined ? fail() : (d as T);
    }
    case 'memory': {
      const m = parseMemorySize(raw);
      return m === undefined ? fail() : (m as T);
    }
    case 'enum': {
      const t = raw.trim();
      const hit = type.values.find((v) => v.toLowerCase() === t.toLowerCase());
      if (hit === undefined) {
        const guess = didYouMean(t, type.values);
        throw new WeirError('CONFIG_INVALID_VALUE', `Invalid value '${raw}' for '${key}'`, {
          hint: `${guess ? `did you mean '${guess}'? ` : ''}'${key}' takes ${describeType(type)}.`,
        });
      }
      return hit as T;
    }
    default: {
      const never: never = type;
      return never;
    }
  }
}

/** A set of option declarations, looked up by key or by any fallback key. */
export class OptionRegistry {
  private readonly byKey = new Map<string, ConfigOption<unknown>>();

  constructor(options: Iterable<ConfigOption<unknown>> = []) {
    for (const o of options) this.add(o);
  }

  add(option: ConfigOption<unknown>): void {
    for (const k of [option.key, ...option.fallbackKeys]) {
      if (this.byKey.has(k)) throw new Error(`option '${k}' declared twice`);
      this.byKey.set(k, option);
    }
  }

  get(key: string): ConfigOption<unknown> | undefined {
    return this.byKey.get(key);
  }

  keys(): IterableIterator<string> {
    return this.byKey.keys();
  }

  all(): ConfigOption<unknown>[] {
    return [...new Set(this.byKey.values())];
  }
}

/**
 * A mutable map of raw option values. Reading an option parses it (with fallback keys), so an
 * invalid value is reported when it is used, naming the key the user actually wrote.
 */
export class Configuration {
  private readonly values: Map<string, string>;

  constructor(entries: Iterable<readonly [string, string]> = []) {
    this.values = new Map(entries);
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
  }

  /** Removes a key (RESET 'key'); true when it was set. */
  reset(key: string): boolean {
    return this.values.delete(key);
  }

  has(option: ConfigOption<unknown>): boolean {
    return this.findKey(option) !== undefined;
  }

  getRaw(key: string): string | undefined {
    return this.values.get(key);
  }

  get<T>(option: ConfigOption<T>): T | undefined {
    const key = this.findKey(option);
    if (key === undefined) return option.defaultValue;
    return parseOptionValue(option, this.values.get(key)!, key);
  }

  /** Like get, for options that have a default (or must be set). */
  require<T>(option: ConfigOption<T>): T {
    const v = this.get(option);
    if (v === undefined) {
      throw new WeirError('CONFIG_MISSING', `Required option '${option.key}' is not set`, {
        hint: option.description,
      });
    }
    return v;
  }

  entries(): [string, string][] {
    return [...this.values.entries()];
  }

  toObject(): Record<string, string> {
    return Object.fromEntries(this.values);
  }

  clone(): Configuration {
    return new Configuration(this.values);
  }

  private findKey(option: ConfigOption<unknown>): string | undefined {
    if (this.values.has(option.key)) return option.key;
    return option.fallbackKeys.find((k) => this.values.has(k));
  }
}

/**
 * Checks a user-set key against the registry: known keys have their value validated; unknown keys
 * that look like a known one are rejected with "did you mean", since a typo would otherwise be
 * silently ignored. Other unknown keys are accepted, as Flink accepts them (they may belong to a
 * connector or format).
 */
export function validateSetting(registry: OptionRegistry, key: string, value: string): void {
  const option = registry.get(key);
  if (option) {
    parseOptionValue(option, value, key);
    return;
  }
  const guess = didYouMean(key, registry.keys());
  if (guess && guess !== key) {
    throw new WeirError('CONFIG_UNKNOWN_KEY', `Unknown configuration key '${key}'`, {
      hint: `did you mean '${guess}'?`,
    });
  }
}
