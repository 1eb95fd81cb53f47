import type { JdbcTable } from './connection.js';

/** PostgreSQL's limit on bind parameters in one statement. */
const MAX_PARAMETERS = 65_535;

/**
 * The SQL a writer sends: multi-row statements whose values are all bind parameters, so no value
 * is ever part of the SQL text. `rows` statements of one shape share a text (and a server-side
 * prepared statement, when named).
 */
export interface StatementShape {
  /** Rows one statement can carry within the parameter limit. */
  readonly maxRows: number;
  sql(rows: number): string;
}

function placeholders(rows: number, width: number): string {
  const groups: string[] = new Array(rows);
  let n = 1;
  for (let r = 0; r < rows; r++) {
    const ps: string[] = new Array(width);
    for (let c = 0; c < width; c++) ps[c] = `$${n++}`;
    groups[r] = `(${ps.join(', ')})`;
  }
  return groups.join(', ');
}

/** `INSERT INTO t (a, b) VALUES ($1, $2), …`, with `ON CONFLICT (key) DO UPDATE` when keyed. */
export function insertShape(table: JdbcTable, key: readonly number[] | undefined): StatementShape {
  const columns = table.sqlColumns;
  let conflict = '';
  if (key && key.length > 0) {
    const keyColumns = key.map((k) => columns[k]).join(', ');
    const others = columns.filter((_, i) => !key.includes(i));
    conflict =
      others.length === 0
        ? ` ON CONFLICT (${keyColumns}) DO NOTHING`
        : ` ON CONFLICT (${keyColumns}) DO UPDATE SET ${others.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}`;
  }
  const head = `INSERT INTO ${table.sqlName} (${columns.join(', ')}) VALUES `;
  return {
    maxRows: Math.floor(MAX_PARAMETERS / columns.length),
    sql: (rows) => `${head}${placeholders(rows, columns.length)}${conflict}`,
  };
}

/** `DELETE FROM t WHERE (k1, k2) IN (($1, $2), …)`: a delete carries only the key. */
export function deleteShape(table: JdbcTable, key: readonly number[]): StatementShape {
  const keyColumns = key.map((k) => table.sqlColumns[k]);
  const target = keyColumns.length === 1 ? keyColumns[0] : `(${keyColumns.join(', ')})`;
  const head = `DELETE FROM ${table.sqlName} WHERE ${target} IN (`;
  return {
    maxRows: Math.floor(MAX_PARAMETERS / key.length),
    sql: (rows) =>
      keyColumns.length === 1
        ? `${head}${Array.from({ length: rows }, (_, i) => `$${i + 1}`).join(', ')})`
        : `${head}${placeholders(rows, key.length)})`,
  };
}
