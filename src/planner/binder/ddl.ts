import type { ConnectorDescriptor } from '../../common/connector.js';
import { didYouMean } from '../../common/errors.js';
import type { LogicalType, RowField } from '../../common/types.js';
import { withNullability } from '../../common/types.js';
import type {
  CatalogColumn,
  CatalogTable,
  ObjectIdentifier,
  PrimaryKey,
  WatermarkSpec,
} from '../catalog/catalog.js';
import type * as A from '../parser/ast.js';
import type { ScriptSource } from '../parser/script.js';
import { typeText, validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import { validateConnectorOptions } from './options.js';
import { type Field, Scope } from './scope.js';
import { isTimestamp, sameTypeIgnoringNullability } from './types.js';
import { validateUpsertKafkaTable } from './upsert-kafka.js';

/**
 * CREATE TABLE to a catalog table, validated as Flink validates a schema: unique column names,
 * computed columns typed over the physical and metadata columns, the watermark on a top-level
 * TIMESTAMP(p ≤ 3) / TIMESTAMP_LTZ(p ≤ 3) column, key columns physical (and then NOT NULL), and the
 * connector's options.
 */
export function bindCreateTable(
  ddl: A.CreateTable,
  identifier: ObjectIdentifier,
  connectors: ReadonlyMap<string, ConnectorDescriptor>,
  source: ScriptSource,
): CatalogTable {
  const seen = new Map<string, A.ColumnDef>();
  for (const c of ddl.columns) {
    if (seen.has(c.name.value))
      throw validationError(`A column named '${c.name.value}' already exists in the table`, c.name.pos);
    seen.set(c.name.value, c);
  }

  const primaryKey = bindPrimaryKey(ddl, seen);
  const keyColumns = new Set(primaryKey?.columns ?? []);
  const typeOf = (t: LogicalType, name: string) => (keyColumns.has(name) ? withNullability(t, false) : t);

  // Computed columns may refer to physical and metadata columns, not to other computed columns.
  const baseFields: Field[] = ddl.columns.flatMap((c) =>
    c.kind === 'ComputedColumn' ? [] : [{ name: c.name.value, type: typeOf(c.type.type, c.name.value) }],
  );
  const baseBinder = new ExprBinder(new Scope(baseFields));
  const columns: CatalogColumn[] = ddl.columns.map((c): CatalogColumn => {
    switch (c.kind) {
      case 'PhysicalColumn':
        return {
          name: c.name.value,
          type: typeOf(c.type.type, c.name.value),
          kind: 'physical',
          comment: c.comment,
          pos: c.pos,
        };
      case 'MetadataColumn':
        return {
          name: c.name.value,
          type: c.type.type,
          kind: 'metadata',
          metadataKey: c.key ?? c.name.value,
          virtual: c.virtual,
          comment: c.comment,
          pos: c.pos,
        };
      case 'ComputedColumn': {
        const e = baseBinder.bind(c.expr);
        return {
          name: c.name.value,
          type: e.type,
          kind: 'computed',
          expr: c.expr,
          comment: c.comment,
          pos: c.pos,
        };
      }
      default: {
        const never: never = c;
        return never;
      }
    }
  });

  const watermark = bindWatermark(ddl, columns);
  const fields: RowField[] = columns.map((c) => {
    const type =
      watermark && c.name === watermark.column ? { ...c.type, timeAttribute: 'ROWTIME' as const } : c.type;
    return c.comment === undefined ? { name: c.name, type } : { name: c.name, type, description: c.comment };
  });

  for (const p of ddl.partitionedBy) {
    if (!seen.has(p.value)) {
      throw validationError(
        `Partition column '${p.value}' not defined in the table schema`,
        p.pos,
        `available columns: ${[...seen.keys()].join(', ')}`,
      );
    }
  }

  validateConnectorOptions(ddl, connectors);
  validateUpsertKafkaTable(ddl, primaryKey);
  return {
    kind: 'table',
    identifier,
    temporary: ddl.temporary,
    columns,
    schema: { fields },
    primaryKey,
    watermark,
    partitionKeys: ddl.partitionedBy.map((p) => p.value),
    options: Object.fromEntries(ddl.options.map((o) => [o.key, o.value])),
    comment: ddl.comment,
    ddl,
    source,
  };
}

function bindPrimaryKey(
  ddl: A.CreateTable,
  columns: ReadonlyMap<string, A.ColumnDef>,
): PrimaryKey | undefined {
  if (!ddl.primaryKey) return undefined;
  const names: string[] = [];
  for (const c of ddl.primaryKey.columns) {
    const def = columns.get(c.value);
    if (!def) {
      const guess = didYouMean(c.value, columns.keys());
      throw validationError(
        `Column '${c.value}' of the PRIMARY KEY does not exist in the table`,
        c.pos,
        guess ? `did you mean '${guess}'?` : undefined,
      );
    }
    if (def.kind !== 'PhysicalColumn')
      throw validationError(
        `Could not create a PRIMARY KEY with column '${c.value}': it is not a physical column`,
        c.pos,
        'a primary key can only contain physical columns',
      );
    if (names.includes(c.value))
      throw validationError(`Column '${c.value}' appears twice in the PRIMARY KEY`, c.pos);
    names.push(c.value);
  }
  return { name: ddl.primaryKey.constraintName?.value ?? `PK_${names.join('_')}`, columns: names };
}

function bindWatermark(ddl: A.CreateTable, columns: readonly CatalogColumn[]): WatermarkSpec | undefined {
  const w = ddl.watermark;
  if (!w) return undefined;
  const column = columns.find((c) => c.name === w.column.value);
  if (!column) {
    const guess = didYouMean(
      w.column.value,
      columns.map((c) => c.name),
    );
    throw validationError(
      `The rowtime attribute field '${w.column.value}' is not defined in the table schema`,
      w.column.pos,
      guess ? `did you mean '${guess}'?` : undefined,
    );
  }
  if (!isTimestamp(column.type) || (column.type.precision ?? 6) > 3) {
    throw validationError(
      `Invalid data type of time field for watermark definition: '${column.name}' is ${typeText(column.type)}`,
      w.column.pos,
      'the field must be of type TIMESTAMP(p) or TIMESTAMP_LTZ(p), with precision p from 0 to 3',
    );
  }
  const all = new Scope(columns.map((c) => ({ name: c.name, type: c.type })));
  const e = new ExprBinder(all).bind(w.expr);
  if (
    !isTimestamp(e.type) ||
    !sameTypeIgnoringNullability({ ...e.type, precision: 0 }, { ...column.type, precision: 0 })
  ) {
    throw validationError(
      `Invalid data type of expression for watermark definition: ${typeText(e.type)}`,
      w.expr.pos,
      `the watermark expression must return ${column.type.root === 'TIMESTAMP' ? 'TIMESTAMP(p)' : 'TIMESTAMP_LTZ(p)'} like the rowtime column '${column.name}'`,
    );
  }
  return { column: column.name, expr: w.expr, pos: w.pos };
}
