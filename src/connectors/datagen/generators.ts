import { randomBytes } from 'node:crypto';
import { durationOption, enumOption, parseOptionValue } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import { formatType, type LogicalType, type RowField } from '../../common/types.js';

/**
 * One field's values. `valueAt(n)` gives the n-th value a subtask emits: sequences are a pure
 * function of the position (so the checkpointed position is the whole state); random values are
 * not reproducible, as in Flink.
 */
export interface FieldGenerator {
  valueAt(position: number): unknown;
  /** How many values a sequence has for this subtask; undefined for random fields. */
  readonly length?: number;
}

const KIND = enumOption({
  key: 'kind',
  values: ['random', 'sequence'] as const,
  defaultValue: 'random',
  description: 'random or sequence',
});
const MAX_PAST = durationOption({ key: 'max-past', defaultValue: 0, description: 'how far in the past' });

type Options = ReadonlyMap<string, string>;

function fieldError(table: string, field: string, message: string, hint?: string): WeirError {
  return new WeirError('DATAGEN_INVALID_FIELD', `datagen table ${table}, field '${field}': ${message}`, {
    hint,
  });
}

function numberOf(options: Options, field: string, key: string, table: string): number | undefined {
  const raw = options.get(`fields.${field}.${key}`);
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  if (raw.trim() === '' || Number.isNaN(n)) {
    throw fieldError(table, field, `'fields.${field}.${key}' must be a number, got '${raw}'`);
  }
  return n;
}

const INTEGER_RANGES: Record<string, [number, number]> = {
  TINYINT: [-128, 127],
  SMALLINT: [-32768, 32767],
  INT: [-2147483648, 2147483647],
  BIGINT: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const randomInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

/**
 * Random hex strings, cut at random offsets from a pool of random hex digits: building each string
 * digit by digit capped the generator at ~200k rows/s for 100-character strings.
 */
const HEX_POOL_SIZE = 1 << 16;
const hexPool = randomBytes(HEX_POOL_SIZE / 2).toString('hex');

function hexString(length: number): string {
  if (length > HEX_POOL_SIZE)
    return randomBytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length);
  const start = Math.floor(Math.random() * (HEX_POOL_SIZE - length + 1));
  return hexPool.slice(start, start + length);
}

function randomDecimal(type: LogicalType, min: number | undefined, max: number | undefined): bigint {
  const scale = type.scale ?? 0;
  const limit = 10 ** ((type.precision ?? 10) - scale) - 10 ** -scale;
  const lo = min ?? -limit;
  const hi = max ?? limit;
  const value = lo + Math.random() * (hi - lo);
  return BigInt(Math.round(value * 10 ** scale));
}

/** Local wall-clock "now" as a UTC epoch, Flink's LocalDateTime.now() for TIMESTAMP columns. */
const localNow = () => Date.now() - new Date().getTimezoneOffset() * 60_000;

function randomGenerator(table: string, field: RowField, options: Options): FieldGenerator {
  const name = field.name;
  const type = field.type;
  const min = numberOf(options, name, 'min', table);
  const max = numberOf(options, name, 'max', table);
  const length = numberOf(options, name, 'length', table);
  const rawPast = options.get(`fields.${name}.max-past`);
  const maxPast = rawPast === undefined ? 0 : parseOptionValue(MAX_PAST, rawPast, `fields.${name}.max-past`);
  switch (type.root) {
    case 'BOOLEAN':
      return { valueAt: () => Math.random() < 0.5 };
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT': {
      const [lo, hi] = INTEGER_RANGES[type.root];
      const a = min ?? lo;
      const b = max ?? hi;
      return { valueAt: () => randomInt(a, b) };
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const a = min ?? Number.MIN_VALUE;
      const b = max ?? (type.root === 'FLOAT' ? 3.4028234663852886e38 : Number.MAX_VALUE);
      return type.root === 'FLOAT'
        ? { valueAt: () => Math.fround(a + Math.random() * (b - a)) }
        : { valueAt: () => a + Math.random() * (b - a) };
    }
    case 'DECIMAL':
      return { valueAt: () => randomDecimal(type, min, max) };
    case 'CHAR':
    case 'VARCHAR': {
      const n = Math.min(length ?? 100, type.length ?? 100);
      const varLen = options.get(`fields.${name}.var-len`)?.trim().toLowerCase() === 'true';
      return { valueAt: () => hexString(varLen ? randomInt(1, n) : n) };
    }
    case 'BINARY':
    case 'VARBINARY': {
      const n = Math.min(length ?? 100, type.length ?? 100);
      return { valueAt: () => Uint8Array.from({ length: n }, () => randomInt(0, 255)) };
    }
    case 'DATE':
      return { valueAt: () => Math.floor((localNow() - Math.random() * maxPast) / 86_400_000) };
    case 'TIME':
      return { valueAt: () => Math.floor(localNow() - Math.random() * maxPast) % 86_400_000 };
    case 'TIMESTAMP':
      return { valueAt: () => Math.floor(localNow() - Math.random() * maxPast) };
    case 'TIMESTAMP_LTZ':
      return { valueAt: () => Math.floor(Date.now() - Math.random() * maxPast) };
    default:
      throw fieldError(table, name, `random values of type ${formatType(type)} are not supported yet`);
  }
}

function sequenceGenerator(
  table: string,
  field: RowField,
  options: Options,
  subtask: number,
  parallelism: number,
): FieldGenerator {
  const name = field.name;
  const start = numberOf(options, name, 'start', table);
  const end = numberOf(options, name, 'end', table);
  if (start === undefined || end === undefined) {
    throw fieldError(
      table,
      name,
      `a sequence needs 'fields.${name}.start' and 'fields.${name}.end'`,
      `Add 'fields.${name}.start' = '1', 'fields.${name}.end' = '1000' to the WITH clause.`,
    );
  }
  if (!Number.isInteger(start) || !Number.isInteger(end) || end < start) {
    throw fieldError(
      table,
      name,
      `sequence start ${start} and end ${end} must be integers with start <= end`,
    );
  }
  // Each subtask owns a contiguous share of the range, as Flink's SequenceGenerator splits it.
  const total = end - start + 1;
  const base = Math.floor(total / parallelism);
  const extra = total % parallelism;
  const first = start + subtask * base + Math.min(subtask, extra);
  const count = base + (subtask < extra ? 1 : 0);
  const type = field.type;
  switch (type.root) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
      return { length: count, valueAt: (n) => first + n };
    case 'DECIMAL': {
      const factor = 10n ** BigInt(type.scale ?? 0);
      return { length: count, valueAt: (n) => BigInt(first + n) * factor };
    }
    case 'CHAR':
    case 'VARCHAR':
      return { length: count, valueAt: (n) => String(first + n) };
    default:
      throw fieldError(
        table,
        name,
        `a sequence of type ${formatType(type)} is not supported`,
        'Use a numeric or string type.',
      );
  }
}

export function createFieldGenerator(
  table: string,
  field: RowField,
  options: Options,
  subtask: number,
  parallelism: number,
): FieldGenerator {
  const rawKind = options.get(`fields.${field.name}.kind`);
  const kind =
    rawKind === undefined ? 'random' : parseOptionValue(KIND, rawKind, `fields.${field.name}.kind`);
  const generator =
    kind === 'sequence'
      ? sequenceGenerator(table, field, options, subtask, parallelism)
      : randomGenerator(table, field, options);
  const nullRate = numberOf(options, field.name, 'null-rate', table) ?? 0;
  if (nullRate < 0 || nullRate > 1) throw fieldError(table, field.name, `null-rate must be between 0 and 1`);
  if (nullRate === 0 || !field.type.nullable) return generator;
  return {
    length: generator.length,
    valueAt: (n) => (Math.random() < nullRate ? null : generator.valueAt(n)),
  };
}
