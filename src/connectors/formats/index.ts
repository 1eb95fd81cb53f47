import { WeirError } from '../../common/errors.js';
import type { RowType } from '../../common/types.js';
import { csvFormat } from './csv.js';
import { type FormatFactory, formatOptions, type RowDeserializer, type RowSerializer } from './format.js';
import { jsonFormat } from './json.js';
import { rawFormat } from './raw.js';

export type { FormatFactory, RowDeserializer, RowSerializer } from './format.js';
export { formatOptions } from './format.js';

/** The formats connectors can use; a new one is a file and a line here. */
export const FORMATS: ReadonlyMap<string, FormatFactory> = new Map(
  [jsonFormat, csvFormat, rawFormat].map((f) => [f.identifier, f]),
);

export function findFormat(identifier: string, table: string, optionKey: string): FormatFactory {
  const factory = FORMATS.get(identifier);
  if (!factory) {
    throw new WeirError(
      'FORMAT_NOT_FOUND',
      `Could not find any format factory for identifier '${identifier}' ('${optionKey}' of table ${table})`,
      { hint: `available formats: ${[...FORMATS.keys()].sort().join(', ')}` },
    );
  }
  return factory;
}

/**
 * A format configured from a table's options. `prefixes` are where its options may be written:
 * ['json.'] for 'format', ['value.json.', 'json.'] for 'value.format', ['key.json.'] for 'key.format'.
 */
export function createFormat(
  identifier: string,
  optionKey: string,
  tableOptions: Readonly<Record<string, string>>,
  prefixes: readonly string[],
  table: string,
): {
  deserializer(type: RowType): RowDeserializer;
  serializer(type: RowType): RowSerializer;
} {
  const factory = findFormat(identifier, table, optionKey);
  const options = formatOptions(factory, tableOptions, prefixes, table);
  const ctx = { table, prefix: prefixes[0] };
  return {
    deserializer: (type) => factory.createDeserializer(type, options, ctx),
    serializer: (type) => factory.createSerializer(type, options, ctx),
  };
}
