import type { CatalogObject } from '../catalog/catalog.js';
import { identifierText } from '../catalog/catalog.js';
import type * as A from '../parser/ast.js';
import { validationError } from './errors.js';

type Feature = Exclude<A.LikeFeature, 'ALL'>;
type Strategy = A.LikeOption['strategy'];

const FEATURES: readonly Feature[] = [
  'CONSTRAINTS',
  'PARTITIONS',
  'GENERATED',
  'OPTIONS',
  'WATERMARKS',
  'METADATA',
];

/** Flink's default: INCLUDING ALL OVERWRITING OPTIONS. */
function strategies(options: readonly A.LikeOption[]): Map<Feature, Strategy> {
  const result = new Map<Feature, Strategy>(
    FEATURES.map((f) => [f, f === 'OPTIONS' ? 'OVERWRITING' : 'INCLUDING']),
  );
  for (const o of options) {
    if (o.feature === 'ALL') {
      // Constraints and partitions cannot be overwritten, only included or excluded.
      for (const f of FEATURES)
        result.set(
          f,
          o.strategy === 'OVERWRITING' && (f === 'CONSTRAINTS' || f === 'PARTITIONS')
            ? 'INCLUDING'
            : o.strategy,
        );
      continue;
    }
    if (o.strategy === 'OVERWRITING' && (o.feature === 'CONSTRAINTS' || o.feature === 'PARTITIONS'))
      throw validationError(`Illegal merging strategy 'OVERWRITING' for '${o.feature}' option`, o.pos);
    result.set(o.feature, o.strategy);
  }
  return result;
}

const featureOf = (c: A.ColumnDef): Feature | undefined =>
  c.kind === 'ComputedColumn' ? 'GENERATED' : c.kind === 'MetadataColumn' ? 'METADATA' : undefined;

/**
 * `CREATE TABLE t (…) WITH (…) LIKE source (like options)` as one table definition, merged the way
 * Flink's MergeTableLikeUtil merges: the source's physical columns always come first, its computed
 * and metadata columns, watermark, primary key, partitions and options as the like options say
 * (INCLUDING fails on a duplicate, OVERWRITING lets the new definition win, EXCLUDING drops the
 * source's); then the new table's own columns.
 */
export function mergeTableLike(ddl: A.CreateTable, source: CatalogObject): A.CreateTable {
  const like = ddl.like!;
  if (source.kind !== 'table')
    throw validationError(
      `Source table '${identifierText(source.identifier)}' of the LIKE clause can not be a VIEW`,
      like.source.pos,
    );
  const base = source.ddl;
  const how = strategies(like.options);

  const derivedByName = new Map(ddl.columns.map((c) => [c.name.value, c]));
  const columns: A.ColumnDef[] = [];
  for (const c of base.columns) {
    const feature = featureOf(c);
    const strategy = feature ? how.get(feature) : 'INCLUDING';
    if (strategy === 'EXCLUDING') continue;
    const derived = derivedByName.get(c.name.value);
    if (!derived) {
      columns.push(c);
      continue;
    }
    if (feature && strategy === 'OVERWRITING' && featureOf(derived) === feature) continue; // the new one wins
    throw validationError(
      `A column named '${c.name.value}' already exists in the base table.${feature ? ` You might want to specify OVERWRITING ${feature}.` : ''}`,
      derived.name.pos,
    );
  }
  columns.push(...ddl.columns);

  let watermark = ddl.watermark;
  if (base.watermark && how.get('WATERMARKS') !== 'EXCLUDING') {
    if (!watermark) watermark = base.watermark;
    else if (how.get('WATERMARKS') === 'INCLUDING')
      throw validationError(
        `There already exists a watermark spec for column '${base.watermark.column.value}' in the base table. You might want to specify EXCLUDING WATERMARKS or OVERWRITING WATERMARKS.`,
        watermark.pos,
      );
  }

  let primaryKey = ddl.primaryKey;
  if (base.primaryKey && how.get('CONSTRAINTS') === 'INCLUDING') {
    if (primaryKey)
      throw validationError(
        'The base table already has a primary key. You might want to specify EXCLUDING CONSTRAINTS.',
        primaryKey.pos,
      );
    primaryKey = base.primaryKey;
  }

  let partitionedBy = ddl.partitionedBy;
  if (base.partitionedBy.length > 0 && how.get('PARTITIONS') === 'INCLUDING') {
    if (partitionedBy.length > 0)
      throw validationError(
        'The base table has already defined partitions. You might want to specify EXCLUDING PARTITIONS.',
        partitionedBy[0].pos,
      );
    partitionedBy = base.partitionedBy;
  }

  const options: A.TableOption[] = [];
  if (how.get('OPTIONS') !== 'EXCLUDING') {
    const derivedKeys = new Map(ddl.options.map((o) => [o.key, o]));
    for (const o of base.options) {
      const derived = derivedKeys.get(o.key);
      if (!derived) options.push(o);
      else if (how.get('OPTIONS') === 'INCLUDING')
        throw validationError(
          `There already exists an option ['${o.key}' -> '${o.value}'] in the base table. You might want to specify EXCLUDING OPTIONS or OVERWRITING OPTIONS.`,
          derived.keyPos,
        );
    }
  }
  options.push(...ddl.options);

  const { like: _like, ...rest } = ddl;
  return { ...rest, columns, watermark, primaryKey, partitionedBy, options };
}
