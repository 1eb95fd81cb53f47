import type pg from 'pg';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { LookupFactory, LookupFunction, LookupProvider } from '../../runtime/api/lookup.js';
import type { OperatorContext } from '../../runtime/api/operator.js';
import { connect, databaseError, describeTable, type JdbcTable } from './connection.js';
import { lookupCacheOptions } from './lookup-cache-options.js';
import { LOOKUP_MAX_RETRIES } from './options.js';
import { type FromText, fromText, type ToParam, toParam } from './values.js';

const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/** Keys per query: a single-column key goes as one array parameter, a composite one as 2 parameters per column. */
const KEYS_PER_QUERY = 1000;

/** The application_name of lookup sessions, so an operator can find them in pg_stat_activity. */
export const LOOKUP_APPLICATION_NAME = 'weir-lookup';

/**
 * SQLSTATE classes a retry cannot fix: the statement or the table is wrong (42), or the login (28).
 * Anything else — a dropped connection, a restart, a timeout — is retried on a new connection.
 */
const PERMANENT = /^(42|28|22)/;

/**
 * Flink's JdbcRowDataLookupFunction, batched: the rows of the table whose key columns equal one of
 * the given keys, with one parameterized query per up to 1000 keys — `WHERE k = ANY($1)` for a
 * one-column key, `WHERE (k1 = $1 AND k2 = $2) OR …` for a composite one — instead of a round
 * trip per key. A failed query is retried 'lookup.max-retries' times on a fresh connection after
 * 1 s × attempt (as Flink does); errors a retry cannot fix (a missing table or column) are not.
 */
export class JdbcLookupFunction implements LookupFunction {
  private table!: JdbcTable;
  private client?: pg.Client;
  private converters: readonly FromText[] = [];
  private keyParams: readonly ToParam[] = [];
  private maxRetries = 3;
  /** Queries sent, for tests and the benchmark. */
  queries = 0;

  constructor(
    private readonly spec: ConnectorSpec,
    private readonly keyFields: readonly number[],
  ) {}

  open(_ctx: OperatorContext): void {
    this.table = describeTable(this.spec);
    const fields = this.spec.schema.fields;
    this.converters = fields.map((f) => fromText(f.type, f.name));
    this.keyParams = this.keyFields.map((k) => toParam(fields[k].type, fields[k].name));
    this.maxRetries = this.table.options.require(LOOKUP_MAX_RETRIES);
  }

  async lookup(keys: readonly (readonly unknown[])[]): Promise<readonly (readonly unknown[][])[]> {
    const byKey = new Map<string, unknown[][]>();
    for (let start = 0; start < keys.length; start += KEYS_PER_QUERY) {
      const chunk = keys.slice(start, start + KEYS_PER_QUERY);
      const rows = await this.withRetries(() => this.query(chunk));
      for (const row of rows) {
        const s = keyText(this.keyFields.map((k) => row[k]));
        const list = byKey.get(s);
        if (list) list.push(row);
        else byKey.set(s, [row]);
      }
    }
    return keys.map((k) => byKey.get(keyText(k)) ?? []);
  }

  private async query(keys: readonly (readonly unknown[])[]): Promise<unknown[][]> {
    const columns = this.keyFields.map((k) => this.table.sqlColumns[k]);
    const params: unknown[] = [];
    let condition: string;
    if (columns.length === 1) {
      params.push(keys.map((k) => this.keyParams[0](k[0])));
      condition = `${columns[0]} = ANY($1)`;
    } else {
      condition = keys
        .map((k) => {
          const terms = columns.map((c, i) => {
            params.push(this.keyParams[i](k[i]));
            return `${c} = $${params.length}`;
          });
          return `(${terms.join(' AND ')})`;
        })
        .join(' OR ');
    }
    if (!this.client) {
      this.client = await connect(this.table);
      await this.client.query(`SET application_name = '${LOOKUP_APPLICATION_NAME}'`);
    }
    this.queries++;
    const result = await this.client.query<string[]>({
      text: `SELECT ${this.table.sqlColumns.join(', ')} FROM ${this.table.sqlName} WHERE ${condition}`,
      values: params,
      rowMode: 'array',
      types: RAW_TEXT,
    });
    const converters = this.converters;
    return result.rows.map((text) => text.map((t, c) => (t === null ? null : converters[c](t))));
  }

  private async withRetries<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        const code = (err as { code?: string }).code ?? '';
        const permanent = err instanceof WeirError || PERMANENT.test(code);
        if (permanent || attempt >= this.maxRetries) {
          throw databaseError(err, this.table, `looking up ${this.spec.table}`);
        }
        await this.client?.end().catch(() => {});
        this.client = undefined;
        await new Promise((resolve) => setTimeout(resolve, 1000 * (attempt + 1)));
      }
    }
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }
}

/** A key's identity when matching returned rows to requested keys. */
function keyText(values: readonly unknown[]): string {
  return values
    .map((v) =>
      typeof v === 'bigint'
        ? `${v}n`
        : v instanceof Uint8Array
          ? Buffer.from(v).toString('hex')
          : `${typeof v}:${String(v)}`,
    )
    .join('\u0000');
}

export const jdbcLookupFactory: LookupFactory = {
  createLookup(spec, keyFields): LookupProvider {
    const cache = lookupCacheOptions(spec);
    return { function: new JdbcLookupFunction(spec, keyFields), ...(cache ? { cache } : {}) };
  },
};
