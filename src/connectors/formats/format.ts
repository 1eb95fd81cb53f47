import { type ConfigOption, Configuration, parseOptionValue } from '../../common/config.js';
import { didYouMean, WeirError } from '../../common/errors.js';
import type { RowType } from '../../common/types.js';

/**
 * A format turns a message's bytes into a row and back, as Flink's DeserializationSchema and
 * SerializationSchema do. Rows are arrays of field values in the runtime representation of
 * src/common/types.ts, one per field of the RowType the format was created for.
 */
export interface RowDeserializer {
  /** The row, or null when the message carries none (a tombstone, or a skipped parse error). */
  deserialize(message: Uint8Array | null): unknown[] | null;
}

export interface RowSerializer {
  /** The message bytes; null for a row that has no representation (raw format's null). */
  serialize(row: readonly unknown[]): Buffer | null;
}

export interface FormatContext {
  /** The table the format belongs to, for error messages. */
  readonly table: string;
  /** The option prefix the user wrote the format's options under ('json.', 'key.json.', …). */
  readonly prefix: string;
}

export interface FormatFactory {
  /** The value of 'format', 'key.format' or 'value.format'. */
  readonly identifier: string;
  /** Options without the format prefix ('fail-on-missing-field' for 'json.fail-on-missing-field'). */
  readonly options: readonly ConfigOption<unknown>[];
  createDeserializer(type: RowType, options: Configuration, ctx: FormatContext): RowDeserializer;
  createSerializer(type: RowType, options: Configuration, ctx: FormatContext): RowSerializer;
}

/**
 * The format's options out of a table's WITH options: keys under `prefix` lose it, unknown ones are
 * rejected with "did you mean" (a typo would otherwise be ignored), and values are checked.
 */
export function formatOptions(
  factory: FormatFactory,
  tableOptions: Readonly<Record<string, string>>,
  prefixes: readonly string[],
  table: string,
): Configuration {
  const byKey = new Map(factory.options.map((o) => [o.key, o]));
  const config = new Configuration();
  for (const prefix of prefixes) {
    for (const [key, value] of Object.entries(tableOptions)) {
      if (!key.startsWith(prefix)) continue;
      const own = key.slice(prefix.length);
      const option = byKey.get(own);
      if (!option) {
        const guess = didYouMean(own, byKey.keys());
        throw new WeirError(
          'FORMAT_UNKNOWN_OPTION',
          `Unsupported option '${key}' for format '${factory.identifier}' of table ${table}`,
          {
            hint: guess
              ? `did you mean '${prefix}${guess}'?`
              : `'${factory.identifier}' takes ${[...byKey.keys()].map((k) => `'${prefix}${k}'`).join(', ') || 'no options'}.`,
          },
        );
      }
      parseOptionValue(option, value, key);
      config.set(own, value);
    }
  }
  return config;
}
