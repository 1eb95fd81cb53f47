import { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { LookupCacheOptions } from '../../runtime/api/lookup.js';
import {
  LOOKUP_CACHE,
  LOOKUP_CACHE_EXPIRE_AFTER_ACCESS,
  LOOKUP_CACHE_MAX_ROWS,
  LOOKUP_CACHE_MISSING_KEY,
  LOOKUP_CACHE_TTL,
} from './options.js';

/**
 * The cache as Flink's JdbcDynamicTableFactory configures it: 'lookup.cache' = 'PARTIAL' with
 * the 'lookup.partial-cache.*' options; or, when 'lookup.cache' is not given, the legacy
 * 'lookup.cache.max-rows' and 'lookup.cache.ttl' together (expire after write); else none.
 */
export function lookupCacheOptions(spec: ConnectorSpec): LookupCacheOptions | undefined {
  const options = new Configuration(Object.entries(spec.options));
  const raw = spec.options;
  const partial = options.require(LOOKUP_CACHE) === 'PARTIAL';
  const legacy =
    raw['lookup.cache'] === undefined &&
    raw['lookup.cache.max-rows'] !== undefined &&
    raw['lookup.cache.ttl'] !== undefined;
  if (!partial && !legacy) return undefined;
  const maxRows = options.get(LOOKUP_CACHE_MAX_ROWS);
  const expireAfterWriteMs = options.get(LOOKUP_CACHE_TTL);
  const expireAfterAccessMs = partial ? options.get(LOOKUP_CACHE_EXPIRE_AFTER_ACCESS) : undefined;
  if (maxRows === undefined && expireAfterWriteMs === undefined && expireAfterAccessMs === undefined) {
    throw new WeirError(
      'JDBC_INVALID_OPTIONS',
      `'lookup.cache' = 'PARTIAL' on table ${spec.table} needs a size or an expiry`,
      {
        hint: "Set 'lookup.partial-cache.max-rows', 'lookup.partial-cache.expire-after-write' or 'lookup.partial-cache.expire-after-access'.",
      },
    );
  }
  return {
    maxRows: maxRows ?? Number.POSITIVE_INFINITY,
    ...(expireAfterWriteMs !== undefined ? { expireAfterWriteMs } : {}),
    ...(expireAfterAccessMs !== undefined ? { expireAfterAccessMs } : {}),
    cacheMissingKey: options.require(LOOKUP_CACHE_MISSING_KEY),
  };
}
