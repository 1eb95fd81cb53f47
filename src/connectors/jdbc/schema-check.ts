import type pg from 'pg';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { formatType, type LogicalType } from '../../common/types.js';
import { databaseError, type JdbcTable } from './connection.js';

/**
 * The sink's check, when it opens, that the database table can take what the CREATE TABLE
 * declares: the table exists, every declared column exists, and each column's type is of a kind
 * the declared type can be written to. Without it a mismatch shows only when the first rows are
 * written — after a checkpoint or a buffer fills, as a data error — and a STRING written into an
 * integer column may even pass until the first value that is not a number.
 *
 * The check is by PostgreSQL's type category (pg_type.typcategory), not by exact type: a BIGINT
 * may go into an int4 or numeric column, as with Flink's JDBC connector; values that do not fit
 * fail when written (JDBC_INVALID_VALUE).
 */

/** typcategory letters a value of each Flink type root may be written into. */
function acceptedCategories(type: LogicalType): { categories: string; also?: readonly string[] } | undefined {
  switch (type.root) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'DECIMAL':
      return { categories: 'N' };
    case 'BOOLEAN':
      return { categories: 'B' };
    case 'CHAR':
    case 'VARCHAR':
      // Text, enums, network addresses, bit strings and user-defined types that read text (uuid,
      // json, jsonb, xml …); bytea is the one 'U' type that is not text.
      return { categories: 'SEIVU' };
    case 'DATE':
    case 'TIME':
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return { categories: 'D' };
    case 'INTERVAL_DAY_TIME':
    case 'INTERVAL_YEAR_MONTH':
      return { categories: 'T' };
    case 'BINARY':
    case 'VARBINARY':
      return { categories: '', also: ['bytea'] };
    case 'ARRAY':
    case 'MULTISET':
      return { categories: 'A' };
    default:
      return undefined;
  }
}

interface ColumnInfo {
  readonly attname: string;
  readonly typname: string;
  readonly typcategory: string;
  readonly shown: string;
}

export async function checkSinkTable(
  client: pg.Client,
  table: JdbcTable,
  spec: ConnectorSpec,
): Promise<void> {
  let columns: ColumnInfo[];
  try {
    const { rows } = await client.query<{ oid: string | null }>('SELECT to_regclass($1)::oid AS oid', [
      table.sqlName,
    ]);
    if (!rows[0]?.oid)
      throw Object.assign(new Error(`relation ${table.name} does not exist`), { code: '42P01' });
    columns = (
      await client.query<ColumnInfo>(
        `SELECT a.attname, t.typname, t.typcategory, format_type(a.atttypid, a.atttypmod) AS shown
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
          WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped`,
        [rows[0].oid],
      )
    ).rows;
  } catch (err) {
    throw databaseError(err, table, 'checking the table');
  }
  const byName = new Map(columns.map((c) => [c.attname, c]));
  const where = `${table.name} at ${table.target.display}`;
  for (const field of spec.schema.fields) {
    const column = byName.get(field.name);
    if (!column) {
      throw new WeirError('JDBC_COLUMN_NOT_FOUND', `Table ${where} has no column "${field.name}"`, {
        kind: 'user',
        hint: `The CREATE TABLE columns must have the names of the database columns (it has: ${columns
          .map((c) => c.attname)
          .join(', ')}).`,
      });
    }
    const accepted = acceptedCategories(field.type);
    if (!accepted) continue;
    if (accepted.also?.includes(column.typname)) continue;
    const bytea = column.typname === 'bytea';
    if (accepted.categories.includes(column.typcategory) && !bytea) continue;
    throw new WeirError(
      'JDBC_TYPE_MISMATCH',
      `Column "${field.name}" of ${where} is ${column.shown}, but the CREATE TABLE of ${spec.table} declares it ${formatType(field.type)}`,
      {
        kind: 'user',
        hint: 'Declare the column with a Flink type that matches the database column (see docs/jdbc.md, Types), or change the column in the database.',
      },
    );
  }
}
