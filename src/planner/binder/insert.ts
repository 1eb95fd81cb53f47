import { didYouMean, WeirError } from '../../common/errors.js';
import { type Expr, inputRef, literal } from '../../common/expr.js';
import { type LogicalType, MAX_LENGTH, withNullability } from '../../common/types.js';
import { type CatalogColumn, identifierText } from '../catalog/catalog.js';
import { type LogicalSink, logicalProject } from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { convert } from './coerce.js';
import { typeText, unsupported, validationError } from './errors.js';
import { type BinderContext, connectorOf, QueryBinder, uniquify } from './query.js';
import { isCharacter, supportsExplicitCast, supportsImplicitCast } from './types.js';

/**
 * Any value with a cast to STRING may be written to a STRING sink column, as PostgreSQL's
 * assignment casts allow. Flink refuses it (its INSERT allows implicit casts only), which is one
 * of the reasons it cannot run Nexmark q6 (a BIGINT seller into `seller VARCHAR`); the cast to
 * STRING loses nothing, so weir accepts it. A shorter VARCHAR(n) target still needs a CAST.
 */
function assignableToString(from: LogicalType, to: LogicalType): boolean {
  return (
    isCharacter(to) && to.root === 'VARCHAR' && to.length === MAX_LENGTH && supportsExplicitCast(from, to)
  );
}

/**
 * INSERT INTO to a logical sink: the query's columns are matched to the sink's by position (or by
 * the column list), implicitly cast where Flink would, and unlisted nullable columns get NULL.
 */
export function bindInsert(insert: A.Insert, ctx: BinderContext): LogicalSink {
  if (insert.overwrite)
    throw new WeirError('SQL_UNSUPPORTED', 'INSERT OVERWRITE is not supported in streaming mode', {
      position: { ...insert.pos, length: 16 },
      hint: 'use INSERT INTO',
    });
  const object = ctx.catalog.lookup(insert.table);
  if (object.kind !== 'table')
    throw validationError(
      `'${identifierText(object.identifier)}' is a view; INSERT INTO needs a table`,
      insert.table.pos,
    );
  const table = object;
  const connector = connectorOf(table, ctx);
  if (!connector.sink) {
    throw validationError(
      `Connector '${connector.identifier}' can only be used as a source. It cannot be used as a sink.`,
      insert.table.pos,
    );
  }
  const persisted = table.columns.filter(
    (c) => c.kind === 'physical' || (c.kind === 'metadata' && !c.virtual),
  );
  const metadata = persisted.find((c) => c.kind === 'metadata');
  if (metadata) throw unsupported(`Writing metadata column '${metadata.name}'`, insert.table.pos);

  let targets: readonly CatalogColumn[] = persisted;
  if (insert.columns) {
    const chosen: CatalogColumn[] = [];
    for (const c of insert.columns) {
      const column = persisted.find((p) => p.name === c.value);
      if (!column) {
        const guess = didYouMean(
          c.value,
          persisted.map((p) => p.name),
        );
        throw validationError(
          `Unknown target column '${c.value}'`,
          c.pos,
          guess
            ? `did you mean '${guess}'?`
            : `columns of the sink: ${persisted.map((p) => p.name).join(', ')}`,
        );
      }
      if (chosen.includes(column))
        throw validationError(`Target column '${c.value}' is assigned more than once`, c.pos);
      chosen.push(column);
    }
    targets = chosen;
  }

  const query = new QueryBinder(ctx).bindQuery(insert.query);
  const sinkName = identifierText(table.identifier);
  const schemaText = (cols: readonly { name: string; type: A.DataType['type'] }[]) =>
    `[${cols.map((c) => `${c.name}: ${typeText(c.type)}`).join(', ')}]`;
  if (query.fields.length !== targets.length) {
    throw validationError(
      `Column types of query result and sink for '${sinkName}' do not match: the query produces ${query.fields.length} column${query.fields.length === 1 ? '' : 's'}, the sink takes ${targets.length}`,
      insert.query.pos,
      `query schema: ${schemaText(query.fields)}; sink schema: ${schemaText(targets)}`,
    );
  }

  const byTarget = new Map<CatalogColumn, Expr>();
  query.fields.forEach((field, i) => {
    const target = targets[i];
    if (!supportsImplicitCast(field.type, target.type) && !assignableToString(field.type, target.type)) {
      throw validationError(
        `Incompatible types for sink column '${target.name}' at position ${i}: the query produces ${typeText(field.type)}, the sink takes ${typeText(target.type)}`,
        field.pos,
        `CAST it to ${typeText(target.type)} if the conversion is intended`,
      );
    }
    byTarget.set(target, convert(inputRef(i, field.type), withNullability(target.type, field.type.nullable)));
  });
  const exprs = persisted.map((column) => {
    const e = byTarget.get(column);
    if (e) return e;
    if (!column.type.nullable) {
      throw validationError(
        `Column '${column.name}' has no default value and does not allow NULLs`,
        insert.columns?.[0]?.pos ?? insert.table.pos,
        `list '${column.name}' among the target columns`,
      );
    }
    return literal(null, column.type);
  });
  const names = persisted.map((c, i) => {
    const index = query.fields.findIndex((_, j) => targets[j] === c);
    return index >= 0 ? query.fields[index].name : `EXPR$${i}`;
  });
  const identity = !insert.columns && exprs.every((e, i) => e.kind === 'input' && e.index === i);
  const input = identity ? query.node : logicalProject(query.node, exprs, uniquify(names));
  return { kind: 'LogicalSink', input, table, connector, rowType: input.rowType };
}
