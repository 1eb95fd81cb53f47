import { WeirError } from '../../../common/errors.js';
import type { ConnectorSpec } from '../../../common/jobgraph.js';
import { createFormat } from '../../formats/index.js';
import { KEY_FIELDS, KEY_FIELDS_PREFIX, KEY_FORMAT } from '../options.js';

/**
 * An upsert-kafka table as the plain Kafka codec sees it: the PRIMARY KEY columns are the
 * message key ('key.fields'), as Flink's UpsertKafkaDynamicTableFactory derives them.
 */
export function upsertKafkaSpec(spec: ConnectorSpec): ConnectorSpec {
  const key = spec.primaryKey ?? [];
  if (key.length === 0) {
    throw new WeirError(
      'UPSERT_KAFKA_PRIMARY_KEY',
      `The upsert-kafka table ${spec.table} has no PRIMARY KEY`,
      {
        hint: 'Declare PRIMARY KEY (…) NOT ENFORCED: it is the message key.',
      },
    );
  }
  return { ...spec, options: { ...spec.options, [KEY_FIELDS.key]: key.join(';') } };
}

/** Primary key field indexes of an upsert-kafka table, in key order. */
export function primaryKeyIndexes(spec: ConnectorSpec): number[] {
  const fields = spec.schema.fields;
  return (spec.primaryKey ?? []).map((name) => fields.findIndex((f) => f.name === name));
}

/**
 * Reads a tombstone's key: the row of a delete, with the key columns set and the others NULL
 * (ChangelogNormalize then emits the row it kept for the key instead).
 */
export function tombstoneDecoder(spec: ConnectorSpec): (key: Buffer | null | undefined) => unknown[] | null {
  const fields = spec.schema.fields;
  const keyIndexes = primaryKeyIndexes(spec);
  const prefix = spec.options[KEY_FIELDS_PREFIX.key] ?? '';
  const keyFormat = spec.options[KEY_FORMAT.key];
  const keyType = {
    fields: keyIndexes.map((i) => ({
      ...fields[i],
      name: fields[i].name.startsWith(prefix) ? fields[i].name.slice(prefix.length) : fields[i].name,
    })),
  };
  const de = createFormat(
    keyFormat,
    KEY_FORMAT.key,
    spec.options,
    [`key.${keyFormat}.`],
    spec.table,
  ).deserializer(keyType);
  return (key) => {
    const keyRow = de.deserialize(key ?? null);
    if (keyRow === null) return null;
    const row: unknown[] = new Array(fields.length).fill(null);
    for (let i = 0; i < keyIndexes.length; i++) row[keyIndexes[i]] = keyRow[i];
    return row;
  };
}
