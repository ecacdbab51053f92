/**
 * A whole sweep: every variant (and the no-pretraining control) through its stages on a pool
 * of workers, then the results table and the plots. Finished entries are skipped; failed ones
 * are reported and the rest go on.
 */
import { mkdirSync } from 'node:fs';
import { relative } from 'node:path';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { sweepFiles, variantPaths } from './layout.ts';
import { plotsFor } from './plots.ts';
import { runPool } from './pool.ts';
import type { SweepView } from './progress.ts';
import { renderPng } from './render.ts';
import { runVariant, type VariantOutcome } from './run-variant.ts';
import type { StageOptions } from './stages.ts';
import { toCsv, toMarkdown, type Row } from './table.ts';
import type { SweepEntry } from './variant.ts';

export interface SweepOptions {
  /** The variants, then the controls (see withControls). */
  readonly entries: readonly SweepEntry[];
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
  readonly failed: number;
  readonly skipped: number;
  /** Entries the interrupt left unfinished (status 'not run'). */
  readonly interrupted: number;
  readonly plots: readonly string[];
}

export async function runSweep(o: SweepOptions): Promise<SweepSummary> {
  mkdirSync(o.dir, { recursive: true });
  const running = new Map<string, string>();
  const durations: number[] = [];
  let done = 0;
  let failed = 0;
  const show = () => o.view.show({ total: o.entries.length, done, failed, running, durations, workers: o.workers });
  const shown = (path: string) => relative(o.cwd, path) || '.';

  const outcomes = await runPool(o.entries, o.workers, async (entry): Promise<VariantOutcome> => {
    const paths = variantPaths(o.dir, entry.dir, entry.kind);
    const outcome = await runVariant({
      entry,
      paths,
      options: o.stages,
      cwd: o.cwd,
      onStage: (stage) => {
        running.set(entry.name, stage);
        show();
      },
      ...(o.signal ? { signal: o.signal } : {}),
    });
    running.delete(entry.name);
    if (outcome.kind === 'interrupted') {
      if (outcome.stage) o.view.note(`stopped ${entry.name} in ${outcome.stage}; a re-run continues it`);
      return outcome;
    }
    if (outcome.kind === 'failed') {
      failed++;
      o.view.note(`FAILED ${entry.name}: ${outcome.stage} exited with ${outcome.code}; see ${shown(paths.errorLog)}`);
    } else {
      done++;
      if (outcome.kind === 'skipped') o.view.note(`skipped ${entry.name}: already finished (${shown(paths.result)})`);
      else {
        durations.push(outcome.seconds);
        o.view.note(`finished ${entry.name} in ${outcome.seconds.toFixed(0)}s: linear probe ${(100 * outcome.result.probeTop1).toFixed(1)}%, fine-tune ${(100 * outcome.result.finetuneTop1).toFixed(1)}%`);
      }
    }
    show();
    return outcome;
  });

  const rows: Row[] = o.entries.map((entry, i) => {
    const out = outcomes[i];
    if (out === undefined || out instanceof Error) return { entry, status: 'failed', result: undefined };
    if (out.kind === 'interrupted') return { entry, status: 'not run', result: undefined };
    return out.kind === 'failed' ? { entry, status: 'failed', result: undefined } : { entry, status: 'done', result: out.result };
  });
  for (const [i, out] of outcomes.entries()) if (out instanceof Error) o.view.note(`FAILED ${o.entries[i]!.name}: ${out.message}`);
  const plots = await writeResults(o, rows);
  return { rows, failed: rows.filter((r) => r.status === 'failed').length, interrupted: rows.filter((r) => r.status === 'not run').length, skipped: outcomes.filter((x) => !(x instanceof Error) && x.kind === 'skipped').length, plots };
}

/** What the results files are written from: a local sweep's options, or a queued sweep's. */
export type ResultsContext = Pick<SweepOptions, 'entries' | 'dir' | 'title' | 'stages' | 'command'>;

/** results.csv, results.md and the plots, each replaced atomically. */
export async function writeResults(o: ResultsContext, rows: readonly Row[]): Promise<string[]> {
  const files = sweepFiles(o.dir);
  const plots = plotsFor(rows, o.title);
  const written: string[] = [];
  for (const plot of plots) {
    await writeFileAtomic(files.plot(plot.name), await renderPng(plot.spec));
    written.push(files.plot(plot.name));
  }
  await writeFileAtomic(files.csv, toCsv(rows));
  await writeFileAtomic(files.markdown, markdownReport(o, rows, plots.map((p) => `${p.name}.png`)));
  return written;
}

function markdownReport(o: ResultsContext, rows: readonly Row[], plots: readonly string[]): string {
  const b = o.stages.budget;
  const all = (n: number | undefined) => (n === undefined ? 'all' : String(n));
  return `# Sweep ${o.title}

\`${o.command}\`

Data \`${o.stages.data}\`; budget per variant: pretrain ${b.epochs} epochs at batch ${b.batch} on ${all(b.limit)} train images,
linear probe ${b.probeEpochs} epochs, fine-tune ${b.finetuneEpochs} epochs; scored on ${all(b.testLimit)} test images. Top-1 in %.${
    o.entries.some((e) => e.kind === 'control')
      ? `
Rows of kind \`control\` (no pretraining) run the same probe and fine-tuning on the variants' encoder at its
random initialisation: what pretraining has to beat.`
      : ''
  }

${toMarkdown(rows)}
${plots.map((p) => `![${p}](${p})`).join('\n')}
`;
}
