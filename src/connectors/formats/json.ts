import { booleanOption, type Configuration, enumOption, stringOption } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import { formatDecimal } from '../../common/format.js';
import type { LogicalType, RowType } from '../../common/types.js';
import type { FormatContext, FormatFactory, RowDeserializer, RowSerializer } from './format.js';
import {
  dateText,
  decimalFromNumber,
  inIntegerRange,
  parseDateText,
  parseDecimalText,
  parseTimestampText,
  parseTimeText,
  type TimestampStandard,
  timestampText,
  timeText,
} from './text-values.js';

export const JSON_FAIL_ON_MISSING_FIELD = booleanOption({
  key: 'fail-on-missing-field',
  defaultValue: false,
  description: 'Fail when a field of the schema is missing from a JSON object (otherwise it is null).',
});
export const JSON_IGNORE_PARSE_ERRORS = booleanOption({
  key: 'ignore-parse-errors',
  defaultValue: false,
  description: 'Skip messages that are not JSON, and set fields that cannot be converted to null.',
});
export const JSON_TIMESTAMP_FORMAT = enumOption({
  key: 'timestamp-format.standard',
  defaultValue: 'SQL' as TimestampStandard,
  values: ['SQL', 'ISO-8601'] as const,
  description: "'SQL' reads and writes '2024-01-02 03:04:05.678', 'ISO-8601' '2024-01-02T03:04:05.678'.",
});
export const JSON_ENCODE_IGNORE_NULL_FIELDS = booleanOption({
  key: 'encode.ignore-null-fields',
  defaultValue: false,
  description: 'Leave null fields out of the JSON objects written.',
});
export const JSON_ENCODE_DECIMAL_AS_PLAIN_NUMBER = booleanOption({
  key: 'encode.decimal-as-plain-number',
  defaultValue: false,
  description:
    'Accepted for compatibility: DECIMAL values are always written as plain numbers (no exponent).',
});
export const JSON_MAP_NULL_KEY_MODE = enumOption({
  key: 'map-null-key.mode',
  defaultValue: 'FAIL',
  values: ['FAIL', 'DROP', 'LITERAL'] as const,
  description:
    "What to do with a null MAP key when writing: fail, drop the entry, or write 'map-null-key.literal'.",
});
export const JSON_MAP_NULL_KEY_LITERAL = stringOption({
  key: 'map-null-key.literal',
  defaultValue: 'null',
  description: "The key written for a null MAP key when 'map-null-key.mode' is LITERAL.",
});

/** A field that could not be converted; caught per field when parse errors are ignored. */
class ConversionError extends Error {}

type FromJson = (value: unknown) => unknown;

type ToJson = (value: unknown) => string;

interface ReadSettings {
  readonly failOnMissing: boolean;
  readonly ignoreErrors: boolean;
  readonly standard: TimestampStandard;
}

const typeName = (t: LogicalType) => t.root;

function reader(type: LogicalType, s: ReadSettings): FromJson {
  const bad = (value: unknown): never => {
    throw new ConversionError(`cannot read ${JSON.stringify(value)} as ${typeName(type)}`);
  };
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : String(value));
  switch (type.root) {
    case 'BOOLEAN':
      return (v) => (typeof v === 'boolean' ? v : text(v).toLowerCase() === 'true');
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return (v) => {
        const n = typeof v === 'number' ? v : text(v) === '' ? Number.NaN : Number(text(v));
        // As Flink's parse of the declared type: a value out of its range is an error, never wrapped.
        return Number.isInteger(n) && inIntegerRange(type.root, n) ? n : bad(v);
      };
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => {
        if (typeof v === 'number') return type.root === 'FLOAT' ? Math.fround(v) : v;
        const t = text(v);
        const n =
          t === 'NaN' ? Number.NaN : t === 'Infinity' ? Infinity : t === '-Infinity' ? -Infinity : Number(t);
        return Number.isNaN(n) && t !== 'NaN' ? bad(v) : n;
      };
    case 'DECIMAL': {
      const p = type.precision ?? 10;
      const sc = type.scale ?? 0;
      // A value that does not fit the precision is null, as Flink's DecimalData.fromBigDecimal makes it.
      return (v) => {
        if (typeof v === 'number') return decimalFromNumber(v, p, sc) ?? null;
        if (typeof v !== 'string') return bad(v);
        const d = parseDecimalText(v, p, sc);
        return d === undefined && !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)
          ? bad(v)
          : (d ?? null);
      };
    }
    case 'CHAR':
    case 'VARCHAR':
      // Flink reads a nested object or array into a STRING column as its JSON text.
      return (v) => (typeof v === 'string' ? v : JSON.stringify(v));
    case 'BINARY':
    case 'VARBINARY':
      return (v) => (typeof v === 'string' ? new Uint8Array(Buffer.from(v, 'base64')) : bad(v));
    case 'DATE':
      return (v) => (typeof v === 'string' ? (parseDateText(v) ?? bad(v)) : bad(v));
    case 'TIME':
      return (v) => (typeof v === 'string' ? (parseTimeText(v) ?? bad(v)) : bad(v));
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const zoned = type.root === 'TIMESTAMP_LTZ';
      return (v) => (typeof v === 'string' ? (parseTimestampText(v, s.standard, zoned) ?? bad(v)) : bad(v));
    }
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_DAY_TIME':
      return (v) => (typeof v === 'number' ? v : bad(v));
    case 'ARRAY':
    case 'MULTISET': {
      const element = nullable(reader(type.element!, s));
      return (v) => (Array.isArray(v) ? v.map(element) : bad(v));
    }
    case 'MAP': {
      const key = nullable(reader(type.key!, s));
      const value = nullable(reader(type.value!, s));
      return (v) => {
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return bad(v);
        const map = new Map<unknown, unknown>();
        for (const k of Object.keys(v)) map.set(key(k), value((v as Record<string, unknown>)[k]));
        return map;
      };
    }
    case 'ROW':
      return objectReader(type.fields ?? [], s);
    case 'NULL':
      return () => null;
    default: {
      const never: never = type.root;
      return never;
    }
  }
}

function nullable(read: FromJson): FromJson {
  return (v) => (v === null || v === undefined ? null : read(v));
}

function objectReader(fields: RowType['fields'], s: ReadSettings): (value: unknown) => unknown[] {
  const names = fields.map((f) => f.name);
  const readers = fields.map((f) => reader(f.type, s));
  const n = names.length;
  return (value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new ConversionError(`expected a JSON object, found ${JSON.stringify(value)}`);
    }
    const obj = value as Record<string, unknown>;
    const row = new Array(n);
    for (let i = 0; i < n; i++) {
      const v = obj[names[i]];
      if (v === undefined) {
        if (s.failOnMissing) throw new ConversionError(`field '${names[i]}' is missing`);
        row[i] = null;
      } else if (v === null) {
        row[i] = null;
      } else if (s.ignoreErrors) {
        try {
          row[i] = readers[i](v);
        } catch {
          row[i] = null;
        }
      } else {
        row[i] = readers[i](v);
      }
    }
    return row;
  };
}

interface WriteSettings {
  readonly standard: TimestampStandard;
  readonly ignoreNullFields: boolean;
  readonly mapNullKey: 'FAIL' | 'DROP' | 'LITERAL';
  readonly mapNullKeyLiteral: string;
}

function nonFinite(x: number): string {
  // Jackson quotes the non-numeric doubles by default.
  return Number.isNaN(x) ? '"NaN"' : x > 0 ? '"Infinity"' : '"-Infinity"';
}

function writer(type: LogicalType, s: WriteSettings): ToJson {
  switch (type.root) {
    case 'BOOLEAN':
      return (v) => (v ? 'true' : 'false');
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_DAY_TIME':
      return (v) => `${v as number}`;
    case 'FLOAT':
    case 'DOUBLE':
      return (v) => (Number.isFinite(v) ? `${v as number}` : nonFinite(v as number));
    case 'DECIMAL': {
      const scale = type.scale ?? 0;
      return (v) => formatDecimal(v as bigint, scale);
    }
    case 'CHAR':
    case 'VARCHAR':
      return (v) => JSON.stringify(v);
    case 'BINARY':
    case 'VARBINARY':
      return (v) => `"${Buffer.from(v as Uint8Array).toString('base64')}"`;
    case 'DATE':
      return (v) => `"${dateText(v as number)}"`;
    case 'TIME':
      return (v) => `"${timeText(v as number)}"`;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const zoned = type.root === 'TIMESTAMP_LTZ';
      return (v) => `"${timestampText(v as number, s.standard, zoned)}"`;
    }
    case 'ARRAY':
    case 'MULTISET': {
      const element = writer(type.element!, s);
      return (v) => {
        const items = v as unknown[];
        let out = '[';
        for (let i = 0; i < items.length; i++) {
          if (i > 0) out += ',';
          out += items[i] === null || items[i] === undefined ? 'null' : element(items[i]);
        }
        return `${out}]`;
      };
    }
    case 'MAP': {
      const keyText = writer(type.key!, s);
      const value = writer(type.value!, s);
      const isString = type.key!.root === 'VARCHAR' || type.key!.root === 'CHAR';
      return (v) => {
        let out = '{';
        let first = true;
        for (const [k, val] of v as Map<unknown, unknown>) {
          let key: string;
          if (k === null || k === undefined) {
            if (s.mapNullKey === 'DROP') continue;
            if (s.mapNullKey === 'FAIL') {
              throw new WeirError('JSON_MAP_NULL_KEY', 'Cannot write a MAP with a null key as JSON', {
                hint: "Set 'json.map-null-key.mode' to 'DROP' or 'LITERAL'.",
              });
            }
            key = JSON.stringify(s.mapNullKeyLiteral);
          } else {
            key = isString ? JSON.stringify(k) : JSON.stringify(keyText(k).replace(/^"|"$/g, ''));
          }
          out += `${first ? '' : ','}${key}:${val === null || val === undefined ? 'null' : value(val)}`;
          first = false;
        }
        return `${out}}`;
      };
    }
    case 'ROW':
      return objectWriter(type.fields ?? [], s) as ToJson;
    case 'NULL':
      return () => 'null';
    default: {
      const never: never = type.root;
      return never;
    }
  }
}

function objectWriter(fields: RowType['fields'], s: WriteSettings): (row: readonly unknown[]) => string {
  const n = fields.length;
  const writers = fields.map((f) => writer(f.type, s));
  // `{"name":` for the first field, `,"name":` after; names escaped once, here.
  const heads = fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
  const laterHeads = fields.map((f) => `,${JSON.stringify(f.name)}:`);
  const firstHeads = fields.map((f) => `{${JSON.stringify(f.name)}:`);
  if (n === 0) return () => '{}';
  if (!s.ignoreNullFields) {
    return (row) => {
      let out = '';
      for (let i = 0; i < n; i++) {
        const v = row[i];
        out += heads[i] + (v === null || v === undefined ? 'null' : writers[i](v));
      }
      return `${out}}`;
    };
  }
  return (row) => {
    let out = '';
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (v === null || v === undefined) continue;
      out += (out === '' ? firstHeads[i] : laterHeads[i]) + writers[i](v);
    }
    return out === '' ? '{}' : `${out}}`;
  };
}

/** Flink's 'json' format: one JSON object per message, its field names those of the schema. */
export const jsonFormat: FormatFactory = {
  identifier: 'json',
  options: [
    JSON_FAIL_ON_MISSING_FIELD,
    JSON_IGNORE_PARSE_ERRORS,
    JSON_TIMESTAMP_FORMAT,
    JSON_ENCODE_IGNORE_NULL_FIELDS,
    JSON_ENCODE_DECIMAL_AS_PLAIN_NUMBER,
    JSON_MAP_NULL_KEY_MODE,
    JSON_MAP_NULL_KEY_LITERAL,
  ],

  createDeserializer(type: RowType, options: Configuration, ctx: FormatContext): RowDeserializer {
    const settings: ReadSettings = {
      failOnMissing: options.require(JSON_FAIL_ON_MISSING_FIELD),
      ignoreErrors: options.require(JSON_IGNORE_PARSE_ERRORS),
      standard: options.require(JSON_TIMESTAMP_FORMAT),
    };
    if (settings.failOnMissing && settings.ignoreErrors) {
      throw new WeirError(
        'FORMAT_CONFLICTING_OPTIONS',
        `'${ctx.prefix}fail-on-missing-field' and '${ctx.prefix}ignore-parse-errors' cannot both be true (table ${ctx.table})`,
        { hint: 'Choose one of them, as in Flink.' },
      );
    }
    const read = objectReader(type.fields, settings);
    return {
      deserialize(message) {
        if (message === null) return null;
        try {
          const text = Buffer.isBuffer(message)
            ? message.toString()
            : Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString();
          return read(JSON.parse(text));
        } catch (err) {
          if (settings.ignoreErrors) return null;
          throw new WeirError(
            'JSON_PARSE_FAILED',
            `Failed to deserialize JSON '${preview(message)}' for table ${ctx.table}: ${(err as Error).message}`,
            {
              kind: 'external',
              hint: `Fix the producer, or set '${ctx.prefix}ignore-parse-errors' = 'true' to skip such messages.`,
            },
          );
        }
      },
    };
  },

  createSerializer(type: RowType, options: Configuration): RowSerializer {
    const write = objectWriter(type.fields, {
      standard: options.require(JSON_TIMESTAMP_FORMAT),
      ignoreNullFields: options.require(JSON_ENCODE_IGNORE_NULL_FIELDS),
      mapNullKey: options.require(JSON_MAP_NULL_KEY_MODE),
      mapNullKeyLiteral: options.require(JSON_MAP_NULL_KEY_LITERAL),
    });
    return { serialize: (row) => Buffer.from(write(row)) };
  },
};

function preview(message: Uint8Array): string {
  const text = Buffer.from(message.buffer, message.byteOffset, Math.min(message.byteLength, 120)).toString();
  return message.byteLength > 120 ? `${text}…` : text;
}
