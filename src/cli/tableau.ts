/**
 * A boxed table's parts: the border line, the header line and one line per row, cells right-aligned
 * in columns as wide as their widest cell (and at least `minWidth`).
 */
export function boxLines(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  minWidth = 0,
): { border: string; header: string; rows: string[] } {
  const widths = columns.map((c, i) => Math.max(minWidth, c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    `|${cells.map((c, i) => ` ${(c ?? '').padStart(widths[i])} `).join('|')}|`;
  return {
    border: `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`,
    header: format(columns),
    rows: rows.map(format),
  };
}

/** Rows as Flink's SQL client prints them in tableau mode. */
export function tableau(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const box = boxLines(columns, rows);
  const body = rows.length === 0 ? [] : [...box.rows, box.border];
  const count = rows.length === 0 ? 'Empty set' : `${rows.length} row${rows.length === 1 ? '' : 's'} in set`;
  return [box.border, box.header, box.border, ...body, count].join('\n');
}
