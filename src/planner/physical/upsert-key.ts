import type { PhysicalNode } from './nodes.js';

/**
 * The key a versioned table's rows are unique by (Flink's upsert key): a source's primary key, a
 * ChangelogNormalize's or a keep-last-row Deduplicate's key, a GroupAggregate's grouping, carried
 * through Calcs that keep those columns.
 */
export function upsertKeyOf(node: PhysicalNode): readonly number[] | undefined {
  switch (node.kind) {
    case 'TableSourceScan': {
      const pk = node.table.primaryKey?.columns;
      if (!pk) return undefined;
      const indexes = pk.map((c) => node.rowType.fields.findIndex((f) => f.name === c));
      return indexes.every((i) => i >= 0) ? indexes : undefined;
    }
    case 'ChangelogNormalize':
      return node.keys;
    case 'Deduplicate':
      return node.keepLastRow ? node.keys : undefined;
    case 'Rank':
      return node.rankEnd === 1 && !node.outputRankNumber ? node.partitionKeys : undefined;
    case 'GroupAggregate':
      return node.grouping.length > 0 ? node.grouping.map((_, i) => i) : undefined;
    case 'GlobalGroupAggregate':
      return node.local.grouping.length > 0 ? node.local.grouping.map((_, i) => i) : undefined;
    case 'Exchange':
    case 'WatermarkAssigner':
    case 'MiniBatchAssigner':
      return upsertKeyOf(node.input);
    case 'Calc': {
      const below = upsertKeyOf(node.input);
      if (!below) return undefined;
      const mapped = below.map((k) => node.projection.findIndex((e) => e.kind === 'input' && e.index === k));
      return mapped.every((i) => i >= 0) ? mapped : undefined;
    }
    default:
      return undefined;
  }
}
