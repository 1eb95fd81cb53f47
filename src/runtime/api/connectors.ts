import type { SinkFactory } from './sink.js';
import type { SourceFactory } from './source.js';

/** The runtime half of a connector; the CLI registers them, the runtime never imports a connector. */
export interface RuntimeConnector {
  readonly identifier: string;
  readonly source?: SourceFactory;
  readonly sink?: SinkFactory;
  /**
   * The connector hands rows to something in this process (the `collect` sink's result view), so
   * chains that use it run on the main thread, not in a worker thread.
   */
  readonly runsOnMainThread?: boolean;
}

export type RuntimeConnectorRegistry = ReadonlyMap<string, RuntimeConnector>;
