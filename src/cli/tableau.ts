/** Rows as Flink's SQL client prints them in tableau mode. */
export function tableau(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const format = (cells: readonly string[]) =>
    `|${cells.map((c, i) => ` ${(c ?? '').padStart(widths[i])} `).join('|')}|`;
  const body = rows.length === 0 ? [] : [...rows.map(format), line];
  const count = rows.length === 0 ? 'Empty set' : `${rows.length} row${rows.length === 1 ? '' : 's'} in set`;
  return [line, format(columns), line, ...body, count].join('\n');
}
