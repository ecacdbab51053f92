/**
 * A whole sweep: every variant (and the no-pretraining control), once per seed, through its
 * stages on a pool of workers, then the results tables and the plots. Finished runs are
 * skipped; failed ones are reported and the rest go on.
 */
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { sweepFiles, variantPaths } from './layout.ts';
import { plotsFor } from './plots.ts';
import { runPool } from './pool.ts';
import type { SweepView } from './progress.ts';
import { renderPng } from './render.ts';
import { runVariant, type VariantOutcome, type VariantResult } from './run-variant.ts';
import type { StageOptions } from './stages.ts';
import { toCsv, toMarkdown, toRunsCsv, unfinishedRuns, type Row, type RunRow, type RunStatus } from './table.ts';
import { sweepRuns, type SweepEntry, type SweepRun } from './variant.ts';

export interface SweepOptions {
  /** The variants, then the controls (see withControls). */
  readonly entries: readonly SweepEntry[];
  /** Runs per entry: seeds stages.seed, stages.seed + 1, ... */
  readonly seeds: number;
  readonly dir: string;
  readonly title: string;
  readonly stages: StageOptions;
  readonly workers: number;
  readonly cwd: string;
  readonly view: SweepView;
  /** The command line, recorded in results.md. */
  readonly command: string;
  /** Aborted on Ctrl-C: running stages save and stop, nothing new starts; the table is still written. */
  readonly signal?: AbortSignal;
}

export interface SweepSummary {
  readonly rows: readonly Row[];
  /** Runs (entry and seed) in all. */
  readonly runs: number;
  readonly failed: number;
  readonly skipped: number;
  /** Runs the interrupt left unfinished (status 'not run'). */
  readonly interrupted: number;
  readonly plots: readonly string[];
}

export async function runSweep(o: SweepOptions): Promise<SweepSummary> {
  mkdirSync(o.dir, { recursive: true });
  const runs = sweepRuns(o.entries, o.seeds, o.stages.seed);
  const running = new Map<string, string>();
  const durations: number[] = [];
  let done = 0;
  let failed = 0;
  const show = () => o.view.show({ total: runs.length, done, failed, running, durations, workers: o.workers });
  const shown = (path: string) => relative(o.cwd, path) || '.';

  const outcomes = await runPool(runs, o.workers, async (run): Promise<VariantOutcome> => {
    const paths = variantPaths(o.dir, run.job.dir, run.job.kind);
    const outcome = await runVariant({
      entry: run.job,
      paths,
      options: { ...o.stages, seed: run.seed },
      cwd: o.cwd,
      onStage: (stage) => {
        running.set(run.label, stage);
        show();
      },
      ...(o.signal ? { signal: o.signal } : {}),
    });
    running.delete(run.label);
    if (outcome.kind === 'interrupted') {
      if (outcome.stage) o.view.note(`stopped ${run.label} in ${outcome.stage}; a re-run continues it`);
      return outcome;
    }
    if (outcome.kind === 'failed') {
      failed++;
      o.view.note(`FAILED ${run.label}: ${outcome.stage} exited with ${outcome.code}; see ${shown(paths.errorLog)}`);
    } else {
      done++;
      if (outcome.kind === 'skipped') o.view.note(`skipped ${run.label}: already finished (${shown(paths.result)})`);
      else {
        durations.push(outcome.seconds);
        o.view.note(`finished ${run.label} in ${outcome.seconds.toFixed(0)}s: ${accuracies(outcome.result)}`);
      }
    }
    show();
    return outcome;
  });

  const statuses = outcomes.map((out): { status: RunStatus; result: VariantResult | undefined } => {
    if (out === undefined || out instanceof Error) return { status: 'failed', result: undefined };
    if (out.kind === 'interrupted') return { status: 'not run', result: undefined };
    return out.kind === 'failed' ? { status: 'failed', result: undefined } : { status: 'done', result: out.result };
  });
  for (const [i, out] of outcomes.entries()) if (out instanceof Error) o.view.note(`FAILED ${runs[i]!.label}: ${out.message}`);
  const rows = rowsOf(o.entries, runs, statuses);
  const plots = await writeResults(o, rows);
  return {
    rows,
    runs: runs.length,
    failed: statuses.filter((r) => r.status === 'failed').length,
    interrupted: statuses.filter((r) => r.status === 'not run').length,
    skipped: outcomes.filter((x) => !(x instanceof Error) && x.kind === 'skipped').length,
    plots,
  };
}

/** A finished run's top-1 for the progress line: every label protocol's probe and fine-tune. */
export function accuracies(r: VariantResult): string {
  const one = r.protocols.length === 1 && r.protocols[0]!.labels === 100;
  return r.protocols.map((p) => `${one ? '' : `${p.labels}% labels: `}linear probe ${(100 * p.probeTop1).toFixed(1)}%, fine-tune ${(100 * p.finetuneTop1).toFixed(1)}%`).join('; ');
}

/** The table's rows: each entry with its runs' outcomes, in seed order. */
export function rowsOf(entries: readonly SweepEntry[], runs: readonly SweepRun[], outcomes: readonly { readonly status: RunStatus; readonly result: VariantResult | undefined }[]): Row[] {
  const byEntry = entries.map((): RunRow[] => []);
  runs.forEach((run, i) => byEntry[run.index]!.push({ seed: run.seed, folder: run.job.dir, ...outcomes[i]! }));
  return entries.map((entry, i) => ({ entry, runs: byEntry[i]! }));
}

/** What the results files are written from: a local sweep's options, or a queued sweep's. */
export type ResultsContext = Pick<SweepOptions, 'entries' | 'seeds' | 'dir' | 'title' | 'stages' | 'command'>;

/** results.csv, runs.csv, results.md and the plots, each replaced atomically. */
export async function writeResults(o: ResultsContext, rows: readonly Row[]): Promise<string[]> {
  const files = sweepFiles(o.dir);
  const labels = o.stages.labels;
  const plots = plotsFor(rows, o.title, labels);
  const written: string[] = [];
  for (const plot of plots) {
    await writeFileAtomic(files.plot(plot.name), await renderPng(plot.spec));
    written.push(files.plot(plot.name));
  }
  await writeFileAtomic(files.csv, toCsv(rows, labels));
  await writeFileAtomic(files.runs, toRunsCsv(rows, labels));
  await writeFileAtomic(files.markdown, markdownReport(o, rows, plots.map((p) => `${p.name}.png`)));
  return written;
}

function markdownReport(o: ResultsContext, rows: readonly Row[], plots: readonly string[]): string {
  const b = o.stages.budget;
  const all = (n: number | undefined) => (n === undefined ? 'all' : String(n));
  const seeds = o.seeds === 1 ? `seed ${o.stages.seed}` : `seeds ${o.stages.seed}-${o.stages.seed + o.seeds - 1}`;
  const scarce = o.stages.labels.filter((p) => p !== 100);
  const unfinished = unfinishedRuns(rows);
  return `# Sweep ${o.title}

\`${o.command}\`

Data \`${o.stages.data}\`; budget per variant: pretrain ${b.epochs} epochs at batch ${b.batch} on ${all(b.limit)} train images,
linear probe ${b.probeEpochs} epochs, fine-tune ${b.finetuneEpochs} epochs; scored on ${all(b.testLimit)} test images; ${seeds}.
Label protocols ${o.stages.labels.map((p) => `${p}%`).join(', ')}${scarce.length > 0 ? ` (below 100%: a fixed class-stratified subset of the training images; fine-tuning runs min(${b.finetuneEpochs} * 100 / p, 50) epochs, the probe its ${b.probeEpochs} with its blr scaled to the subset)` : ''}.
Each cell is mean ± sample standard deviation (number of seeds) of top-1 in %; the held-out
loss is pretraining's last held-out masked-patch loss beside the trivial predictor's.${
    o.entries.some((e) => e.kind === 'control')
      ? `
Rows of kind \`control\` (no pretraining) run the same probe and fine-tuning on the variants' encoder at its
random initialisation: what pretraining has to beat.`
      : ''
  }

${toMarkdown(rows, o.stages.labels)}
${unfinished === '' ? '' : `Runs not finished:\n\n${unfinished}\n`}${plots.map((p) => `![${p}](${p})`).join('\n')}
`;
}
