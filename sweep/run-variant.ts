/**
 * One variant through its three stages: pretrain, linear probe, fine-tune, each a child
 * process; a control runs the last two on its spec at random init. Every stage that already
 * finished (its result file exists) is skipped, so an interrupted sweep continues; an entry
 * whose result.json exists is not touched at all.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { loggedRuns, runMaec, type ChildResult } from './child.ts';
import type { VariantPaths } from './layout.ts';
import { finetuneArgs, pretrainArgs, probeArgs, type StageOptions } from './stages.ts';
import type { SweepEntry } from './variant.ts';

export type Stage = 'pretrain' | 'probe' | 'finetune';

/** What result.json of a finished variant holds. */
export interface VariantResult {
  readonly name: string;
  readonly probeTop1: number;
  readonly finetuneTop1: number;
  /** Wall-clock of the pretraining processes that made the run (a stopped and resumed one counts every part), start-up included; 0 for a control. */
  readonly pretrainSeconds: number;
  readonly probeSeconds: number;
  readonly finetuneSeconds: number;
}

export type VariantOutcome =
  | { readonly kind: 'skipped'; readonly result: VariantResult }
  | { readonly kind: 'done'; readonly result: VariantResult; readonly seconds: number }
  | { readonly kind: 'failed'; readonly stage: Stage; readonly code: number; readonly seconds: number }
  /** Stopped by the sweep's interrupt; `stage` is the one that was running (saved), if any. */
  | { readonly kind: 'interrupted'; readonly stage: Stage | undefined };

export interface VariantJob {
  readonly entry: SweepEntry;
  readonly paths: VariantPaths;
  readonly options: StageOptions;
  /** The directory stages run in (relative paths in logs are relative to it). */
  readonly cwd: string;
  readonly onStage?: (stage: Stage) => void;
  /** Aborted by the sweep's Ctrl-C: the running stage is asked to save and stop, no new stage starts. */
  readonly signal?: AbortSignal;
}

/** The result of a finished variant, or undefined when it has not finished. */
export function readFinished(paths: VariantPaths): VariantResult | undefined {
  if (!existsSync(paths.result)) return undefined;
  try {
    return JSON.parse(readFileSync(paths.result, 'utf8')) as VariantResult;
  } catch {
    return undefined; // unreadable: run the variant again
  }
}

function top1(path: string): number {
  const value = (JSON.parse(readFileSync(path, 'utf8')) as { top1?: unknown }).top1;
  if (typeof value !== 'number') throw new Error(`${path} has no numeric top1`);
  return value;
}

function seconds(path: string): number {
  return (JSON.parse(readFileSync(path, 'utf8')) as { seconds: number }).seconds;
}

/**
 * pretrain.json from a pretraining stage's log: the wall-clock of the invocations that made
 * the current run, i.e. the last one that started afresh and every `--resume` after it
 * (earlier attempts were discarded with their run folder).
 */
export function pretrainRecord(log: string): { readonly seconds: number; readonly invocations: number } {
  const runs = loggedRuns(log).filter((r) => r.command.startsWith('pretrain '));
  let fresh = runs.length - 1;
  while (fresh > 0 && runs[fresh]!.command.startsWith('pretrain --resume')) fresh--;
  const parts = runs.slice(Math.max(0, fresh));
  return { seconds: parts.reduce((a, x) => a + x.seconds, 0), invocations: parts.length };
}

/** Runs whatever the variant still lacks; writes error.log if a stage fails (not when the sweep's interrupt stopped it). */
export async function runVariant(job: VariantJob): Promise<VariantOutcome> {
  const { paths: p, entry } = job;
  const control = entry.kind === 'control';
  const finished = readFinished(p);
  if (finished) return { kind: 'skipped', result: finished };
  const t0 = performance.now();
  mkdirSync(p.dir, { recursive: true });
  rmSync(p.errorLog, { force: true });
  await writeFileAtomic(p.spec, `${JSON.stringify(entry.spec, null, 2)}\n`);

  const stopped = () => job.signal?.aborted === true;
  const failed = async (stage: Stage, r: ChildResult): Promise<VariantOutcome> => {
    // A stage the interrupt stopped did not fail: it saved what it had, and a re-run continues it.
    if (stopped()) return { kind: 'interrupted', stage };
    const text = `${entry.kind} ${entry.name}: stage ${stage} failed with exit status ${r.code} after ${r.seconds.toFixed(1)}s\nfull output: ${p.log(stage)}\n\n${r.tail}`;
    await writeFileAtomic(p.errorLog, text.endsWith('\n') ? text : `${text}\n`);
    return { kind: 'failed', stage, code: r.code, seconds: (performance.now() - t0) / 1000 };
  };

  if (stopped()) return { kind: 'interrupted', stage: undefined };
  if (!control && !existsSync(p.pretrainDone)) {
    const resume = existsSync(p.checkpoint);
    // A run folder without a checkpoint holds nothing to continue, and pretrain refuses a used folder.
    if (!resume) rmSync(p.run, { recursive: true, force: true });
    job.onStage?.('pretrain');
    const r = await runMaec(pretrainArgs(p, job.options, resume), job.cwd, p.log('pretrain'), job.signal);
    if (r.code !== 0) return failed('pretrain', r);
    await writeFileAtomic(p.pretrainDone, JSON.stringify(pretrainRecord(readFileSync(p.log('pretrain'), 'utf8'))));
    if (stopped()) return { kind: 'interrupted', stage: undefined };
  }
  if (!existsSync(p.probeResult)) {
    job.onStage?.('probe');
    const r = await runMaec(probeArgs(p, job.options, control), job.cwd, p.log('probe'), job.signal);
    if (r.code !== 0 || !existsSync(p.probeResult)) return failed('probe', r);
    if (stopped()) return { kind: 'interrupted', stage: undefined };
  }
  if (!existsSync(p.finetuneResult)) {
    job.onStage?.('finetune');
    const r = await runMaec(finetuneArgs(p, job.options, control), job.cwd, p.log('finetune'), job.signal);
    if (r.code !== 0 || !existsSync(p.finetuneResult)) return failed('finetune', r);
  }
  const result: VariantResult = {
    name: entry.name,
    probeTop1: top1(p.probeResult),
    finetuneTop1: top1(p.finetuneResult),
    pretrainSeconds: control ? 0 : seconds(p.pretrainDone),
    probeSeconds: seconds(p.probeResult),
    finetuneSeconds: seconds(p.finetuneResult),
  };
  await writeFileAtomic(p.result, `${JSON.stringify(result, null, 2)}\n`);
  return { kind: 'done', result, seconds: (performance.now() - t0) / 1000 };
}
