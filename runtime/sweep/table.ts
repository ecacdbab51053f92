/**
 * The sweep's results as a table: one row per variant, its axes, both accuracies, the
 * pretraining wall-clock and the compiler's cost figures; printed as CSV and as markdown.
 * Pure: rows in, text out.
 */
import type { VariantResult } from './run-variant.ts';
import { AXIS_COLUMNS, type SweepVariant } from './variant.ts';

export type RowStatus = 'done' | 'failed' | 'not run';

export interface Row {
  readonly variant: SweepVariant;
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

const COLUMNS: readonly Column[] = [
  { header: 'variant', csv: (r) => r.variant.name, md: (r) => `\`${r.variant.name}\`` },
  ...AXIS_COLUMNS.map(([key, header]): Column => ({ header, csv: (r) => r.variant.axes[key], md: (r) => String(r.variant.axes[key]) })),
  { header: 'status', csv: (r) => r.status, md: (r) => r.status },
  { header: 'linear probe top-1', csv: (r) => r.result?.probeTop1, md: (r) => pct(r.result?.probeTop1) },
  { header: 'fine-tune top-1', csv: (r) => r.result?.finetuneTop1, md: (r) => pct(r.result?.finetuneTop1) },
  { header: 'pretrain seconds', csv: (r) => (r.result ? +r.result.pretrainSeconds.toFixed(1) : undefined), md: (r) => (r.result ? r.result.pretrainSeconds.toFixed(0) : '-') },
  { header: 'GFLOPs per image', csv: (r) => +r.variant.gflops.toPrecision(4), md: (r) => r.variant.gflops.toPrecision(3) },
  { header: 'speedup vs symmetric', csv: (r) => +r.variant.speedup.toFixed(3), md: (r) => `${r.variant.speedup.toFixed(2)}x` },
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
