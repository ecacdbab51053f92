/**
 * The sweep's results as a table: one row per variant, its axes, both accuracies, the
 * pretraining wall-clock and the compiler's cost figures; then the no-pretraining control,
 * whose axes and costs are empty because it has no pretraining. Printed as CSV and as
 * markdown. Pure: rows in, text out.
 */
import type { VariantResult } from './run-variant.ts';
import { AXIS_COLUMNS, type SweepEntry, type SweepVariant } from './variant.ts';

export type RowStatus = 'done' | 'failed' | 'not run';

export interface Row {
  readonly entry: SweepEntry;
  readonly status: RowStatus;
  readonly result: VariantResult | undefined;
}

interface Column {
  readonly header: string;
  /** The raw value for CSV; undefined prints as an empty cell. */
  readonly csv: (r: Row) => string | number | boolean | undefined;
  /** The value for markdown, formatted for reading. */
  readonly md: (r: Row) => string;
}

const pct = (x: number | undefined) => (x === undefined ? '-' : `${(100 * x).toFixed(1)}`);

/** A column only variants fill (a control has no axes, pretraining or cost): empty in CSV, `-` in markdown. */
function variantColumn<T extends string | number | boolean>(header: string, raw: (v: SweepVariant, r: Row) => T | undefined, md: (x: T) => string = String): Column {
  const value = (r: Row) => (r.entry.kind === 'variant' ? raw(r.entry, r) : undefined);
  const formatted = (r: Row) => {
    const x = value(r);
    return x === undefined ? '-' : md(x);
  };
  return { header, csv: value, md: formatted };
}

const COLUMNS: readonly Column[] = [
  { header: 'variant', csv: (r) => r.entry.name, md: (r) => (r.entry.kind === 'control' ? `**${r.entry.name}**` : `\`${r.entry.name}\``) },
  { header: 'kind', csv: (r) => r.entry.kind, md: (r) => r.entry.kind },
  ...AXIS_COLUMNS.map(([key, header]) => variantColumn(header, (v) => v.axes[key])),
  { header: 'status', csv: (r) => r.status, md: (r) => r.status },
  { header: 'linear probe top-1', csv: (r) => r.result?.probeTop1, md: (r) => pct(r.result?.probeTop1) },
  { header: 'fine-tune top-1', csv: (r) => r.result?.finetuneTop1, md: (r) => pct(r.result?.finetuneTop1) },
  variantColumn('pretrain seconds', (_, r) => (r.result ? +r.result.pretrainSeconds.toFixed(1) : undefined), (x) => x.toFixed(0)),
  variantColumn('GFLOPs per image', (v) => +v.gflops.toPrecision(4), (x) => x.toPrecision(3)),
  variantColumn('speedup vs symmetric', (v) => +v.speedup.toFixed(3), (x) => `${x.toFixed(2)}x`),
];

/** RFC 4180 quoting: a field with a comma, quote or newline is quoted, quotes doubled. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The table as CSV with a header line; accuracies are fractions in [0, 1].
 * Example: a variant `mask=0.5` gives a line starting `mask=0.5,0.5,random,...`.
 */
export function toCsv(rows: readonly Row[]): string {
  const lines = [COLUMNS.map((c) => csvField(c.header)).join(','), ...rows.map((r) => COLUMNS.map((c) => csvField(c.csv(r))).join(','))];
  return `${lines.join('\n')}\n`;
}

/** A markdown cell: pipes escaped, newlines flattened. */
export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The table as a markdown table; accuracies in percent. */
export function toMarkdown(rows: readonly Row[]): string {
  const header = `| ${COLUMNS.map((c) => mdCell(c.header)).join(' | ')} |`;
  const rule = `| ${COLUMNS.map(() => '---').join(' | ')} |`;
  const body = rows.map((r) => `| ${COLUMNS.map((c) => mdCell(c.md(r))).join(' | ')} |`);
  return `${[header, rule, ...body].join('\n')}\n`;
}
