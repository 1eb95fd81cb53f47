import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { OperatorContext } from './operator.js';

/**
 * A connector's lookup capability (Flink's LookupTableSource with a LookupFunction): the rows of
 * the table whose key columns equal given keys. One instance per lookup-join subtask.
 */
export interface LookupFunction {
  open(ctx: OperatorContext): void | Promise<void>;
  /**
   * For each key (the values of the key columns, in the order the factory was given them), the
   * table's rows with that key: `result[i]` answers `keys[i]`, empty when there is none. The keys
   * of one call are distinct and have no NULL. Failures are retried inside, up to the connector's
   * limit; what is thrown is final.
   */
  lookup(keys: readonly (readonly unknown[])[]): Promise<readonly (readonly unknown[][])[]>;
  close(): void | Promise<void>;
}

/**
 * Flink's partial lookup cache (DefaultLookupCache) as options: the runtime keeps the cache, the
 * connector only says how big and how long. Sizes count keys.
 */
export interface LookupCacheOptions {
  readonly maxRows: number;
  readonly expireAfterWriteMs?: number;
  readonly expireAfterAccessMs?: number;
  /** Whether a key without rows is cached too (else it is looked up again each time). */
  readonly cacheMissingKey: boolean;
}

export interface LookupProvider {
  readonly function: LookupFunction;
  /** Absent: no cache (`'lookup.cache' = 'NONE'`). */
  readonly cache?: LookupCacheOptions;
}

export interface LookupFactory {
  /** `keyFields` are indexes of `spec.schema`'s fields, the columns looked up by. */
  createLookup(spec: ConnectorSpec, keyFields: readonly number[]): LookupProvider;
}
