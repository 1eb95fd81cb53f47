import type { SqlSession } from '../planner/index.js';

/**
 * Tab completion for the SQL client: the word under the cursor is completed from Flink SQL's
 * keywords (upper case), the session's tables and views, and their columns.
 */
export function sqlCompleter(session: SqlSession, keywords: Iterable<string>) {
  const words = [...keywords];
  return (line: string): [string[], string] => {
    const match = /[A-Za-z_][A-Za-z0-9_]*$/.exec(line);
    const prefix = match ? match[0] : '';
    if (prefix === '') return [[], ''];
    const lower = prefix.toLowerCase();
    const names = new Set<string>();
    const catalog = session.catalog;
    for (const name of catalog.names()) {
      names.add(name);
      const object = catalog.get({
        catalog: catalog.currentCatalog,
        database: catalog.currentDatabase,
        name,
      });
      if (object?.kind === 'table') for (const f of object.schema.fields) names.add(f.name);
    }
    const hits = [
      ...words
        .filter((k) => k.toLowerCase().startsWith(lower))
        .map((k) => (prefix === prefix.toLowerCase() ? k.toLowerCase() : k)),
      ...[...names].filter((n) => n.toLowerCase().startsWith(lower)),
    ];
    return [[...new Set(hits)].sort(), prefix];
  };
}
