/**
 * One run of a variant (one seed) through its stages: pretrain, then the linear probe and
 * fine-tuning of every label protocol, each a child process; a control runs the evaluation
 * stages on its spec at random init. Every stage that already
 * finished (its result file exists) is skipped, so an interrupted sweep continues; an entry
 * whose result.json exists is not touched at all.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../runtime/io/atomic.ts';
import { loggedRuns, runMaec, type ChildResult } from './child.ts';
import { readHeldOut } from '../runtime/train/metrics.ts';
import { evalStage, parseEvalStage, type EvalStage, type VariantPaths } from './layout.ts';
import { finetuneArgs, pretrainArgs, probeArgs, type StageOptions } from './stages.ts';
import type { SweepEntry } from './variant.ts';

export type Stage = 'pretrain' | EvalStage;

/** One label protocol's evaluation in result.json. */
export interface ProtocolResult {
  /** Percentage of the training images with labels. */
  readonly labels: number;
  readonly probeTop1: number;
  readonly finetuneTop1: number;
  readonly probeSeconds: number;
  readonly finetuneSeconds: number;
}

/** What result.json of a finished run holds. */
export interface VariantResult {
  readonly name: string;
  /** The run's seed; absent in result.json files written before --seeds (their seed is the sweep's). */
  readonly seed?: number;
  /** The first protocol's top-1 and wall-clocks (all labels unless --labels left 100 out), as before protocols. */
  readonly probeTop1: number;
  readonly finetuneTop1: number;
  /** Wall-clock of the pretraining processes that made the run (a stopped and resumed one counts every part), start-up included; 0 for a control. */
  readonly pretrainSeconds: number;
  readonly probeSeconds: number;
  readonly finetuneSeconds: number;
  /** Every label protocol, in the sweep's order (an old result.json: its one all-labels protocol). */
  readonly protocols: readonly ProtocolResult[];
  /** A variant's last held-out masked-patch loss and the trivial predictor's on the same images (metrics.jsonl); absent for a control. */
  readonly heldout?: { readonly loss: number; readonly trivial: number };
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

/**
 * The result of a finished run, or undefined when it has not finished. A result.json from
 * before label protocols gets its one protocol (all labels) from its top-level fields; one
 * without some protocol of `labels` has not finished this sweep's stages.
 */
export function readFinished(paths: VariantPaths, labels: readonly number[] = [100]): VariantResult | undefined {
  if (!existsSync(paths.result)) return undefined;
  let r: VariantResult;
  try {
    r = JSON.parse(readFileSync(paths.result, 'utf8')) as VariantResult;
  } catch {
    return undefined; // unreadable: run the variant again
  }
  const protocols = r.protocols ?? [{ labels: 100, probeTop1: r.probeTop1, finetuneTop1: r.finetuneTop1, probeSeconds: r.probeSeconds, finetuneSeconds: r.finetuneSeconds }];
  if (!labels.every((p) => protocols.some((x) => x.labels === p))) return undefined;
  return { ...r, protocols: labels.map((p) => protocols.find((x) => x.labels === p)!) };
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

/**
 * The stages a run goes through, in order: pretraining (a control has none), then the probe
 * and fine-tuning of each label protocol in the given order.
 * Example: a variant with labels [100, 10] runs pretrain, probe, finetune, probe-labels10, finetune-labels10.
 */
export function stagesOf(entry: SweepEntry, labels: readonly number[] = [100]): readonly Stage[] {
  const evals = labels.flatMap((p) => [evalStage('probe', p), evalStage('finetune', p)]);
  return entry.kind === 'control' ? evals : ['pretrain', ...evals];
}

/** Whether `stage` of the entry at `p` has finished (the file it writes last exists). */
export function stageFinished(p: VariantPaths, stage: Stage): boolean {
  return existsSync(stage === 'pretrain' ? p.pretrainDone : p.evalResult(stage));
}

/** The folder a stage's process locks and writes: pretrain's run, the probe's or fine-tuning's output. */
export function stageFolder(p: VariantPaths, stage: Stage): string {
  return stage === 'pretrain' ? p.run : p.evalDir(stage);
}

/** The variant folder and the spec its stages train; idempotent, so every stage may call it. */
export async function prepareEntry(entry: SweepEntry, p: VariantPaths): Promise<void> {
  mkdirSync(p.dir, { recursive: true });
  await writeFileAtomic(p.spec, `${JSON.stringify(entry.spec, null, 2)}\n`);
}

export interface StageRun {
  readonly entry: SweepEntry;
  readonly paths: VariantPaths;
  readonly options: StageOptions;
  readonly cwd: string;
  readonly signal?: AbortSignal;
  /** Each chunk of the stage's output, as it comes. */
  readonly onOutput?: (chunk: string) => void;
}

/**
 * Runs one stage of an entry as a child process, the same command whichever scheduler calls
 * it. Pretraining resumes from the checkpoint a previous attempt left (a run folder without
 * one is cleared: pretrain refuses a used folder) and, once finished, writes pretrain.json.
 * A probe or fine-tuning that exits 0 without its result counts as failed (code 0 kept).
 */
export async function runStage(s: StageRun, stage: Stage): Promise<{ readonly ok: boolean; readonly child: ChildResult }> {
  const p = s.paths;
  const control = s.entry.kind === 'control';
  if (stage === 'pretrain') {
    const resume = existsSync(p.checkpoint);
    if (!resume) rmSync(p.run, { recursive: true, force: true });
    const r = await runMaec(pretrainArgs(p, s.options, resume), s.cwd, p.log('pretrain'), s.signal, undefined, s.onOutput);
    if (r.code !== 0) return { ok: false, child: r };
    await writeFileAtomic(p.pretrainDone, JSON.stringify(pretrainRecord(readFileSync(p.log('pretrain'), 'utf8'))));
    return { ok: true, child: r };
  }
  const e = parseEvalStage(stage);
  const args = e.kind === 'probe' ? probeArgs(p, s.options, control, e.labels) : finetuneArgs(p, s.options, control, e.labels);
  const r = await runMaec(args, s.cwd, p.log(stage), s.signal, undefined, s.onOutput);
  return { ok: r.code === 0 && stageFinished(p, stage), child: r };
}

/** error.log of a failed stage: which stage, its exit status, where its full output is, and its output's tail. */
export async function writeErrorLog(entry: SweepEntry, p: VariantPaths, stage: Stage, r: ChildResult, note = ''): Promise<void> {
  const text = `${entry.kind} ${entry.name}: stage ${stage} failed with exit status ${r.code} after ${r.seconds.toFixed(1)}s${note}\nfull output: ${p.log(stage)}\n\n${r.tail}`;
  await writeFileAtomic(p.errorLog, text.endsWith('\n') ? text : `${text}\n`);
}

/** The last held-out record of a pretraining run's metrics.jsonl, or undefined when it has none. */
export function lastHeldOut(metrics: string): { readonly loss: number; readonly trivial: number } | undefined {
  if (!existsSync(metrics)) return undefined;
  const last = readHeldOut(metrics).at(-1);
  return last ? { loss: last.loss, trivial: last.trivial } : undefined;
}

/** result.json from the finished stages' files, written atomically: the run is finished. */
export async function finishEntry(entry: SweepEntry, p: VariantPaths, options: StageOptions): Promise<VariantResult> {
  const protocols = options.labels.map((labels): ProtocolResult => {
    const probe = p.evalResult(evalStage('probe', labels));
    const finetune = p.evalResult(evalStage('finetune', labels));
    return { labels, probeTop1: top1(probe), finetuneTop1: top1(finetune), probeSeconds: seconds(probe), finetuneSeconds: seconds(finetune) };
  });
  const first = protocols[0]!;
  const heldout = entry.kind === 'variant' ? lastHeldOut(p.metrics) : undefined;
  const result: VariantResult = {
    name: entry.name,
    seed: options.seed,
    probeTop1: first.probeTop1,
    finetuneTop1: first.finetuneTop1,
    pretrainSeconds: entry.kind === 'control' ? 0 : seconds(p.pretrainDone),
    probeSeconds: first.probeSeconds,
    finetuneSeconds: first.finetuneSeconds,
    protocols,
    ...(heldout ? { heldout } : {}),
  };
  await writeFileAtomic(p.result, `${JSON.stringify(result, null, 2)}\n`);
  return result;
}

/** Runs whatever the variant still lacks; writes error.log if a stage fails (not when the sweep's interrupt stopped it). */
export async function runVariant(job: VariantJob): Promise<VariantOutcome> {
  const { paths: p, entry } = job;
  const finished = readFinished(p, job.options.labels);
  if (finished) return { kind: 'skipped', result: finished };
  const t0 = performance.now();
  rmSync(p.errorLog, { force: true });
  await prepareEntry(entry, p);

  const stopped = () => job.signal?.aborted === true;
  const run: StageRun = { entry, paths: p, options: job.options, cwd: job.cwd, ...(job.signal ? { signal: job.signal } : {}) };
  for (const stage of stagesOf(entry, job.options.labels)) {
    if (stopped()) return { kind: 'interrupted', stage: undefined };
    if (stageFinished(p, stage)) continue;
    job.onStage?.(stage);
    const r = await runStage(run, stage);
    if (!r.ok) {
      // A stage the interrupt stopped did not fail: it saved what it had, and a re-run continues it.
      if (stopped()) return { kind: 'interrupted', stage };
      await writeErrorLog(entry, p, stage, r.child);
      return { kind: 'failed', stage, code: r.child.code, seconds: (performance.now() - t0) / 1000 };
    }
  }
  const result = await finishEntry(entry, p, job.options);
  return { kind: 'done', result, seconds: (performance.now() - t0) / 1000 };
}
