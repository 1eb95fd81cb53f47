import type { LookupFactory } from './lookup.js';
import type { SinkFactory } from './sink.js';
import type { SourceFactory } from './source.js';

/** The runtime half of a connector; the CLI registers them, the runtime never imports a connector. */
export interface RuntimeConnector {
  readonly identifier: string;
  readonly source?: SourceFactory;
  readonly sink?: SinkFactory;
  /**
   * The connector's readers and writers may be created in a worker thread, from the job's worker
   * connectors module (they share nothing with objects of this thread). Chains that use a
   * connector without it run on the main thread: the `collect` sink hands rows to a result view
   * here, a test's connector may write into the test's own objects.
   */
  readonly runsInWorkers?: boolean;
  /** Lookups by key for lookup joins (the descriptor says `lookup: true`). */
  readonly lookup?: LookupFactory;
}

export type RuntimeConnectorRegistry = ReadonlyMap<string, RuntimeConnector>;

/**
 * How a worker thread gets its connectors: connector factories are code, not data, so a worker
 * imports a module and calls one of its exports, which returns the connectors (RuntimeConnector
 * objects) it may create. Chains whose connectors that module does not provide run on the main thread.
 */
export interface WorkerConnectorsSpec {
  /** A module URL (file:…) or an absolute path. */
  readonly module: string;
  /** The export to call; 'default' when absent. */
  readonly exportName?: string;
  /** Handed to the export (structured-cloneable data). */
  readonly args?: unknown;
}
