/**
 * The sweep's results as tables. results.csv and results.md: one row per entry and label
 * protocol, its axes, each metric's mean, sample standard deviation and count over the seeds
 * that finished, the compiler's cost figures; the no-pretraining control's axes and costs are
 * empty because it has no pretraining. runs.csv: one row per entry and seed with the raw
 * values. Pure: rows in, text out.
 */
import type { VariantResult } from './run-variant.ts';
import { summarize, type Summary } from './stats.ts';
import { AXIS_COLUMNS, type SweepEntry, type SweepVariant } from './variant.ts';

/** Where one run (an entry with one seed) stands. */
export type RunStatus = 'done' | 'failed' | 'not run';

export interface RunRow {
  readonly seed: number;
  /** The run's folder under the sweep folder. */
  readonly folder: string;
  readonly status: RunStatus;
  readonly result: VariantResult | undefined;
}

/** One entry with its runs, one per seed of the sweep. */
export interface Row {
  readonly entry: SweepEntry;
  readonly runs: readonly RunRow[];
}

/** done: every seed finished; partial: some did; failed: none did and some failed; not run: none ran to an end. */
export type RowStatus = 'done' | 'partial' | 'failed' | 'not run';

export function rowStatus(r: Row): RowStatus {
  const done = r.runs.filter((x) => x.status === 'done').length;
  if (done === r.runs.length && done > 0) return 'done';
  if (done > 0) return 'partial';
  return r.runs.some((x) => x.status === 'failed') ? 'failed' : 'not run';
}

/** The finished runs' results. */
export function finishedResults(r: Row): VariantResult[] {
  return r.runs.flatMap((x) => (x.status === 'done' && x.result ? [x.result] : []));
}

/** The seeds whose run failed. */
export function failedSeeds(r: Row): number[] {
  return r.runs.filter((x) => x.status === 'failed').map((x) => x.seed);
}

/** A metric of one run for one label protocol; undefined when the run lacks it. */
type Metric = (result: VariantResult, labels: number) => number | undefined;

const protocol = (result: VariantResult, labels: number) => result.protocols.find((p) => p.labels === labels);

/** The metrics summarised over seeds: CSV header stem, and whether only variants have it. */
export const METRICS: readonly { readonly header: string; readonly value: Metric; readonly variantOnly: boolean }[] = [
  { header: 'linear probe top-1', value: (r, p) => protocol(r, p)?.probeTop1, variantOnly: false },
  { header: 'fine-tune top-1', value: (r, p) => protocol(r, p)?.finetuneTop1, variantOnly: false },
  { header: 'held-out loss', value: (r) => r.heldout?.loss, variantOnly: true },
  { header: 'trivial loss', value: (r) => r.heldout?.trivial, variantOnly: true },
  { header: 'pretrain seconds', value: (r) => r.pretrainSeconds, variantOnly: true },
];

/** A metric's summary over the row's finished runs for label protocol `labels`. */
export function metricSummary(r: Row, labels: number, header: string): Summary | undefined {
  const m = METRICS.find((x) => x.header === header);
  if (!m) throw new Error(`no metric ${header}`);
  if (m.variantOnly && r.entry.kind !== 'variant') return undefined;
  return summarize(finishedResults(r).flatMap((x) => {
    const v = m.value(x, labels);
    return v === undefined ? [] : [v];
  }));
}

/** One line of results.csv / results.md: an entry under one label protocol. */
interface Line {
  readonly row: Row;
  readonly labels: number;
}

interface Column {
  readonly header: string;
  /** The raw value for CSV; undefined prints as an empty cell. */
  readonly csv: (l: Line) => string | number | boolean | undefined;
}

/** A value only variants have (a control has no axes, pretraining or cost). */
function ofVariant<T>(l: Line, f: (v: SweepVariant) => T): T | undefined {
  return l.row.entry.kind === 'variant' ? f(l.row.entry) : undefined;
}

const round = (x: number | undefined, digits: number) => (x === undefined ? undefined : +x.toPrecision(digits));

const CSV_COLUMNS: readonly Column[] = [
  { header: 'variant', csv: (l) => l.row.entry.name },
  { header: 'kind', csv: (l) => l.row.entry.kind },
  ...AXIS_COLUMNS.map(([key, header]): Column => ({ header, csv: (l) => ofVariant(l, (v) => v.axes[key]) })),
  { header: 'status', csv: (l) => rowStatus(l.row) },
  { header: 'labels (%)', csv: (l) => l.labels },
  { header: 'seeds', csv: (l) => l.row.runs.length },
  ...METRICS.flatMap((m): Column[] => [
    { header: `${m.header} mean`, csv: (l) => round(metricSummary(l.row, l.labels, m.header)?.mean, 6) },
    { header: `${m.header} sd`, csv: (l) => round(metricSummary(l.row, l.labels, m.header)?.sd, 4) },
    { header: `${m.header} n`, csv: (l) => (m.variantOnly && l.row.entry.kind !== 'variant' ? undefined : (metricSummary(l.row, l.labels, m.header)?.n ?? 0)) },
  ]),
  { header: 'GFLOPs per image', csv: (l) => ofVariant(l, (v) => +v.gflops.toPrecision(4)) },
  { header: 'speedup vs symmetric', csv: (l) => ofVariant(l, (v) => +v.speedup.toFixed(3)) },
  { header: 'failed seeds', csv: (l) => failedSeeds(l.row).join(' ') },
];

/** RFC 4180 quoting: a field with a comma, quote or newline is quoted, quotes doubled. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(headers: readonly string[], lines: readonly (readonly (string | number | boolean | undefined)[])[]): string {
  return `${[headers.map(csvField).join(','), ...lines.map((cells) => cells.map(csvField).join(','))].join('\n')}\n`;
}

const linesOf = (rows: readonly Row[], labels: readonly number[]): Line[] => rows.flatMap((row) => labels.map((p) => ({ row, labels: p })));

/**
 * results.csv: a header, then one line per entry and label protocol (in `labels`' order);
 * accuracies as fractions in [0, 1], each metric's mean, sd (empty for n < 2) and n.
 * Example: a variant `mask=0.5` gives a line starting `mask=0.5,variant,0.5,random,...`.
 */
export function toCsv(rows: readonly Row[], labels: readonly number[] = [100]): string {
  return csv(CSV_COLUMNS.map((c) => c.header), linesOf(rows, labels).map((l) => CSV_COLUMNS.map((c) => c.csv(l))));
}

/**
 * runs.csv: one line per entry and seed, the raw values: each label protocol's top-1 and
 * wall-clocks, the held-out loss, the trivial predictor's and the pretraining wall-clock.
 */
export function toRunsCsv(rows: readonly Row[], labels: readonly number[] = [100]): string {
  const perProtocol = labels.flatMap((p) => [`linear probe top-1 (${p}% labels)`, `fine-tune top-1 (${p}% labels)`, `probe seconds (${p}% labels)`, `fine-tune seconds (${p}% labels)`]);
  const headers = ['variant', 'kind', 'seed', 'folder', 'status', ...perProtocol, 'held-out loss', 'trivial loss', 'pretrain seconds'];
  const lines = rows.flatMap((row) =>
    row.runs.map((run) => {
      const r = run.status === 'done' ? run.result : undefined;
      const evals = labels.flatMap((p) => {
        const x = r && protocol(r, p);
        return [x?.probeTop1, x?.finetuneTop1, round(x?.probeSeconds, 6), round(x?.finetuneSeconds, 6)];
      });
      const variant = row.entry.kind === 'variant';
      return [row.entry.name, row.entry.kind, run.seed, run.folder, run.status, ...evals, r?.heldout?.loss, r?.heldout?.trivial, variant && r ? round(r.pretrainSeconds, 6) : undefined];
    }),
  );
  return csv(headers, lines);
}

/** A markdown cell: pipes escaped, newlines flattened. */
export function mdCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** `mean ± sd (n)` of a summary scaled by `scale`, with `digits` decimals; `mean (1)` for one run, `-` for none. */
export function meanSd(s: Summary | undefined, digits: number, scale = 1): string {
  if (!s) return '-';
  const sd = s.sd === undefined ? '' : ` ± ${(scale * s.sd).toFixed(digits)}`;
  return `${(scale * s.mean).toFixed(digits)}${sd} (${s.n})`;
}

/** The held-out loss beside the trivial predictor's, `loss ± sd / trivial (n)`; `-` without one. */
function lossCell(l: Line): string {
  const loss = metricSummary(l.row, l.labels, 'held-out loss');
  const trivial = metricSummary(l.row, l.labels, 'trivial loss');
  if (!loss || !trivial) return '-';
  return `${loss.mean.toFixed(3)}${loss.sd === undefined ? '' : ` ± ${loss.sd.toFixed(3)}`} / ${trivial.mean.toFixed(3)} (${loss.n})`;
}

function statusCell(r: Row): string {
  const s = rowStatus(r);
  const done = finishedResults(r).length;
  return s === 'partial' || (r.runs.length > 1 && s !== 'done') ? `${s} (${done}/${r.runs.length})` : s;
}

const dash = (x: string | undefined) => x ?? '-';

const MD_COLUMNS: readonly { readonly header: string; readonly md: (l: Line) => string }[] = [
  { header: 'variant', md: (l) => (l.row.entry.kind === 'control' ? `**${l.row.entry.name}**` : `\`${l.row.entry.name}\``) },
  { header: 'kind', md: (l) => l.row.entry.kind },
  ...AXIS_COLUMNS.map(([key, header]) => ({ header, md: (l: Line) => dash(ofVariant(l, (v) => String(v.axes[key]))) })),
  { header: 'labels', md: (l) => `${l.labels}%` },
  { header: 'status', md: (l) => statusCell(l.row) },
  { header: 'linear probe top-1', md: (l) => meanSd(metricSummary(l.row, l.labels, 'linear probe top-1'), 1, 100) },
  { header: 'fine-tune top-1', md: (l) => meanSd(metricSummary(l.row, l.labels, 'fine-tune top-1'), 1, 100) },
  { header: 'held-out loss / trivial', md: (l) => (l.row.entry.kind === 'variant' ? lossCell(l) : '-') },
  { header: 'pretrain seconds', md: (l) => (l.row.entry.kind === 'variant' ? meanSd(metricSummary(l.row, l.labels, 'pretrain seconds'), 0) : '-') },
  { header: 'GFLOPs per image', md: (l) => dash(ofVariant(l, (v) => v.gflops.toPrecision(3))) },
  { header: 'speedup vs symmetric', md: (l) => dash(ofVariant(l, (v) => `${v.speedup.toFixed(2)}x`)) },
];

/** The table as a markdown table, a line per entry and label protocol: `mean ± sd (n)` per cell, accuracies in percent. */
export function toMarkdown(rows: readonly Row[], labels: readonly number[] = [100]): string {
  const header = `| ${MD_COLUMNS.map((c) => mdCell(c.header)).join(' | ')} |`;
  const rule = `| ${MD_COLUMNS.map(() => '---').join(' | ')} |`;
  const body = linesOf(rows, labels).map((l) => `| ${MD_COLUMNS.map((c) => mdCell(c.md(l))).join(' | ')} |`);
  return `${[header, rule, ...body].join('\n')}\n`;
}

/** The runs that failed or did not run, named with their folder: a line each, or '' when every run finished. */
export function unfinishedRuns(rows: readonly Row[]): string {
  const lines = rows.flatMap((r) => r.runs.filter((x) => x.status !== 'done').map((x) => `- ${x.status === 'failed' ? 'FAILED' : 'not run'}: \`${r.entry.name}\` seed ${x.seed}${x.status === 'failed' ? ` (see ${x.folder}/error.log)` : ''}`));
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
