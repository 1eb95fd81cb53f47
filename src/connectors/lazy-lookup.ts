import type { ConnectorSpec } from '../common/jobgraph.js';
import type { LookupCacheOptions, LookupFactory, LookupFunction } from '../runtime/api/lookup.js';
import type { OperatorContext } from '../runtime/api/operator.js';

/**
 * A lookup whose client library is loaded when the lookup join opens (see lazy.ts); the cache
 * options come from the table's options alone, so they are known without loading it.
 */
export function lazyLookupFactory(
  load: () => Promise<LookupFactory>,
  cacheOf: (spec: ConnectorSpec) => LookupCacheOptions | undefined,
): LookupFactory {
  return {
    createLookup(spec, keyFields) {
      const cache = cacheOf(spec);
      return { function: new LazyLookupFunction(load, spec, keyFields), ...(cache ? { cache } : {}) };
    },
  };
}

class LazyLookupFunction implements LookupFunction {
  private inner?: LookupFunction;
  constructor(
    private readonly load: () => Promise<LookupFactory>,
    private readonly spec: ConnectorSpec,
    private readonly keyFields: readonly number[],
  ) {}
  async open(ctx: OperatorContext): Promise<void> {
    this.inner = (await this.load()).createLookup(this.spec, this.keyFields).function;
    await this.inner.open(ctx);
  }
  lookup(keys: readonly (readonly unknown[])[]) {
    return this.inner!.lookup(keys);
  }
  close() {
    return this.inner?.close();
  }
}
