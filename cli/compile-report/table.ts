/**
 * A plain-text table: a header row, a rule, then the rows; numeric-looking cells are
 * right-aligned.
 *
 * Example: `formatTable(['name', 'K'], [['base', '49']])` is
 * `name  K\n----  --\nbase  49\n` (with K's column right-aligned).
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => /^[\d.,x/ ]+$/.test(r[i] ?? '')));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** 111655680 -> `111,655,680` */
export const thousands = (n: number): string => n.toLocaleString('en-US');
