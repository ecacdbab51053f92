/**
 * Collects the ablation sweeps run with `maec sweep` at one budget into
 * docs/ablations-results-<budget>.md: per ablation file, the exact command, the budget, the
 * sweep's own results table with each row's gain over the sweep's no-pretraining control and
 * the paper's numbers (../shared/reference/MAE-SPEC.md) beside it, and its plots (copied to
 * docs/images/ablations/<budget>/). Only sweeps that exist are reported; nothing is typed in
 * by hand.
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

type Row = Readonly<Record<string, string>>;

interface Ablation {
  /** models/ablations/<file>.ts */
  readonly file: string;
  readonly title: string;
  /** The paper's fine-tune / linear numbers for a row, or '' when the paper has no such row. */
  readonly paper: (row: Row) => string;
}

/** Paper numbers (ViT-L, ImageNet-1k, 800 epochs; fine-tune / linear probe top-1). */
const PAPER_DEFAULT = '84.9 / 73.5';
const ABLATIONS: readonly Ablation[] = [
  {
    file: 'mask-ratio',
    title: 'Figure 5: mask ratio',
    paper: (r) => (r['mask ratio'] === '0.75' ? `${PAPER_DEFAULT} (best)` : r['mask ratio'] === '0.4' ? 'ft flat over 0.4-0.8; linear rises to 0.75' : ''),
  },
  {
    file: 'decoder-depth',
    title: 'Table 1a: decoder depth',
    paper: (r) => ({ '1': '84.8 / 65.5', '2': '84.9 / 70.0', '4': '84.9 / 71.9', '8': '84.9 / 73.5', '12': '84.4 / 73.3' })[r['decoder depth'] ?? ''] ?? '',
  },
  {
    // The base's decoder is half the encoder's width (32 of 64) as the paper's 512 is of 1024.
    file: 'decoder-width',
    title: 'Table 1b: decoder width (paper widths scaled by 1/16)',
    paper: (r) => ({ '8': '84.9 / 69.1 (128)', '16': '84.8 / 71.3 (256)', '32': '84.9 / 73.5 (512)', '48': '84.4 / 73.1 (768)', '64': '84.3 / 73.1 (1024)' })[r['decoder width'] ?? ''] ?? '',
  },
  {
    file: 'mask-token',
    title: 'Table 1c: mask token in the encoder',
    paper: (r) => (r['mask tokens in encoder'] === 'true' ? '84.2 / 59.6 (3.3x FLOPs)' : `${PAPER_DEFAULT} (1x)`),
  },
  {
    file: 'target',
    title: 'Table 1d: reconstruction target',
    paper: (r) => (r['target'] === 'norm-pixels' ? '85.4 / 73.9' : PAPER_DEFAULT),
  },
  {
    file: 'augmentation',
    title: 'Table 1e: data augmentation',
    paper: (r) => ({ none: '84.0 / 65.7', 'crop-fixed': '84.7 / 73.1', crop: PAPER_DEFAULT, 'crop+jitter': '84.3 / 71.9' })[r['augmentation'] ?? ''] ?? '',
  },
  {
    file: 'mask-sampling',
    title: 'Table 1f: mask sampling',
    paper: (r) => (({ 'random 0.75': PAPER_DEFAULT, 'block 0.5': '83.9 / 72.3', 'block 0.75': '82.8 / 63.9', 'grid 0.75': '84.0 / 66.0' }) as Record<string, string>)[`${r['strategy']} ${r['mask ratio']}`] ?? '',
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

const pct = (s: string | undefined) => (s === undefined || s === '' ? '-' : (100 * Number(s)).toFixed(1));

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const budget = flag('--budget', 'small');
const sweeps = flag('--sweeps', 'sweeps');
const docs = flag('--docs', 'docs');
const images = join(docs, 'images', 'ablations', budget);
const output = join(docs, `ablations-results-${budget}.md`);

/** Percentage points of `a` over `b` (both fractions), signed, or '' when either is missing. */
function gain(a: string | undefined, b: string | undefined): string {
  if (!a || !b) return '';
  const d = 100 * (Number(a) - Number(b));
  return `${d >= 0 ? '+' : ''}${d.toFixed(1)}`;
}

const sections: string[] = [];
for (const a of ABLATIONS) {
  const dir = join(sweeps, `${a.file}-${budget}`);
  const csvPath = join(dir, 'results.csv');
  if (!existsSync(csvPath)) continue;
  const rows = parseCsv(readFileSync(csvPath, 'utf8'));
  const settings = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as { data: string; budget: Budget; seed: number };
  // Sweeps before the control row have no `kind` column: every row is a variant.
  const isControl = (r: Row) => r['kind'] === 'control';
  const variants = rows.filter((r) => !isControl(r));
  const control = rows.find((r) => isControl(r) && r['status'] === 'done');
  // The varied axes: columns between `variant` (or `kind`) and `status` whose values differ among the variants.
  const header = Object.keys(rows[0] ?? {});
  const first = header.indexOf('kind') >= 0 ? header.indexOf('kind') + 1 : 1;
  const axes = header.slice(first, header.indexOf('status')).filter((h) => new Set(variants.map((r) => r[h])).size > 1);
  const vsControl = (r: Row) => (control && !isControl(r) && r['status'] === 'done' ? `${gain(r['linear probe top-1'], control['linear probe top-1'])} / ${gain(r['fine-tune top-1'], control['fine-tune top-1'])}` : '');
  const cells = (r: Row) =>
    isControl(r)
      ? [...axes.map((_, i) => (i === 0 ? `**${r['variant']}**` : '')), r['status'] === 'done' ? pct(r['linear probe top-1']) : r['status'], pct(r['fine-tune top-1']), '-', '-', '-', '', '']
      : [...axes.map((h) => r[h]), r['status'] === 'done' ? pct(r['linear probe top-1']) : r['status'], pct(r['fine-tune top-1']), r['pretrain seconds'] || '-', r['GFLOPs per image'], `${Number(r['speedup vs symmetric']).toFixed(2)}x`, vsControl(r), a.paper(r)];
  const columns = [...axes, 'linear probe top-1 (%)', 'fine-tune top-1 (%)', 'pretrain s', 'GFLOPs/img', 'speedup vs symmetric', 'vs no pretraining (probe / ft, points)', 'paper ft / linear'];
  const table = [`| ${columns.join(' | ')} |`, `| ${columns.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${cells(r).join(' | ')} |`)];
  const plots = readdirSync(dir).filter((f) => f.endsWith('.png'));
  mkdirSync(join(images, a.file), { recursive: true });
  for (const p of plots) copyFileSync(join(dir, p), join(images, a.file, p));
  const link = join('images', 'ablations', budget, a.file);
  const finished = statSync(csvPath).mtime.toISOString().slice(0, 16).replace('T', ' ');
  sections.push(`## ${a.title}

\`\`\`
npx maec sweep models/ablations/${a.file}.ts --data ${settings.data} ${budgetFlags(budget, settings.budget)}${settings.seed === 0 ? '' : ` --seed ${settings.seed}`} --out ${dir}
\`\`\`

Budget ${JSON.stringify(settings.budget)}, seed ${settings.seed}; results.csv written ${finished} UTC.

${table.join('\n')}

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
initialisation; "vs no pretraining" is each variant's gain over it in percentage points.

${sections.length === 0 ? `No sweeps found under ${sweeps}/ for budget ${budget}.\n` : sections.join('\n')}`;
mkdirSync(docs, { recursive: true });
await writeFileAtomic(output, md);
process.stderr.write(`wrote ${output} (${sections.length} ablation(s))\n`);
