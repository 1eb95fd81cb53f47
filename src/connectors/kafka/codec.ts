import { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { RowType } from '../../common/types.js';
import { createFormat, type RowDeserializer, type RowSerializer } from '../formats/index.js';
import {
  FORMAT,
  KEY_FIELDS,
  KEY_FIELDS_PREFIX,
  KEY_FORMAT,
  VALUE_FIELDS_INCLUDE,
  VALUE_FORMAT,
} from './options.js';

/**
 * Where a table's columns live in a Kafka message, as Flink's KafkaDynamicSource/Sink lay them
 * out: 'key.fields' in the key (under 'key.format'), the value holding every column or, with
 * 'value.fields-include' = 'EXCEPT_KEY', the others.
 */
export interface RowCodec {
  decode(key: Buffer | null | undefined, value: Buffer | null | undefined): unknown[] | null;
  encode(row: readonly unknown[]): { key: Buffer | undefined; value: Buffer | undefined };
}

export function createRowCodec(spec: ConnectorSpec, direction: 'source' | 'sink'): RowCodec {
  const options = new Configuration(Object.entries(spec.options));
  const table = spec.table;
  const fields = spec.schema.fields;
  const valueFormat = options.get(VALUE_FORMAT) ?? options.get(FORMAT);
  if (!valueFormat) {
    throw new WeirError('KAFKA_NO_FORMAT', `Table ${table} has no value format`, {
      hint: "Add 'format' = 'json' (or 'csv', 'raw') to its WITH clause.",
    });
  }
  const keyFormat = options.get(KEY_FORMAT);
  const keyNames = (options.get(KEY_FIELDS) ?? '')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (keyNames.length > 0 && !keyFormat) {
    throw new WeirError('KAFKA_KEY_FORMAT', `Table ${table} sets 'key.fields' but no 'key.format'`, {
      hint: "Add 'key.format' = 'json' (or 'raw', 'csv').",
    });
  }
  if (keyFormat && keyNames.length === 0) {
    throw new WeirError('KAFKA_KEY_FIELDS', `Table ${table} sets 'key.format' but no 'key.fields'`, {
      hint: "List the key columns in 'key.fields', separated by ';'.",
    });
  }
  const keyIndexes = keyNames.map((name) => {
    const i = fields.findIndex((f) => f.name === name);
    if (i < 0) {
      throw new WeirError(
        'KAFKA_KEY_FIELDS',
        `'key.fields' of table ${table} names '${name}', which is not a column`,
        {
          hint: `Columns: ${fields.map((f) => f.name).join(', ')}.`,
        },
      );
    }
    return i;
  });
  const prefix = options.get(KEY_FIELDS_PREFIX) ?? '';
  const include = options.require(VALUE_FIELDS_INCLUDE);
  if (prefix !== '' && include !== 'EXCEPT_KEY') {
    throw new WeirError(
      'KAFKA_KEY_FIELDS_PREFIX',
      `'key.fields-prefix' of table ${table} needs 'value.fields-include' = 'EXCEPT_KEY'`,
    );
  }
  const keyType: RowType = {
    fields: keyIndexes.map((i) => ({
      ...fields[i],
      name: fields[i].name.startsWith(prefix) ? fields[i].name.slice(prefix.length) : fields[i].name,
    })),
  };
  const valueIndexes =
    include === 'EXCEPT_KEY'
      ? fields.map((_, i) => i).filter((i) => !keyIndexes.includes(i))
      : fields.map((_, i) => i);
  const valueType: RowType = { fields: valueIndexes.map((i) => fields[i]) };
  const valueUsesFormatKey = options.get(VALUE_FORMAT) !== undefined;
  const value = createFormat(
    valueFormat,
    valueUsesFormatKey ? VALUE_FORMAT.key : FORMAT.key,
    spec.options,
    valueUsesFormatKey ? [`value.${valueFormat}.`, `${valueFormat}.`] : [`${valueFormat}.`],
    table,
  );
  const key = keyFormat
    ? createFormat(keyFormat, KEY_FORMAT.key, spec.options, [`key.${keyFormat}.`], table)
    : undefined;
  const n = fields.length;
  const allInValue = include === 'ALL';
  const identity = valueIndexes.length === n;

  if (direction === 'source') {
    const valueDe: RowDeserializer = value.deserializer(valueType);
    // With 'ALL' the value has every column (and wins, as in Flink): the key need not be read.
    const keyDe: RowDeserializer | undefined = key && !allInValue ? key.deserializer(keyType) : undefined;
    return {
      decode(k, v) {
        const valueRow = valueDe.deserialize(v ?? null);
        if (valueRow === null) return null;
        if (identity) return valueRow;
        const row = new Array(n).fill(null);
        for (let i = 0; i < valueIndexes.length; i++) row[valueIndexes[i]] = valueRow[i];
        if (keyDe) {
          const keyRow = keyDe.deserialize(k ?? null);
          if (keyRow) for (let i = 0; i < keyIndexes.length; i++) row[keyIndexes[i]] = keyRow[i];
        }
        return row;
      },
      encode() {
        throw new Error('a source codec does not encode');
      },
    };
  }
  const valueSer: RowSerializer = value.serializer(valueType);
  const keySer: RowSerializer | undefined = key?.serializer(keyType);
  return {
    decode() {
      throw new Error('a sink codec does not decode');
    },
    encode(row) {
      const v = valueSer.serialize(identity ? row : valueIndexes.map((i) => row[i]));
      const k = keySer?.serialize(keyIndexes.map((i) => row[i]));
      return { key: k ?? undefined, value: v ?? undefined };
    },
  };
}
