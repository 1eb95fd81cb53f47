import {
  booleanOption,
  durationOption,
  enumOption,
  integerOption,
  stringOption,
} from '../../common/config.js';

/**
 * The options of Flink's JDBC SQL connector (flink-connector-jdbc), with Flink's keys and defaults,
 * plus 'sink.delivery-guarantee' for weir's two-phase-commit sink.
 */

export const URL = stringOption({
  key: 'url',
  description:
    "The JDBC database url, e.g. 'jdbc:postgresql://localhost:5432/shop'; a 'postgres://' url is accepted too.",
});

export const TABLE_NAME = stringOption({
  key: 'table-name',
  description: "The name of the table in the database, optionally schema-qualified ('sales.orders').",
});

export const USERNAME = stringOption({
  key: 'username',
  description: "The user name; overrides a user in the 'url'.",
});

export const PASSWORD = stringOption({
  key: 'password',
  sensitive: true,
  description: "The password; overrides a password in the 'url'. Never printed.",
});

export const DRIVER = stringOption({
  key: 'driver',
  description:
    "The JDBC driver class name. Accepted for compatibility and ignored: weir speaks PostgreSQL's protocol itself.",
});

export const CONNECTION_MAX_RETRY_TIMEOUT = durationOption({
  key: 'connection.max-retry-timeout',
  defaultValue: 60_000,
  description: 'How long to keep trying to connect before giving up.',
});

export const SCAN_PARTITION_COLUMN = stringOption({
  key: 'scan.partition.column',
  description:
    'A numeric column whose range [lower-bound, upper-bound] is split into scan.partition.num partitions read in parallel.',
});

export const SCAN_PARTITION_NUM = integerOption({
  key: 'scan.partition.num',
  min: 1,
  description: 'The number of partitions of the scan.',
});

export const SCAN_PARTITION_LOWER_BOUND = integerOption({
  key: 'scan.partition.lower-bound',
  description: 'The smallest value of scan.partition.column read; it also decides the partition stride.',
});

export const SCAN_PARTITION_UPPER_BOUND = integerOption({
  key: 'scan.partition.upper-bound',
  description: 'The largest value of scan.partition.column read; it also decides the partition stride.',
});

export const SCAN_FETCH_SIZE = integerOption({
  key: 'scan.fetch-size',
  defaultValue: 0,
  min: 0,
  description: 'Rows fetched from the database per round trip while scanning; 0 means 1000.',
});

export const SCAN_AUTO_COMMIT = booleanOption({
  key: 'scan.auto-commit',
  defaultValue: true,
  description: 'Accepted for compatibility and ignored: a scan always reads one consistent snapshot.',
});

export const SCAN_PARALLELISM = integerOption({
  key: 'scan.parallelism',
  min: 1,
  description: 'Parallelism of the source; defaults to parallelism.default.',
});

export const LOOKUP_CACHE = enumOption({
  key: 'lookup.cache',
  values: ['NONE', 'PARTIAL'] as const,
  defaultValue: 'NONE',
  description:
    "The cache of lookup joins: 'NONE', or 'PARTIAL' (the rows of recently looked-up keys, see lookup.partial-cache.*).",
});

export const LOOKUP_CACHE_MAX_ROWS = integerOption({
  key: 'lookup.partial-cache.max-rows',
  fallbackKeys: ['lookup.cache.max-rows'],
  min: 0,
  description: 'The most keys whose rows the lookup cache holds; the least recently used go first.',
});

export const LOOKUP_CACHE_TTL = durationOption({
  key: 'lookup.partial-cache.expire-after-write',
  fallbackKeys: ['lookup.cache.ttl'],
  description: 'How long a looked-up row stays in the cache after it was written.',
});

export const LOOKUP_CACHE_EXPIRE_AFTER_ACCESS = durationOption({
  key: 'lookup.partial-cache.expire-after-access',
  description: 'How long a looked-up row stays in the cache after it was last read.',
});

export const LOOKUP_CACHE_MISSING_KEY = booleanOption({
  key: 'lookup.partial-cache.cache-missing-key',
  fallbackKeys: ['lookup.cache.caching-missing-key'],
  defaultValue: true,
  description: 'Whether a key with no row is cached too.',
});

export const LOOKUP_MAX_RETRIES = integerOption({
  key: 'lookup.max-retries',
  defaultValue: 3,
  min: 0,
  description: 'How many times a failed lookup is retried.',
});

export const SINK_BUFFER_FLUSH_MAX_ROWS = integerOption({
  key: 'sink.buffer-flush.max-rows',
  defaultValue: 100,
  min: 0,
  description: 'Buffered rows that trigger a write; 0 disables the limit.',
});

export const SINK_BUFFER_FLUSH_INTERVAL = durationOption({
  key: 'sink.buffer-flush.interval',
  defaultValue: 1000,
  description: "How often buffered rows are written; '0' disables the timer.",
});

export const SINK_MAX_RETRIES = integerOption({
  key: 'sink.max-retries',
  defaultValue: 3,
  min: 0,
  description: 'How many times a failed write is retried (at-least-once and none only).',
});

export const SINK_PARALLELISM = integerOption({
  key: 'sink.parallelism',
  min: 1,
  description: 'Parallelism of the sink; defaults to that of its input.',
});

export type DeliveryGuarantee = 'exactly-once' | 'at-least-once' | 'none';

export const SINK_DELIVERY_GUARANTEE = enumOption<DeliveryGuarantee>({
  key: 'sink.delivery-guarantee',
  values: ['exactly-once', 'at-least-once', 'none'],
  defaultValue: 'at-least-once',
  description:
    'exactly-once: rows between two checkpoints go into one PostgreSQL transaction, prepared at the checkpoint and committed when it completes (needs max_prepared_transactions > 0); at-least-once: buffered rows are written at every checkpoint; none: rows are written only by size and interval.',
});
