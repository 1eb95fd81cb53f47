import { durationOption, integerOption } from '../../../common/config.js';
import type { ConnectorDescriptor } from '../../../common/connector.js';
import {
  BOOTSTRAP_SERVERS,
  KEY_FIELDS_PREFIX,
  KEY_FORMAT,
  SASL_JAAS_CONFIG,
  SCAN_BOUNDED_MODE,
  SCAN_BOUNDED_SPECIFIC_OFFSETS,
  SCAN_BOUNDED_TIMESTAMP,
  SCAN_PARALLELISM,
  SINK_DELIVERY_GUARANTEE,
  SINK_PARALLELISM,
  SINK_TRANSACTIONAL_ID_PREFIX,
  TOPIC,
  VALUE_FIELDS_INCLUDE,
  VALUE_FORMAT,
} from '../options.js';

/**
 * The buffer of Flink's upsert-kafka sink (its ReducingUpsertWriter): rows
 * are kept by key, only the last change of each key between two flushes is written.
 */
export const SINK_BUFFER_FLUSH_MAX_ROWS = integerOption({
  key: 'sink.buffer-flush.max-rows',
  min: 0,
  defaultValue: 0,
  description:
    "Most keys buffered before a flush; with 'sink.buffer-flush.interval' > 0 turns the buffer on ('0' writes each change).",
});
export const SINK_BUFFER_FLUSH_INTERVAL = durationOption({
  key: 'sink.buffer-flush.interval',
  defaultValue: 0,
  description:
    "How often the buffer is flushed; with 'sink.buffer-flush.max-rows' > 0 turns the buffer on ('0' writes each change).",
});

/**
 * Flink's 'upsert-kafka' connector: the topic as a changelog keyed by the table's PRIMARY KEY.
 * The sink writes +I/+U as a record with key and value and -D as a tombstone (null value); the
 * source reads records back as upserts and tombstones as deletes, and the planner puts a
 * ChangelogNormalize after it to make a complete changelog (-U/+U, -D with the old row).
 */
export const upsertKafkaDescriptor: ConnectorDescriptor = {
  identifier: 'upsert-kafka',
  requiredOptions: [TOPIC, BOOTSTRAP_SERVERS, KEY_FORMAT, VALUE_FORMAT],
  optionalOptions: [
    SASL_JAAS_CONFIG,
    KEY_FIELDS_PREFIX,
    VALUE_FIELDS_INCLUDE,
    SCAN_BOUNDED_MODE,
    SCAN_BOUNDED_TIMESTAMP,
    SCAN_BOUNDED_SPECIFIC_OFFSETS,
    SCAN_PARALLELISM,
    SINK_PARALLELISM,
    SINK_BUFFER_FLUSH_MAX_ROWS,
    SINK_BUFFER_FLUSH_INTERVAL,
    SINK_DELIVERY_GUARANTEE,
    SINK_TRANSACTIONAL_ID_PREFIX,
  ],
  optionPrefixes: ['properties.'],
  source: { changelogMode: 'upsert' },
  sink: { acceptedChangelogModes: ['upsert'] },
};
