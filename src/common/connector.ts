import type { ConfigOption } from './config.js';
import type { ChangelogMode } from './jobgraph.js';

/**
 * What the planner needs to know about a connector, without importing it: its identifier, the
 * options it takes (to validate CREATE TABLE), and what it can be used as. Each connector folder
 * exports one of these; the CLI hands the list to the planner.
 */
export interface ConnectorDescriptor {
  /** The value of the 'connector' option. */
  readonly identifier: string;
  readonly requiredOptions: readonly ConfigOption<unknown>[];
  readonly optionalOptions: readonly ConfigOption<unknown>[];
  /**
   * Option key prefixes handled by the connector itself (e.g. 'fields.' for datagen,
   * 'properties.' for kafka): keys under them are passed through unvalidated by the planner.
   */
  readonly optionPrefixes?: readonly string[];
  readonly source?: { readonly changelogMode: ChangelogMode; readonly bounded?: boolean };
  readonly sink?: { readonly acceptedChangelogModes: readonly ChangelogMode[] };
  /**
   * The table can be looked up by key (Flink's LookupTableSource), so `JOIN t FOR SYSTEM_TIME AS
   * OF x.proc_time` plans as a LookupJoin; the runtime half provides the lookup.
   */
  readonly lookup?: boolean;
  /**
   * Flink's legacy descriptor form, `'connector.type' = '<legacyType>'` (removed in Flink 1.14),
   * is planned with this connector; its options are then the legacy keys.
   */
  readonly legacyType?: string;
}
