import type { ConnectorDescriptor } from '../../common/connector.js';
import {
  CONNECTION_MAX_RETRY_TIMEOUT,
  DRIVER,
  LOOKUP_CACHE,
  LOOKUP_CACHE_EXPIRE_AFTER_ACCESS,
  LOOKUP_CACHE_MAX_ROWS,
  LOOKUP_CACHE_MISSING_KEY,
  LOOKUP_CACHE_TTL,
  LOOKUP_MAX_RETRIES,
  PASSWORD,
  SCAN_AUTO_COMMIT,
  SCAN_FETCH_SIZE,
  SCAN_PARALLELISM,
  SCAN_PARTITION_COLUMN,
  SCAN_PARTITION_LOWER_BOUND,
  SCAN_PARTITION_NUM,
  SCAN_PARTITION_UPPER_BOUND,
  SINK_BUFFER_FLUSH_INTERVAL,
  SINK_BUFFER_FLUSH_MAX_ROWS,
  SINK_DELIVERY_GUARANTEE,
  SINK_MAX_RETRIES,
  SINK_PARALLELISM,
  TABLE_NAME,
  URL,
  USERNAME,
} from './options.js';

/**
 * Flink's 'jdbc' table connector, for PostgreSQL: a bounded scan source, a lookup source for lookup
 * joins, and a sink that appends
 * (no primary key) or upserts (PRIMARY KEY … NOT ENFORCED), at-least-once or exactly-once.
 */
export const jdbcDescriptor: ConnectorDescriptor = {
  identifier: 'jdbc',
  requiredOptions: [URL, TABLE_NAME],
  optionalOptions: [
    USERNAME,
    PASSWORD,
    DRIVER,
    CONNECTION_MAX_RETRY_TIMEOUT,
    SCAN_PARTITION_COLUMN,
    SCAN_PARTITION_NUM,
    SCAN_PARTITION_LOWER_BOUND,
    SCAN_PARTITION_UPPER_BOUND,
    SCAN_FETCH_SIZE,
    SCAN_AUTO_COMMIT,
    SCAN_PARALLELISM,
    LOOKUP_CACHE,
    LOOKUP_CACHE_MAX_ROWS,
    LOOKUP_CACHE_TTL,
    LOOKUP_CACHE_EXPIRE_AFTER_ACCESS,
    LOOKUP_CACHE_MISSING_KEY,
    LOOKUP_MAX_RETRIES,
    SINK_BUFFER_FLUSH_MAX_ROWS,
    SINK_BUFFER_FLUSH_INTERVAL,
    SINK_MAX_RETRIES,
    SINK_PARALLELISM,
    SINK_DELIVERY_GUARANTEE,
  ],
  source: { changelogMode: 'insert-only', bounded: true },
  // Looked up by key in lookup joins (JOIN t FOR SYSTEM_TIME AS OF x.proc_time), see lookup.ts.
  lookup: true,
  // An upsert sink, as Flink's JdbcDynamicTableSink (+I, +U, -D; the planner then sends no -U).
  // Without a primary key only inserts can be written; the writer says so if it gets more.
  sink: { acceptedChangelogModes: ['insert-only', 'upsert'] },
};
