import type { SinkFactory } from './sink.js';
import type { SourceFactory } from './source.js';

/** The runtime half of a connector; the CLI registers them, the runtime never imports a connector. */
export interface RuntimeConnector {
  readonly identifier: string;
  readonly source?: SourceFactory;
  readonly sink?: SinkFactory;
}

export type RuntimeConnectorRegistry = ReadonlyMap<string, RuntimeConnector>;
