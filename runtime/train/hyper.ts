/**
 * The hyper-parameters of one pretraining run: what the command line sets and a checkpoint
 * records, so a resumed run continues with exactly the same recipe.
 */
import { MAX_THREADS } from '../parallel/threads.ts';
import { scaledLr, type Schedule } from './schedule.ts';

export interface PretrainHyper {
  readonly epochs: number;
  /** Images per micro-batch (B). */
  readonly batch: number;
  /** Micro-batches per optimizer step (A); the effective batch is B * A. */
  readonly accum: number;
  /** Base learning rate; lr = blr * B * A / 256. */
  readonly blr: number;
  /** Linear warmup length in (fractional) epochs. */
  readonly warmupEpochs: number;
  readonly seed: number;
  /** Checkpoint every this many optimizer steps (0: only at epoch ends). */
  readonly checkpointEvery: number;
  /** Use only the first N training images (absent: all); recorded, so --resume keeps it. */
  readonly limit?: number;
  /**
   * Training threads, each computing a shard of every micro-batch (runtime/parallel; absent: 1).
   * Recorded: the sum over shards rounds differently for each count, so --resume keeps it.
   */
  readonly threads?: number;
}

/**
 * Defaults sized for the small 28x28 models on a CPU. blr 1e-3 instead of the recipe's 1.5e-4
 * (tuned for batch 4096 and 800 epochs; lr 3.75e-5 at batch 64): the longer runs of
 * docs/results.md and docs/ablations.md use it. Runs of a few epochs need more: the quick start
 * passes --batch 32 --blr 1e-2 (docs/pretraining.md, measured against the trivial predictor).
 * Warmup is 5% of the run, as the official 40 of 800 epochs.
 */
export const PRETRAIN_DEFAULTS: PretrainHyper = Object.freeze({
  epochs: 5,
  batch: 64,
  accum: 1,
  blr: 1e-3,
  warmupEpochs: 0.25,
  seed: 0,
  checkpointEvery: 100,
});

/** The official half-cosine schedule of a run (min lr 0). */
export function scheduleOf(h: PretrainHyper): Schedule {
  return { lr: scaledLr(h.blr, h.batch * h.accum), minLr: 0, warmupEpochs: h.warmupEpochs, epochs: h.epochs };
}

/** Problems with hyper-parameters, as messages saying what was expected and found. */
export function checkHyper(h: PretrainHyper): string[] {
  const problems: string[] = [];
  const positiveInt = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) problems.push(`--${name} must be a positive integer, found ${v}`);
  };
  positiveInt('epochs', h.epochs);
  positiveInt('batch', h.batch);
  positiveInt('accum', h.accum);
  if (!(h.blr > 0) || !Number.isFinite(h.blr)) problems.push(`--blr must be a positive number, found ${h.blr}`);
  if (!(h.warmupEpochs >= 0) || h.warmupEpochs > h.epochs) problems.push(`--warmup must be between 0 and the number of epochs (${h.epochs}), found ${h.warmupEpochs}`);
  if (!Number.isInteger(h.seed)) problems.push(`--seed must be an integer, found ${h.seed}`);
  if (!Number.isInteger(h.checkpointEvery) || h.checkpointEvery < 0) problems.push(`--checkpoint-every must be a non-negative integer, found ${h.checkpointEvery}`);
  if (h.limit !== undefined && (!Number.isInteger(h.limit) || h.limit < 1)) problems.push(`--limit must be a positive integer, found ${h.limit}`);
  if (h.threads !== undefined && (!Number.isInteger(h.threads) || h.threads < 1 || h.threads > MAX_THREADS)) problems.push(`--threads must be an integer from 1 to ${MAX_THREADS}, found ${h.threads}`);
  return problems;
}
