import type pg from 'pg';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { RowKind } from '../../common/types.js';
import { type RecordBatch, rowKindAt } from '../../runtime/api/batch.js';
import type { JdbcTable } from './connection.js';
import { deleteShape, insertShape, type StatementShape } from './statements.js';
import { type ToParam, toParam } from './values.js';

export interface Statement {
  /** Set for full-size statements, which the server parses once per session. */
  readonly name?: string;
  readonly text: string;
  readonly values: unknown[];
}

/** Key fields as a string, so that one key is one Map entry whatever its types. */
function keyString(row: readonly unknown[], key: readonly number[]): string {
  let s = '';
  for (const k of key) {
    const v = row[k];
    s += `${typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : JSON.stringify(v)}\u0000`;
  }
  return s;
}

/** Resolves the PRIMARY KEY column names of a ConnectorSpec to field indexes. */
export function primaryKeyIndexes(spec: ConnectorSpec): number[] | undefined {
  if (!spec.primaryKey || spec.primaryKey.length === 0) return undefined;
  return spec.primaryKey.map((name) => {
    const i = spec.schema.fields.findIndex((f) => f.name === name);
    if (i < 0) {
      throw new WeirError(
        'JDBC_INVALID_PRIMARY_KEY',
        `Primary key column '${name}' of ${spec.table} is not a physical column`,
      );
    }
    return i;
  });
}

/**
 * Rows waiting to be written. Without a key it is a list of inserts. With a key it keeps only the
 * latest change per key, as Flink's upsert JDBC writer (TableBufferReducedStatementExecutor) does:
 * +I/+U become an upsert, -D a delete by key, -U is dropped (its +U follows). One statement then
 * never touches a key twice, which `ON CONFLICT DO UPDATE` would reject.
 */
export class WriteBuffer {
  private inserts: unknown[][] = [];
  private readonly byKey = new Map<string, { row: unknown[]; deleted: boolean }>();
  private readonly params: readonly ToParam[];
  private readonly insert: StatementShape;
  private readonly delete?: StatementShape;

  constructor(
    private readonly spec: ConnectorSpec,
    table: JdbcTable,
    private readonly key: readonly number[] | undefined,
    /** Rows per statement (bounded by the parameter limit). */
    private readonly chunk: number,
  ) {
    this.params = spec.schema.fields.map((f) => toParam(f.type, f.name));
    this.insert = insertShape(table, key);
    if (key) this.delete = deleteShape(table, key);
  }

  get size(): number {
    return this.key ? this.byKey.size : this.inserts.length;
  }

  /** Whether rows are upserted and deleted by a primary key (rather than appended). */
  get keyed(): boolean {
    return this.key !== undefined;
  }

  /** The latest change per key, without draining: what a checkpoint carries when it cannot write. */
  keyedChanges(): [row: unknown[], deleted: boolean][] {
    return [...this.byKey.values()].map(({ row, deleted }) => [row, deleted]);
  }

  /** Puts changes carried by a checkpoint back, as if their rows had just arrived. */
  addKeyedChanges(changes: readonly (readonly [row: unknown[], deleted: boolean])[]): void {
    for (const [row, deleted] of changes) this.byKey.set(keyString(row, this.key!), { row, deleted });
  }

  add(batch: RecordBatch): void {
    const key = this.key;
    if (!key) {
      for (let i = 0; i < batch.rows.length; i++) {
        if (rowKindAt(batch, i) !== RowKind.INSERT) {
          throw new WeirError(
            'JDBC_UPDATES_WITHOUT_PRIMARY_KEY',
            `Table ${this.spec.table} has no primary key, so the jdbc sink can only append rows, but its input updates or deletes rows`,
            {
              hint: 'Declare PRIMARY KEY (…) NOT ENFORCED on the table (matching a key of the database table) to write upserts and deletes.',
            },
          );
        }
        this.inserts.push(batch.rows[i]);
      }
      return;
    }
    for (let i = 0; i < batch.rows.length; i++) {
      const kind = rowKindAt(batch, i);
      if (kind === RowKind.UPDATE_BEFORE) continue;
      const row = batch.rows[i];
      this.byKey.set(keyString(row, key), { row, deleted: kind === RowKind.DELETE });
    }
  }

  /** Takes everything buffered as statements, leaving the buffer empty. */
  drain(): Statement[] {
    const statements: Statement[] = [];
    if (this.key) {
      const upserts: unknown[][] = [];
      const deletes: unknown[][] = [];
      for (const { row, deleted } of this.byKey.values()) (deleted ? deletes : upserts).push(row);
      this.byKey.clear();
      this.chunked(upserts, this.insert, 'u', this.params, statements);
      const key = this.key;
      const keyParams = key.map((k) => this.params[k]);
      const keyRows = deletes.map((row) => key.map((k) => row[k]));
      this.chunked(keyRows, this.delete!, 'd', keyParams, statements);
    } else {
      this.chunked(this.inserts, this.insert, 'i', this.params, statements);
      this.inserts = [];
    }
    return statements;
  }

  private chunked(
    rows: readonly unknown[][],
    shape: StatementShape,
    tag: string,
    params: readonly ToParam[],
    out: Statement[],
  ): void {
    const per = Math.max(1, Math.min(this.chunk, shape.maxRows));
    const width = params.length;
    for (let start = 0; start < rows.length; start += per) {
      const n = Math.min(per, rows.length - start);
      const values: unknown[] = new Array(n * width);
      for (let r = 0; r < n; r++) {
        const row = rows[start + r];
        for (let c = 0; c < width; c++) values[r * width + c] = params[c](row[c]);
      }
      out.push({ name: n === per ? `weir_${tag}${n}` : undefined, text: shape.sql(n), values });
    }
  }
}

/** Sends statements in order on one session (inside whatever transaction it has open). */
export async function executeStatements(client: pg.Client, statements: readonly Statement[]): Promise<void> {
  for (const s of statements) {
    await client.query(
      s.name ? { name: s.name, text: s.text, values: s.values } : { text: s.text, values: s.values },
    );
  }
}
