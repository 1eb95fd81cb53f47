import { durationOption, enumOption, integerOption, stringOption } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';

/** The options of Flink's Kafka SQL connector, with Flink's names and defaults. */
export const TOPIC = stringOption({
  key: 'topic',
  description: "Topic(s) to read from, separated by ';', or the single topic to write to.",
});
export const TOPIC_PATTERN = stringOption({
  key: 'topic-pattern',
  description:
    "A regular expression: the source reads every topic whose whole name matches. Exclusive with 'topic'.",
});
export const BOOTSTRAP_SERVERS = stringOption({
  key: 'properties.bootstrap.servers',
  description: "Comma-separated Kafka brokers, e.g. 'localhost:9092'.",
});
export const GROUP_ID = stringOption({
  key: 'properties.group.id',
  description:
    "Consumer group for 'group-offsets' startup and for the offsets committed on checkpoints (monitoring only).",
});
export const SASL_JAAS_CONFIG = stringOption({
  key: 'properties.sasl.jaas.config',
  sensitive: true,
  description: 'SASL credentials in JAAS syntax (PlainLoginModule / ScramLoginModule username and password).',
});

export const STARTUP_MODES = [
  'earliest-offset',
  'latest-offset',
  'group-offsets',
  'timestamp',
  'specific-offsets',
] as const;
export type StartupMode = (typeof STARTUP_MODES)[number];
export const SCAN_STARTUP_MODE = enumOption({
  key: 'scan.startup.mode',
  defaultValue: 'group-offsets' as StartupMode,
  values: STARTUP_MODES,
  description: 'Where a source starts when it is not restored from a checkpoint.',
});
export const SCAN_STARTUP_TIMESTAMP = integerOption({
  key: 'scan.startup.timestamp-millis',
  min: 0,
  description: "Epoch milliseconds to start from in 'timestamp' startup mode.",
});
export const SCAN_STARTUP_SPECIFIC_OFFSETS = stringOption({
  key: 'scan.startup.specific-offsets',
  description: "Offsets for 'specific-offsets' mode, e.g. 'partition:0,offset:42;partition:1,offset:300'.",
});

export const BOUNDED_MODES = ['unbounded', 'latest-offset', 'timestamp', 'specific-offsets'] as const;
export type BoundedMode = (typeof BOUNDED_MODES)[number];
export const SCAN_BOUNDED_MODE = enumOption({
  key: 'scan.bounded.mode',
  defaultValue: 'unbounded' as BoundedMode,
  values: BOUNDED_MODES,
  description: 'Where a bounded source stops: it ends once every partition reaches its stopping offset.',
});
export const SCAN_BOUNDED_TIMESTAMP = integerOption({
  key: 'scan.bounded.timestamp-millis',
  min: 0,
  description: "Epoch milliseconds to stop at in 'timestamp' bounded mode.",
});
export const SCAN_BOUNDED_SPECIFIC_OFFSETS = stringOption({
  key: 'scan.bounded.specific-offsets',
  description: "Stopping offsets for 'specific-offsets' bounded mode, in the startup syntax.",
});
export const SCAN_PARTITION_DISCOVERY = durationOption({
  key: 'scan.topic-partition-discovery.interval',
  defaultValue: 300_000,
  description:
    "How often the source looks for new partitions (and topics matching 'topic-pattern'); '0' turns it off.",
});
export const SCAN_PARALLELISM = integerOption({
  key: 'scan.parallelism',
  min: 1,
  description: 'Parallelism of the source; defaults to parallelism.default.',
});

export const FORMAT = stringOption({
  key: 'format',
  description: "Format of the value: 'json', 'csv', 'raw'.",
});
export const VALUE_FORMAT = stringOption({
  key: 'value.format',
  description: "Format of the value (the same as 'format').",
});
export const KEY_FORMAT = stringOption({ key: 'key.format', description: 'Format of the message key.' });
export const KEY_FIELDS = stringOption({
  key: 'key.fields',
  description: "Columns stored in the key, separated by ';'.",
});
export const KEY_FIELDS_PREFIX = stringOption({
  key: 'key.fields-prefix',
  description: 'A prefix of key column names that the key format does not see.',
});
export const VALUE_FIELDS_INCLUDE = enumOption({
  key: 'value.fields-include',
  defaultValue: 'ALL',
  values: ['ALL', 'EXCEPT_KEY'] as const,
  description: 'Whether the value also holds the key columns.',
});

export const DELIVERY_GUARANTEES = ['none', 'at-least-once', 'exactly-once'] as const;
export type DeliveryGuarantee = (typeof DELIVERY_GUARANTEES)[number];
export const SINK_DELIVERY_GUARANTEE = enumOption({
  key: 'sink.delivery-guarantee',
  defaultValue: 'at-least-once' as DeliveryGuarantee,
  values: DELIVERY_GUARANTEES,
  description:
    "'exactly-once' writes in Kafka transactions committed when checkpoints complete; readers need isolation.level=read_committed.",
});
export const SINK_TRANSACTIONAL_ID_PREFIX = stringOption({
  key: 'sink.transactional-id-prefix',
  description: "Prefix of the sink's transactional ids; required for 'exactly-once' and unique per job.",
});
export const SINK_PARTITIONER = stringOption({
  key: 'sink.partitioner',
  defaultValue: 'default',
  description:
    "'default' (by key hash, or spread when there is no key), 'fixed' (subtask i writes partition i mod n), 'round-robin'.",
});
export const SINK_PARALLELISM = integerOption({
  key: 'sink.parallelism',
  min: 1,
  description: 'Parallelism of the sink; defaults to that of its input.',
});

/** Flink's 'kafka' connector: an append-only source and sink. */
export const kafkaDescriptor: ConnectorDescriptor = {
  identifier: 'kafka',
  requiredOptions: [BOOTSTRAP_SERVERS],
  optionalOptions: [
    TOPIC,
    TOPIC_PATTERN,
    GROUP_ID,
    SASL_JAAS_CONFIG,
    SCAN_STARTUP_MODE,
    SCAN_STARTUP_TIMESTAMP,
    SCAN_STARTUP_SPECIFIC_OFFSETS,
    SCAN_BOUNDED_MODE,
    SCAN_BOUNDED_TIMESTAMP,
    SCAN_BOUNDED_SPECIFIC_OFFSETS,
    SCAN_PARTITION_DISCOVERY,
    SCAN_PARALLELISM,
    FORMAT,
    VALUE_FORMAT,
    KEY_FORMAT,
    KEY_FIELDS,
    KEY_FIELDS_PREFIX,
    VALUE_FIELDS_INCLUDE,
    SINK_DELIVERY_GUARANTEE,
    SINK_TRANSACTIONAL_ID_PREFIX,
    SINK_PARTITIONER,
    SINK_PARALLELISM,
  ],
  // Any Kafka client property; the format prefixes ('json.', 'key.json.', …) come from the planner.
  optionPrefixes: ['properties.'],
  source: { changelogMode: 'insert-only' },
  sink: { acceptedChangelogModes: ['insert-only'] },
};
