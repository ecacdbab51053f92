/**
 * The command lines of a variant's three stages (pretrain, linear probe, fine-tune), as
 * argument lists for `maec`. Pure: paths come in, argv comes out.
 */
import type { Budget } from './budget.ts';
import { evalStage, type VariantPaths } from './layout.ts';

export interface StageOptions {
  readonly data: string;
  readonly budget: Budget;
  /** This run's seed: pretraining, probe and fine-tuning all take it. */
  readonly seed: number;
  readonly backend: string | undefined;
  /** The label protocols, percentages of the training images with labels, in the order the stages run; [100] is all labels. */
  readonly labels: readonly number[];
}

/** The most epochs a label-scarce fine-tuning runs. */
export const MAX_SCARCE_FINETUNE_EPOCHS = 50;

/**
 * Fine-tuning epochs on `labels`% of the images: the budget's epochs times 100 / p, so that it
 * takes about as many optimizer steps as on all labels, rounded, at least 1 and at most
 * MAX_SCARCE_FINETUNE_EPOCHS. Example: 1 epoch at 10% is 10, at 1% is 50; 100% keeps the budget's.
 */
export function finetuneEpochs(budgetEpochs: number, labels: number): number {
  if (labels === 100) return budgetEpochs;
  return Math.max(1, Math.round(Math.min((budgetEpochs * 100) / labels, MAX_SCARCE_FINETUNE_EPOCHS)));
}

/** ImageNet's train size: the probe's recipe blr 0.1 is scaled by it (docs/evaluation.md). */
const IMAGENET = 1_281_167;
/** Fashion-MNIST's and MNIST's train size: the probe's default blr is sized for it. */
const DEFAULT_TRAIN = 60_000;

/** The probe's blr for `n` training images: 0.1 * 1.28M / n (LARS moves weights per epoch). */
export function probeBlr(n: number): number {
  return +((0.1 * IMAGENET) / n).toPrecision(2);
}

/** 10% of a run's epochs warm up, as the recipes' 40/800 and 5/50 roughly do. */
function warmup(epochs: number): string {
  return String(+(0.1 * epochs).toPrecision(3));
}

function common(o: StageOptions): string[] {
  return ['--data', o.data, '--seed', String(o.seed), ...(o.backend !== undefined ? ['--backend', o.backend] : [])];
}

/**
 * Pretraining from scratch, or `--resume` of an interrupted run. The resume repeats the
 * budget's --limit: the checkpoint records it, and a run that recorded another (or none) is
 * refused by pretrain rather than continued on other images.
 */
export function pretrainArgs(p: VariantPaths, o: StageOptions, resume: boolean): string[] {
  const b = o.budget;
  if (resume) return ['pretrain', '--resume', '--out', p.run, ...(o.backend !== undefined ? ['--backend', o.backend] : []), ...(b.limit !== undefined ? ['--limit', String(b.limit)] : [])];
  return ['pretrain', p.spec, ...common(o), '--out', p.run, '--epochs', String(b.epochs), '--batch', String(b.batch), ...(b.limit !== undefined ? ['--limit', String(b.limit)] : [])];
}

function evalLimits(b: Budget): string[] {
  return [...(b.limit !== undefined ? ['--train-limit', String(b.limit)] : []), ...(b.testLimit !== undefined ? ['--test-limit', String(b.testLimit)] : [])];
}

/** What the evaluation stages start from: the pretrained run, or (a control) the spec at random init. */
function source(p: VariantPaths, scratch: boolean): string[] {
  return scratch ? ['--scratch', p.spec] : [p.run];
}

/** `--labels p%` for a label protocol below 100%; nothing for all labels. */
function labelsFlag(labels: number): string[] {
  return labels === 100 ? [] : ['--labels', `${labels}%`];
}

/**
 * The linear probe of the pretrained encoder, or with `scratch` of the spec's encoder at random
 * init, on all labels or (`labels` < 100) on that percentage of the training images, its blr
 * scaled to the subset's size; the budget's probe epochs either way.
 */
export function probeArgs(p: VariantPaths, o: StageOptions, scratch = false, labels = 100): string[] {
  const b = o.budget;
  const blr = probeBlr(((b.limit ?? DEFAULT_TRAIN) * labels) / 100);
  const out = p.evalDir(evalStage('probe', labels));
  return ['probe', ...source(p, scratch), ...common(o), '--out', out, '--epochs', String(b.probeEpochs), '--warmup', warmup(b.probeEpochs), '--blr', String(blr), '--batch', '256', ...evalLimits(b), ...labelsFlag(labels)];
}

/**
 * Full fine-tuning of the pretrained encoder, or with `scratch` of the spec from random init, on
 * all labels or (`labels` < 100) on that percentage for finetuneEpochs(...) epochs;
 * `--resume` continues an interrupted run where its last checkpoint left it.
 */
export function finetuneArgs(p: VariantPaths, o: StageOptions, scratch = false, labels = 100): string[] {
  const epochs = finetuneEpochs(o.budget.finetuneEpochs, labels);
  const out = p.evalDir(evalStage('finetune', labels));
  const batch = labels === 100 ? FINETUNE_BATCH : scarceBatch(((o.budget.limit ?? DEFAULT_TRAIN) * labels) / 100);
  return ['finetune', ...source(p, scratch), ...common(o), '--out', out, '--epochs', String(epochs), '--warmup', warmup(epochs), '--batch', String(batch), '--resume', ...evalLimits(o.budget), ...labelsFlag(labels), ...evalEvery(epochs)];
}

/**
 * `--eval-every` for a long fine-tuning: about five scorings of the test split in all (the last
 * epoch's always), so a 50-epoch run on 1% of the labels is not dominated by 50 passes over the
 * test images. Nothing for runs of at most five epochs (every epoch is scored).
 */
function evalEvery(epochs: number): string[] {
  return epochs > 5 ? ['--eval-every', String(Math.ceil(epochs / 5))] : [];
}

const FINETUNE_BATCH = 64;

/**
 * Fine-tuning's batch on a label subset of about `images` images: 64, or half the subset
 * when that is smaller, so that an epoch has two steps at least and the subset's per-class
 * rounding never leaves fewer images than one batch (finetune refuses that).
 * Example: 1% of 5000 images (50) fine-tunes at batch 25; 10% of 60,000 at 64.
 */
export function scarceBatch(images: number): number {
  return Math.max(1, Math.min(FINETUNE_BATCH, Math.floor(images / 2)));
}
