import type { LookupFactory } from './lookup.js';
import type { SinkFactory } from './sink.js';
import type { SourceFactory } from './source.js';

/** The runtime half of a connector; the CLI registers them, the runtime never imports a connector. */
export interface RuntimeConnector {
  readonly identifier: string;
  readonly source?: SourceFactory;
  readonly sink?: SinkFactory;
  /** Lookups by key for lookup joins (the descriptor says `lookup: true`). */
  readonly lookup?: LookupFactory;
}

export type RuntimeConnectorRegistry = ReadonlyMap<string, RuntimeConnector>;
