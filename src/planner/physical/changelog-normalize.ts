import type { RowType } from '../../common/types.js';
import { type RowKindSet, rowKindSet } from './changelog.js';
import type { PhysicalNode, PhysicalTableSourceScan } from './nodes.js';

/**
 * Flink's StreamPhysicalChangelogNormalize: after a source that emits an upsert changelog
 * (upsert-kafka), the last row per primary key kept in keyed state turns upserts and key-only
 * deletes into a complete changelog — +I for a new key, -U old/+U new for a changed one (nothing
 * for an unchanged one), -D with the kept row for a delete, nothing for a delete of an absent key.
 * Its input is an Exchange hashing on the key.
 */
export interface PhysicalChangelogNormalize {
  readonly kind: 'ChangelogNormalize';
  readonly input: PhysicalNode;
  /** The primary key fields. */
  readonly keys: readonly number[];
  readonly generateUpdateBefore: boolean;
  readonly rowType: RowType;
  readonly changelogMode: RowKindSet;
}

export function changelogNormalizeChangelog(generateUpdateBefore: boolean): RowKindSet {
  return generateUpdateBefore ? rowKindSet('I', 'UB', 'UA', 'D') : rowKindSet('I', 'UA', 'D');
}

/**
 * A scan of an upsert source (its changelog has +U but no -U) gets an Exchange on its primary key
 * and a ChangelogNormalize, as Flink's planner adds them; other scans are returned as they are.
 */
export function normalizeUpsertSource(scan: PhysicalTableSourceScan): PhysicalNode {
  if (scan.connector.source?.changelogMode !== 'upsert') return scan;
  const names = scan.rowType.fields.map((f) => f.name);
  // The binder made sure upsert-kafka tables declare a primary key of physical columns.
  const keys = (scan.table.primaryKey?.columns ?? []).map((c) => names.indexOf(c));
  const exchange: PhysicalNode = {
    kind: 'Exchange',
    input: scan,
    distribution: { kind: 'hash', keys },
    rowType: scan.rowType,
    changelogMode: scan.changelogMode,
  };
  return {
    kind: 'ChangelogNormalize',
    input: exchange,
    keys,
    generateUpdateBefore: true,
    rowType: scan.rowType,
    changelogMode: changelogNormalizeChangelog(true),
  };
}
