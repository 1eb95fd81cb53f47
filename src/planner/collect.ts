import { WeirError } from '../common/errors.js';
import { type BinderContext, QueryBinder } from './binder/query.js';
import { type CatalogTable, DEFAULT_CATALOG, DEFAULT_DATABASE } from './catalog/catalog.js';
import type { LogicalSink } from './logical/nodes.js';
import type * as A from './parser/ast.js';
import type { ScriptSource } from './parser/index.js';

/**
 * A bare SELECT runs as a job whose sink is the client itself: a client that can show results
 * registers a connector under this name (Flink's collect sink behind its SQL client's result
 * view). Without it, a SELECT is rejected.
 */
export const COLLECT_CONNECTOR = 'collect';

/** The logical plan of `SELECT …` writing into the collect sink. */
export function bindSelect(
  query: A.Query,
  ctx: BinderContext,
  source: ScriptSource,
  pos: A.Pos,
): LogicalSink {
  const bound = new QueryBinder(ctx).bindQuery(query);
  const connector = ctx.connectors.get(COLLECT_CONNECTOR);
  if (!connector?.sink) {
    throw new WeirError('SQL_UNSUPPORTED', 'Running a SELECT without INSERT INTO is not supported yet', {
      position: { ...pos, length: 6 },
      hint: "write the result to a table, e.g. one with 'connector' = 'print', with INSERT INTO",
    });
  }
  const table: CatalogTable = {
    kind: 'table',
    identifier: { catalog: DEFAULT_CATALOG, database: DEFAULT_DATABASE, name: '$collect' },
    temporary: true,
    columns: bound.fields.map((f) => ({ name: f.name, type: f.type, kind: 'physical' as const, pos: f.pos })),
    schema: { fields: bound.fields.map((f) => ({ name: f.name, type: f.type })) },
    partitionKeys: [],
    options: { connector: COLLECT_CONNECTOR },
    // The synthetic table has no DDL of its own; errors about it point at the SELECT.
    ddl: { kind: 'CreateTable', pos, name: { pos } } as unknown as CatalogTable['ddl'],
    source,
  };
  return { kind: 'LogicalSink', input: bound.node, table, connector, rowType: bound.node.rowType };
}
