import type { LogicalType, RowKind } from '../common/types.js';
import { formatRow, type ResultCollector } from '../connectors/collect/index.js';
import { boxLines } from './tableau.js';

interface Entry {
  readonly values: readonly string[];
  alive: boolean;
}

/**
 * A query's result as a table (Flink's materialized result of the `table` result mode): +I and
 * +U add a row, -U and -D remove one equal row. At most `maxRows` rows are kept; beyond that the
 * oldest go first, as in Flink ('sql-client.execution.max-table-result.rows').
 */
export class MaterializedResult {
  private entries: Entry[] = [];
  /** Live entries per row, latest last, so a retraction removes the most recent equal row. */
  private readonly byRow = new Map<string, Entry[]>();
  private size = 0;
  /** Rows pushed out by the bound. */
  evicted = 0;

  constructor(private readonly maxRows: number) {}

  get rowCount(): number {
    return this.size;
  }

  apply(kind: RowKind, values: readonly string[]): void {
    const key = values.join('\u0000');
    if (kind === 0 || kind === 2) {
      const entry: Entry = { values, alive: true };
      this.entries.push(entry);
      const same = this.byRow.get(key);
      if (same) same.push(entry);
      else this.byRow.set(key, [entry]);
      this.size++;
      if (this.size > this.maxRows) this.evictOldest();
    } else {
      const entry = this.byRow.get(key)?.pop();
      // A retraction of a row that was evicted (or never shown) has nothing left to remove.
      if (!entry) return;
      if (this.byRow.get(key)?.length === 0) this.byRow.delete(key);
      entry.alive = false;
      this.size--;
    }
    if (this.entries.length > 1024 && this.entries.length > 2 * this.size)
      this.entries = this.entries.filter((e) => e.alive);
  }

  private evictOldest(): void {
    const oldest = this.entries.find((e) => e.alive)!;
    const key = oldest.values.join('\u0000');
    const same = this.byRow.get(key)!;
    same.splice(same.indexOf(oldest), 1);
    if (same.length === 0) this.byRow.delete(key);
    oldest.alive = false;
    this.size--;
    this.evicted++;
  }

  /** The rows in the order they were added; the last `limit` of them when given. */
  rows(limit = Number.POSITIVE_INFINITY): (readonly string[])[] {
    const out: (readonly string[])[] = [];
    for (let i = this.entries.length - 1; i >= 0 && out.length < limit; i--)
      if (this.entries[i].alive) out.push(this.entries[i].values);
    return out.reverse();
  }
}

const MIN_WIDTH = 12;

/** The rows in Flink's boxed table layout (as the SQL client prints a result table). */
export function boxedTable(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const box = boxLines(columns, rows, MIN_WIDTH);
  return [box.border, box.header, box.border, ...box.rows, box.border].join('\n');
}

export interface TerminalOutput {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly rows?: number;
}

/** Redraws are at most this often, so a fast query does not spend its time painting. */
const REFRESH_MS = 100;

/**
 * The `table` result mode: the result kept as a table. In a terminal it is redrawn in place as it
 * changes (the last rows that fit the screen, with the row count); otherwise it is printed once,
 * when the query ends or is cancelled.
 */
export class TableResultView implements ResultCollector {
  private columns: readonly string[] = [];
  private types: readonly LogicalType[] = [];
  private readonly result: MaterializedResult;
  private drawnLines = 0;
  private refresh?: NodeJS.Timeout;

  constructor(
    private readonly out: TerminalOutput,
    maxRows: number,
  ) {
    this.result = new MaterializedResult(maxRows);
  }

  open(columns: readonly string[], types: readonly LogicalType[]): void {
    this.columns = columns;
    this.types = types;
    if (this.out.isTTY) this.draw();
  }

  changes(kinds: readonly RowKind[], rows: readonly (readonly unknown[])[]): void {
    for (let i = 0; i < rows.length; i++) this.result.apply(kinds[i], formatRow(this.types, rows[i]));
    if (this.out.isTTY && !this.refresh)
      this.refresh = setTimeout(() => {
        this.refresh = undefined;
        this.draw();
      }, REFRESH_MS);
  }

  /** The query ended: the final table, and how many rows it has. */
  finish(): void {
    if (this.refresh) clearTimeout(this.refresh);
    this.refresh = undefined;
    if (this.out.isTTY) this.draw();
    else this.out.write(`${boxedTable(this.columns, this.result.rows())}\n`);
    const evicted =
      this.result.evicted > 0 ? ` (${this.result.evicted} older rows dropped by the row limit)` : '';
    this.out.write(
      `${this.result.rowCount} row${this.result.rowCount === 1 ? '' : 's'} in result${evicted}\n`,
    );
  }

  private draw(): void {
    // Header (3 lines), bottom line and status line take 5 of the screen.
    const fit = Math.max(1, (this.out.rows ?? 24) - 6);
    const shown = this.result.rows(fit);
    const status =
      shown.length < this.result.rowCount
        ? `Rows: ${this.result.rowCount} (the last ${shown.length} shown)`
        : `Rows: ${this.result.rowCount}`;
    const text = `${boxedTable(this.columns, shown)}\n${status} · updated ${new Date().toLocaleTimeString()}\n`;
    // Back to where the previous drawing began, clear it, draw again.
    const back = this.drawnLines > 0 ? `\x1b[${this.drawnLines}F\x1b[J` : '';
    this.out.write(back + text);
    this.drawnLines = text.split('\n').length - 1;
  }
}
