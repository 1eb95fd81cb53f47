import type pg from 'pg';
import pgModule from 'pg';
import { WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { OperatorContext, OperatorStateSnapshot, Output } from '../../runtime/api/operator.js';
import type { PollResult, SourceFactory, SourceReader } from '../../runtime/api/source.js';
import { primaryKeyIndexes } from './buffer.js';
import { connect, databaseError, describeTable, type JdbcTable } from './connection.js';
import {
  SCAN_FETCH_SIZE,
  SCAN_PARTITION_COLUMN,
  SCAN_PARTITION_LOWER_BOUND,
  SCAN_PARTITION_NUM,
  SCAN_PARTITION_UPPER_BOUND,
} from './options.js';
import { type FromText, fromText } from './values.js';

export const SPLITS_STATE = 'jdbc-splits';

/** One range of the scan, and how far it has been read. */
export interface ScanSplit {
  readonly index: number;
  /** Inclusive bounds on 'scan.partition.column'; absent for an unpartitioned scan. */
  readonly range?: readonly [number, number];
  /** Rows emitted from this split so far: the checkpointed position. */
  rows: number;
  done: boolean;
}

/**
 * Splits [lower, upper] into `num` contiguous ranges of near-equal width, as Flink's
 * JdbcNumericBetweenParametersProvider does (never more ranges than values).
 */
export function partitionRanges(lower: number, upper: number, num: number): [number, number][] {
  const count = upper - lower + 1;
  const n = Math.min(num, count);
  const base = Math.floor(count / n);
  const extra = count % n;
  const ranges: [number, number][] = [];
  let start = lower;
  for (let i = 0; i < n; i++) {
    const end = start + base - 1 + (i < extra ? 1 : 0);
    ranges.push([start, end]);
    start = end + 1;
  }
  return ranges;
}

function plannedSplits(table: JdbcTable, spec: ConnectorSpec): ScanSplit[] {
  const o = table.options;
  const column = o.get(SCAN_PARTITION_COLUMN);
  const num = o.get(SCAN_PARTITION_NUM);
  const lower = o.get(SCAN_PARTITION_LOWER_BOUND);
  const upper = o.get(SCAN_PARTITION_UPPER_BOUND);
  const given = [column, num, lower, upper].filter((v) => v !== undefined).length;
  if (given === 0) return [{ index: 0, rows: 0, done: false }];
  if (given < 4 || column === undefined || num === undefined || lower === undefined || upper === undefined) {
    throw new WeirError(
      'JDBC_INCOMPLETE_PARTITION_OPTIONS',
      `Table ${spec.table}: 'scan.partition.column', 'scan.partition.num', 'scan.partition.lower-bound' and 'scan.partition.upper-bound' must be given together`,
      { hint: 'Set all four to read the table in parallel ranges, or none to read it in one scan.' },
    );
  }
  if (lower > upper) {
    throw new WeirError(
      'JDBC_INVALID_PARTITION_BOUNDS',
      `Table ${spec.table}: 'scan.partition.lower-bound' (${lower}) is above 'scan.partition.upper-bound' (${upper})`,
    );
  }
  if (!spec.schema.fields.some((f) => f.name === column)) {
    throw new WeirError(
      'JDBC_INVALID_PARTITION_COLUMN',
      `Table ${spec.table}: 'scan.partition.column' = '${column}' is not a column of the table`,
    );
  }
  return partitionRanges(lower, upper, num).map((range, index) => ({ index, range, rows: 0, done: false }));
}

/** Every value comes back as the server's text; values.ts converts it by the declared Flink type. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

/**
 * The bounded scan: SELECT of the table's columns, optionally split into ranges of
 * 'scan.partition.column' (split i goes to subtask i mod parallelism). Each split is read through
 * a SQL cursor (DECLARE … CURSOR / FETCH n) inside a REPEATABLE READ READ ONLY transaction, so a
 * split is one consistent snapshot streamed 'scan.fetch-size' rows at a time. The rows emitted per
 * split are the checkpointed position; after a restore the split's query is run again with
 * `OFFSET <rows>`, which continues exactly where it was when the table has not changed and the
 * order is deterministic (by the primary key when the table declares one, else the physical order
 * of a non-synchronized sequential scan).
 */
export class JdbcSourceReader implements SourceReader {
  private table!: JdbcTable;
  private splits: ScanSplit[] = [];
  private restoredSplits?: ScanSplit[];
  private client?: pg.Client;
  private reading?: ScanSplit;
  private converters: readonly FromText[] = [];
  private fetchSize = 1000;

  constructor(private readonly spec: ConnectorSpec) {}

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    const entries = restored?.[SPLITS_STATE] as ScanSplit[] | undefined;
    if (entries) this.restoredSplits = entries.map((s) => ({ ...s }));
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.table = describeTable(this.spec);
    this.converters = this.spec.schema.fields.map((f) => fromText(f.type, f.name));
    const fetch = this.table.options.require(SCAN_FETCH_SIZE);
    this.fetchSize = fetch > 0 ? fetch : 1000;
    // Restored splits are exactly what this subtask owns now (state redistribution hands out each
    // split once); a fresh start deals the planned splits round-robin.
    this.splits =
      this.restoredSplits ??
      plannedSplits(this.table, this.spec).filter((s) => s.index % ctx.parallelism === ctx.subtaskIndex);
  }

  async poll(output: Output): Promise<PollResult> {
    const split = this.reading ?? (await this.startNextSplit());
    if (!split) return { status: 'end' };
    let rows: string[][];
    try {
      // FETCH takes no bind parameter for its count; the count is our own validated integer.
      const result = await this.client!.query<string[]>({
        text: `FETCH FORWARD ${this.fetchSize} FROM weir_scan`,
        rowMode: 'array',
        types: RAW_TEXT,
      });
      rows = result.rows;
    } catch (err) {
      throw databaseError(err, this.table, `scanning split ${split.index}`);
    }
    if (rows.length > 0) {
      const converters = this.converters;
      const out: unknown[][] = new Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const text = rows[r];
        const row = new Array(converters.length);
        for (let c = 0; c < converters.length; c++) row[c] = text[c] === null ? null : converters[c](text[c]);
        out[r] = row;
      }
      split.rows += rows.length;
      await output.emit({ rows: out });
    }
    if (rows.length < this.fetchSize) await this.finishSplit(split);
    return { status: 'emitted' };
  }

  snapshotState(): OperatorStateSnapshot {
    return { [SPLITS_STATE]: this.splits.map((s) => ({ ...s })) };
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => {});
    this.client = undefined;
  }

  private async startNextSplit(): Promise<ScanSplit | undefined> {
    const split = this.splits.find((s) => !s.done);
    if (!split) return undefined;
    const columns = this.table.sqlColumns.join(', ');
    const params: unknown[] = [];
    let sql = `SELECT ${columns} FROM ${this.table.sqlName}`;
    if (split.range) {
      const column = pgModule.escapeIdentifier(this.table.options.require(SCAN_PARTITION_COLUMN));
      sql += ` WHERE ${column} BETWEEN $1 AND $2`;
      params.push(split.range[0], split.range[1]);
    }
    const key = primaryKeyIndexes(this.spec);
    if (key) sql += ` ORDER BY ${key.map((k) => this.table.sqlColumns[k]).join(', ')}`;
    if (split.rows > 0) {
      params.push(split.rows);
      sql += ` OFFSET $${params.length}`;
    }
    try {
      this.client ??= await connect(this.table);
      await this.client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      // A synchronized scan may start mid-table when another scan runs; a restored position needs
      // every run of the query to return the rows in the same order.
      await this.client.query("SELECT set_config('synchronize_seqscans', 'off', true)");
      await this.client.query(`DECLARE weir_scan NO SCROLL CURSOR FOR ${sql}`, params);
    } catch (err) {
      throw databaseError(err, this.table, `scanning split ${split.index}`);
    }
    this.reading = split;
    return split;
  }

  private async finishSplit(split: ScanSplit): Promise<void> {
    split.done = true;
    this.reading = undefined;
    await this.client!.query('COMMIT').catch((err) => {
      throw databaseError(err, this.table, `finishing split ${split.index}`);
    });
  }
}

export const jdbcSourceFactory: SourceFactory = {
  createReader: (spec) => new JdbcSourceReader(spec),
};
