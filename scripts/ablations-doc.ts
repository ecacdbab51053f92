/**
 * Collects the ablation sweeps run with `maec sweep` at one budget into
 * docs/ablations-results-<budget>.md: per ablation file, the exact command, the budget, the
 * sweep's own results table (mean ± sd (n) over its seeds, a row per label protocol) with each
 * row's gain over the sweep's no-pretraining control and over the ablation's base variant
 * (mean differences, "> 2 SE" when the difference exceeds two standard errors
 * sqrt(sd1²/n1 + sd2²/n2), "within noise" when not, nothing to say with one seed), the paper's
 * numbers (the paper's Table 1 and Figure 5) beside it, and its plots (copied to
 * docs/images/ablations/<budget>/). Sweeps from before --seeds and --labels (one seed, all
 * labels, results.csv without mean/sd columns) are read too. Only sweeps that exist are
 * reported; nothing is typed in by hand.
 *
 *   npx tsx scripts/ablations-doc.ts [--budget small] [--sweeps DIR] [--docs DIR]
 *
 * expects DIR/<ablation>-<budget>/ as written by
 *   maec sweep models/ablations/<ablation>.ts --data fashion-mnist --budget <budget> --out DIR/<ablation>-<budget>
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { BUDGET_FLAGS, BUDGETS, isBudgetName, type Budget } from '../sweep/budget.ts';
import { difference, type Summary } from '../sweep/stats.ts';

type Row = Readonly<Record<string, string>>;

interface Ablation {
  /** models/ablations/<file>.ts */
  readonly file: string;
  readonly title: string;
  /** The paper's fine-tune / linear numbers for a row, or '' when the paper has no such row. */
  readonly paper: (row: Row) => string;
  /** The variant the others are compared with: models/ablations/base.ts's setting of the varied axis. */
  readonly base: (row: Row) => boolean;
}

/** Paper numbers (ViT-L, ImageNet-1k, 800 epochs; fine-tune / linear probe top-1). */
const PAPER_DEFAULT = '84.9 / 73.5';
const ABLATIONS: readonly Ablation[] = [
  {
    file: 'mask-ratio',
    title: 'Figure 5: mask ratio',
    paper: (r) => (r['mask ratio'] === '0.75' ? `${PAPER_DEFAULT} (best)` : r['mask ratio'] === '0.4' ? 'ft flat over 0.4-0.8; linear rises to 0.75' : ''),
    base: (r) => r['mask ratio'] === '0.75',
  },
  {
    file: 'mask-ratio-token',
    title: 'Figure 5 and Table 1c: mask ratio, and the mask token in the encoder',
    paper: (r) => (r['mask tokens in encoder'] === 'true' ? '84.2 / 59.6 (3.3x FLOPs)' : r['mask ratio'] === '0.75' ? `${PAPER_DEFAULT} (best)` : ''),
    base: (r) => r['mask ratio'] === '0.75' && r['mask tokens in encoder'] === 'false',
  },
  {
    file: 'decoder-depth',
    title: 'Table 1a: decoder depth',
    paper: (r) => ({ '1': '84.8 / 65.5', '2': '84.9 / 70.0', '4': '84.9 / 71.9', '8': '84.9 / 73.5', '12': '84.4 / 73.3' })[r['decoder depth'] ?? ''] ?? '',
    base: (r) => r['decoder depth'] === '2',
  },
  {
    // The base's decoder is half the encoder's width (32 of 64) as the paper's 512 is of 1024.
    file: 'decoder-width',
    title: 'Table 1b: decoder width (paper widths scaled by 1/16)',
    paper: (r) => ({ '8': '84.9 / 69.1 (128)', '16': '84.8 / 71.3 (256)', '32': '84.9 / 73.5 (512)', '48': '84.4 / 73.1 (768)', '64': '84.3 / 73.1 (1024)' })[r['decoder width'] ?? ''] ?? '',
    base: (r) => r['decoder width'] === '32',
  },
  {
    file: 'mask-token',
    title: 'Table 1c: mask token in the encoder',
    paper: (r) => (r['mask tokens in encoder'] === 'true' ? '84.2 / 59.6 (3.3x FLOPs)' : `${PAPER_DEFAULT} (1x)`),
    base: (r) => r['mask tokens in encoder'] === 'false',
  },
  {
    file: 'target',
    title: 'Table 1d: reconstruction target',
    paper: (r) => (r['target'] === 'norm-pixels' ? '85.4 / 73.9' : PAPER_DEFAULT),
    base: (r) => r['target'] === 'pixels',
  },
  {
    file: 'augmentation',
    title: 'Table 1e: data augmentation',
    paper: (r) => ({ none: '84.0 / 65.7', 'crop-fixed': '84.7 / 73.1', crop: PAPER_DEFAULT, 'crop+jitter': '84.3 / 71.9' })[r['augmentation'] ?? ''] ?? '',
    base: (r) => r['augmentation'] === 'crop',
  },
  {
    file: 'mask-sampling',
    title: 'Table 1f: mask sampling',
    paper: (r) => (({ 'random 0.75': PAPER_DEFAULT, 'block 0.5': '83.9 / 72.3', 'block 0.75': '82.8 / 63.9', 'grid 0.75': '84.0 / 66.0' }) as Record<string, string>)[`${r['strategy']} ${r['mask ratio']}`] ?? '',
    base: (r) => r['strategy'] === 'random' && r['mask ratio'] === '0.75',
  },
];

/** RFC 4180 CSV (quoted fields may hold commas and doubled quotes). */
function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\n') record.push(field), records.push(record), (record = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field !== '' || record.length > 0) record.push(field), records.push(record);
  const [header, ...rows] = records;
  if (!header) return [];
  return rows.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
}

/** The sweep's budget as `--budget NAME` plus the flags that override it. */
function budgetFlags(name: string, used: Budget): string {
  if (!isBudgetName(name)) return `--budget ${name}`;
  const named = BUDGETS[name];
  const overrides = (Object.keys(BUDGET_FLAGS) as (keyof Budget)[]).filter((k) => used[k] !== named[k]).map((k) => `--${BUDGET_FLAGS[k]} ${used[k] ?? 'all'}`);
  return [`--budget ${name}`, ...overrides].join(' ');
}

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/**
 * A metric of a results.csv row over its seeds: the columns `<metric> mean`, `sd`, `n` of a
 * sweep with --seeds, or the one value `<metric>` (n 1) of a sweep from before; undefined when
 * the row has no finished run.
 */
function summaryOf(r: Row, metric: string): Summary | undefined {
  if (`${metric} mean` in r) {
    const n = Number(r[`${metric} n`] || 0);
    if (n === 0 || r[`${metric} mean`] === '') return undefined;
    const sd = r[`${metric} sd`];
    return { mean: Number(r[`${metric} mean`]), sd: sd === undefined || sd === '' ? undefined : Number(sd), n };
  }
  const value = r[metric];
  return r['status'] === 'done' && value !== undefined && value !== '' ? { mean: Number(value), sd: undefined, n: 1 } : undefined;
}

/** `mean ± sd (n)` in percent; the bare mean for an old single-seed sweep; `-` when missing. */
function pctCell(r: Row, metric: string): string {
  const s = summaryOf(r, metric);
  if (!s) return '-';
  const mean = (100 * s.mean).toFixed(1);
  if (!(`${metric} mean` in r)) return mean;
  return `${mean}${s.sd === undefined ? '' : ` ± ${(100 * s.sd).toFixed(1)}`} (${s.n})`;
}

/** A row's label protocol: its `labels (%)` column, 100 for a sweep from before --labels. */
const labelsOf = (r: Row) => Number(r['labels (%)'] || 100);

/**
 * Percentage points of `a` over `b` (both top-1 fractions over seeds), signed, with "> 2 SE"
 * or "within noise" when both have two seeds or more; '' when either is missing.
 */
function gain(a: Summary | undefined, b: Summary | undefined): string {
  if (!a || !b) return '';
  const d = difference(a, b);
  const points = 100 * d.diff;
  const verdict = d.significant === undefined ? '' : d.significant ? ' (> 2 SE)' : ' (within noise)';
  return `${points >= 0 ? '+' : ''}${points.toFixed(1)}${verdict}`;
}

/** `probe gain / fine-tune gain` of row `a` over row `b`. */
function gains(a: Row, b: Row | undefined): string {
  if (!b) return '';
  const probe = gain(summaryOf(a, 'linear probe top-1'), summaryOf(b, 'linear probe top-1'));
  return probe === '' ? '' : `${probe} / ${gain(summaryOf(a, 'fine-tune top-1'), summaryOf(b, 'fine-tune top-1'))}`;
}

const budget = flag('--budget', 'small');
const sweeps = flag('--sweeps', 'sweeps');
const docs = flag('--docs', 'docs');
const images = join(docs, 'images', 'ablations', budget);
const output = join(docs, `ablations-results-${budget}.md`);

const sections: string[] = [];
for (const a of ABLATIONS) {
  const dir = join(sweeps, `${a.file}-${budget}`);
  const csvPath = join(dir, 'results.csv');
  if (!existsSync(csvPath)) continue;
  const rows = parseCsv(readFileSync(csvPath, 'utf8'));
  const settings = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { data: string; budget: Budget; seed: number; seeds?: number; labels?: number[] };
  const seeds = settings.seeds ?? 1;
  const labels = settings.labels ?? [100];
  // Sweeps before the control row have no `kind` column: every row is a variant.
  const isControl = (r: Row) => r['kind'] === 'control';
  const variants = rows.filter((r) => !isControl(r));
  const finished = (r: Row) => summaryOf(r, 'linear probe top-1') !== undefined;
  const control = (p: number) => rows.find((r) => isControl(r) && labelsOf(r) === p && finished(r));
  const base = (p: number) => variants.find((r) => a.base(r) && labelsOf(r) === p && finished(r));
  const hasBase = labels.some((p) => base(p) !== undefined);
  // The varied axes: columns between `variant` (or `kind`) and `status` whose values differ among the variants.
  const header = Object.keys(rows[0] ?? {});
  const first = header.indexOf('kind') >= 0 ? header.indexOf('kind') + 1 : 1;
  const axes = header.slice(first, header.indexOf('status')).filter((h) => new Set(variants.map((r) => r[h])).size > 1);
  const several = labels.length > 1 || labels[0] !== 100;
  const seconds = (r: Row) => {
    const s = summaryOf(r, 'pretrain seconds');
    return s ? `${s.mean.toFixed(1)}${s.sd === undefined ? '' : ` ± ${s.sd.toFixed(1)}`}` : '-';
  };
  const statusOr = (r: Row, cell: string) => (finished(r) ? cell : r['status'] ?? '-');
  const cells = (r: Row) => {
    const p = labelsOf(r);
    const protocol = several ? [`${p}%`] : [];
    if (isControl(r)) return [...axes.map((_, i) => (i === 0 ? `**${r['variant']}**` : '')), ...protocol, statusOr(r, pctCell(r, 'linear probe top-1')), pctCell(r, 'fine-tune top-1'), '-', '-', '-', '', ...(hasBase ? [''] : []), ''];
    const vsBase = hasBase ? [a.base(r) ? 'base' : finished(r) ? gains(r, base(p)) : ''] : [];
    return [...axes.map((h) => r[h]), ...protocol, statusOr(r, pctCell(r, 'linear probe top-1')), pctCell(r, 'fine-tune top-1'), seconds(r), r['GFLOPs per image'], `${Number(r['speedup vs symmetric']).toFixed(2)}x`, finished(r) ? gains(r, control(p)) : '', ...vsBase, a.paper(r)];
  };
  const columns = [...axes, ...(several ? ['labels'] : []), 'linear probe top-1 (%)', 'fine-tune top-1 (%)', 'pretrain s', 'GFLOPs/img', 'speedup vs symmetric', 'vs no pretraining (probe / ft, points)', ...(hasBase ? ['vs base (probe / ft, points)'] : []), 'paper ft / linear'];
  const table = [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cells(r).join(' | ')} |`)];
  const failed = rows.filter((r) => r['failed seeds']).map((r) => `\`${r['variant']}\`${several ? ` (${labelsOf(r)}% labels)` : ''} seed ${r['failed seeds']!.split(' ').join(', ')}`);
  const plots = readdirSync(dir).filter((f) => f.endsWith('.png'));
  mkdirSync(join(images, a.file), { recursive: true });
  for (const p of plots) copyFileSync(join(dir, p), join(images, a.file, p));
  const link = join('images', 'ablations', budget, a.file);
  const written = statSync(csvPath).mtime.toISOString().slice(0, 16).replace('T', ' ');
  const runFlags = `${settings.seed === 0 ? '' : ` --seed ${settings.seed}`}${seeds === 1 ? '' : ` --seeds ${seeds}`}${several ? ` --labels ${labels.join(',')}` : ''}`;
  const seedText = seeds === 1 ? `seed ${settings.seed}` : `seeds ${settings.seed}-${settings.seed + seeds - 1} (mean ± sample sd (n) per cell)`;
  sections.push(`## ${a.title}

\`\`\`
npx maec sweep models/ablations/${a.file}.ts --data ${settings.data} ${budgetFlags(budget, settings.budget)}${runFlags} --out ${dir}
\`\`\`

Budget ${JSON.stringify(settings.budget)}, ${seedText}${several ? `, label protocols ${labels.map((p) => `${p}%`).join(', ')}` : ''}; results.csv written ${written} UTC.

${table.join('\n')}
${failed.length > 0 ? `\nFailed runs (not in the means): ${failed.join('; ')}.\n` : ''}
${plots.map((p) => `![${p}](${link}/${p})`).join('\n')}
`);
}

const md = `# Ablation results (generated)

Written by \`npx tsx scripts/ablations-doc.ts --budget ${budget}\` from the sweeps under \`${sweeps}/\`;
docs/ablations.md discusses them. Accuracies are top-1 on Fashion-MNIST test images; the paper's
numbers are ViT-L on ImageNet-1k after 800 pretraining epochs (fine-tune / linear probe), so
compare trends, not values. "pretrain s" is the wall-clock of the \`maec pretrain\` process,
start-up included, and depends on the machine's load at the time. The **no pretraining** row
is the control \`maec sweep\` adds: the same probe and fine-tuning of the encoder at its random
initialisation; "vs no pretraining" is each variant's gain over it in percentage points, and
"vs base" its gain over the ablation's base variant (models/ablations/base.ts's setting). With
several seeds each cell is mean ± sample standard deviation (n seeds) and a gain is the
difference of the means, marked "> 2 SE" when it exceeds two standard errors of the
difference (SE = sqrt(sd1²/n1 + sd2²/n2)) and "within noise" when it does not; with one seed
there is no SE and nothing is said about noise.

${sections.length === 0 ? `No sweeps found under ${sweeps}/ for budget ${budget}.\n` : sections.join('\n')}`;
mkdirSync(docs, { recursive: true });
await writeFileAtomic(output, md);
process.stderr.write(`wrote ${output} (${sections.length} ablation(s))\n`);
