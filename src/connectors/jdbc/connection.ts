import pg from 'pg';
import { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { CONNECTION_MAX_RETRY_TIMEOUT, PASSWORD, TABLE_NAME, URL, USERNAME } from './options.js';
import { type ConnectionTarget, parseJdbcUrl } from './url.js';

/** What both the source and the sink know about their table, read once from the WITH options. */
export interface JdbcTable {
  readonly options: Configuration;
  readonly target: ConnectionTarget;
  /** The table name as written in 'table-name', for messages. */
  readonly name: string;
  /** The table name quoted for SQL, each dotted part with escapeIdentifier. */
  readonly sqlName: string;
  /** Quoted column names, in the ConnectorSpec's order. */
  readonly sqlColumns: readonly string[];
}

/** Splits 'schema.table' (parts may be double-quoted) and quotes each part as an identifier. */
export function quoteTableName(name: string): string {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"]|"")*)"|([^."]+))\s*(?:\.|$)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while (end < name.length && (m = re.exec(name)) !== null) {
    parts.push(m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].trim());
    end = re.lastIndex;
  }
  if (parts.length === 0 || end < name.length) {
    throw new WeirError('JDBC_INVALID_TABLE_NAME', `'table-name' = '${name}' is not a table name`, {
      hint: "Write 'orders', 'sales.orders' or '\"Mixed Case\"'.",
    });
  }
  return parts.map((p) => pg.escapeIdentifier(p)).join('.');
}

export function describeTable(spec: ConnectorSpec): JdbcTable {
  const options = new Configuration(Object.entries(spec.options));
  const name = options.require(TABLE_NAME);
  const target = parseJdbcUrl(options.require(URL), options.get(USERNAME), options.get(PASSWORD));
  return {
    options,
    target,
    name,
    sqlName: quoteTableName(name),
    sqlColumns: spec.schema.fields.map((f) => pg.escapeIdentifier(f.name)),
  };
}

interface PgError {
  readonly code?: string;
  readonly message?: string;
}

/** Connection failures worth waiting out: the server is starting, restarting or overloaded. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', '57P03', '53300']);

/**
 * Turns a database error into a WeirError that says what to do. pg's messages never contain the
 * password; the target is named by host, port and database only.
 *
 * Errors that a restart cannot get past — a login refused, a database, host, table or column that
 * does not exist, a value the column cannot take — are of kind 'user': the job fails at once with
 * the message instead of restarting forever under the default restart strategy. Connection losses
 * and refusals stay 'external': a database that restarts comes back, and the job with it.
 */
export function databaseError(err: unknown, table: JdbcTable, doing: string): WeirError {
  if (err instanceof WeirError) return err;
  const e = (err ?? {}) as PgError;
  const where = `${table.name} at ${table.target.display}`;
  const detail = e.message ?? String(err);
  const fail = (code: string, message: string, hint: string, kind: 'user' | 'external' = 'user') =>
    new WeirError(code, message, { kind, hint, cause: err });
  switch (e.code) {
    case '28P01':
    case '28000':
      return fail(
        'JDBC_AUTHENTICATION_FAILED',
        `Could not log in to ${table.target.display}: ${detail}`,
        "Check 'username' and 'password', and the server's pg_hba.conf.",
      );
    case '3D000':
      return fail(
        'JDBC_CONNECTION_FAILED',
        `Could not connect to ${table.target.display}: ${detail}`,
        "Check the database name in 'url'.",
      );
    case '42P01':
      return fail(
        'JDBC_TABLE_NOT_FOUND',
        `Table ${where} does not exist (${doing})`,
        "Create the table first, or fix 'table-name' (a schema goes in front: 'sales.orders').",
      );
    case '42703':
      return fail(
        'JDBC_COLUMN_NOT_FOUND',
        `${detail} in ${where} (${doing})`,
        'The CREATE TABLE columns must have the names of the database columns.',
      );
    case '42P10':
      return fail(
        'JDBC_NO_UNIQUE_KEY',
        `${detail} in ${where} (${doing})`,
        'The PRIMARY KEY of the Flink table must be a primary key or unique index of the database table.',
      );
    case '55000':
      if (/prepared transactions are disabled/i.test(detail)) return preparedTransactionsDisabled(table);
      break;
    case 'ENOTFOUND':
      return fail(
        'JDBC_CONNECTION_FAILED',
        `Could not connect to ${table.target.display}: ${detail}`,
        "Check the host name in 'url'.",
      );
    case 'ECONNREFUSED':
    case 'EAI_AGAIN':
    case 'ETIMEDOUT':
      return fail(
        'JDBC_CONNECTION_FAILED',
        `Could not connect to ${table.target.display}: ${detail}`,
        "Check the host and port in 'url' and that PostgreSQL is running and reachable.",
        'external',
      );
    default:
      break;
  }
  // SQLSTATE class 22: a value the column cannot take (not a number, too large, too long …).
  if (e.code?.startsWith('22')) {
    return fail(
      'JDBC_INVALID_VALUE',
      `${doing} on ${where} failed: ${detail} (SQLSTATE ${e.code})`,
      'A value does not fit its database column: check that the CREATE TABLE types match the columns (docs/jdbc.md, Types).',
    );
  }
  // Class 23: NOT NULL, unique, foreign key and check constraints.
  if (e.code?.startsWith('23')) {
    return fail(
      'JDBC_CONSTRAINT_VIOLATION',
      `${doing} on ${where} failed: ${detail} (SQLSTATE ${e.code})`,
      'A row breaks a constraint of the database table; with a primary key in the database, declare it as PRIMARY KEY (…) NOT ENFORCED to upsert.',
    );
  }
  return fail(
    'JDBC_ERROR',
    `${doing} on ${where} failed: ${detail}${e.code ? ` (SQLSTATE ${e.code})` : ''}`,
    'See the database server log for details.',
    'external',
  );
}

export function preparedTransactionsDisabled(table: JdbcTable): WeirError {
  return new WeirError(
    'JDBC_PREPARED_TRANSACTIONS_DISABLED',
    `'sink.delivery-guarantee' = 'exactly-once' needs prepared transactions, but ${table.target.display} has max_prepared_transactions = 0`,
    {
      kind: 'external',
      hint: "Set max_prepared_transactions in postgresql.conf to at least the sink's parallelism times 2 (e.g. 'ALTER SYSTEM SET max_prepared_transactions = 64' and restart PostgreSQL), or use 'sink.delivery-guarantee' = 'at-least-once'.",
    },
  );
}

/**
 * Opens a session in weir's text conventions (UTC, ISO dates, hex bytea, ISO 8601 intervals),
 * retrying while the server cannot be reached until 'connection.max-retry-timeout' — or trying
 * once, with `once`, where a failure is better handed to the restart strategy at once.
 */
export async function connect(table: JdbcTable, { once = false } = {}): Promise<pg.Client> {
  const deadline = Date.now() + (once ? 0 : table.options.require(CONNECTION_MAX_RETRY_TIMEOUT));
  for (let attempt = 1; ; attempt++) {
    const client = new pg.Client({
      ...table.target.config,
      options: `${table.target.config.options ?? ''} -c DateStyle=ISO -c IntervalStyle=iso_8601 -c bytea_output=hex -c extra_float_digits=1`,
    });
    // An idle session the server drops must not crash the process; the next query reports it.
    client.on('error', () => {});
    try {
      await client.connect();
      return client;
    } catch (err) {
      await client.end().catch(() => {});
      const code = (err as PgError).code;
      if (!code || !TRANSIENT.has(code) || Date.now() + 200 * attempt > deadline) {
        throw databaseError(err, table, 'connecting');
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(200 * attempt, 2000)));
    }
  }
}
