/**
 * The pretraining loop (the official engine_pretrain, per epoch): micro-batches of B images are
 * grouped by A into optimizer steps; the learning rate is set per step from the fractional
 * epoch of the group's first micro-batch; the masking noise of each micro-batch is drawn from
 * the run's seeded generator, with the spec's mask strategy; images are augmented as the spec's
 * `augment` says. A final group of fewer than A micro-batches is dropped, as the
 * official loop zeroes gradients at each epoch start.
 *
 * Side effects (saving, drawing, printing) are the caller's, through the hooks.
 */
import type { Dataset } from '../data/index.ts';
import type { Rng } from '../rng.ts';
import type { MaskStrategy, PretrainAugment } from '../../dsl/spec.ts';
import { sampleNoise } from '../masking/noise.ts';
import type { Program } from '../tfjs/program.ts';
import type { Position } from '../checkpoint/index.ts';
import { PRETRAIN_PIPELINE } from './augment.ts';
import { TrainError } from './errors.ts';
import { scheduleOf, type PretrainHyper } from './hyper.ts';
import type { ModelState } from './model-state.ts';
import { learningRate } from './schedule.ts';
import { drive, type DriveResult } from './driver.ts';
import { optimizerStep, type MicroBatch } from './step.ts';
import type { GradientPool } from '../parallel/pool.ts';

/** The images of one micro-batch [B, C, S, S], normalised. */
interface ImageBatch {
  readonly images: Float32Array;
  readonly size: number;
}

/** One line of metrics.jsonl. */
export interface StepRecord {
  readonly step: number;
  /** Fractional epoch at the end of the step. */
  readonly epoch: number;
  readonly loss: number;
  readonly lr: number;
  readonly imagesPerSecond: number;
}

export interface LoopHooks {
  onStep(record: StepRecord): void;
  /** Persists the state at `position` (the generator is in the state the next step starts from). */
  checkpoint(position: Position): Promise<void>;
  /**
   * Called at the end of each epoch, before its checkpoint (so a crash in between redoes it on
   * resume); `epochsDone` counts from 1, `step` is the optimizer steps taken so far.
   */
  onEpochEnd(epochsDone: number, step: number): Promise<void>;
  /** Polled after every step: true stops the run after saving a checkpoint. */
  shouldStop(): boolean;
}

export interface LoopContext {
  readonly program: Program;
  readonly state: ModelState;
  readonly dataset: Dataset;
  readonly hyper: PretrainHyper;
  /** The masking-noise generator, advanced in place. */
  readonly rng: Rng;
  /** How masks are sampled (random, block or grid): the spec's mask.strategy. */
  readonly strategy: MaskStrategy;
  /** How images are augmented: the spec's augment. */
  readonly augment: PretrainAugment;
  readonly start: Position;
  /** Whether `start` is a saved checkpoint (a resumed run). */
  readonly startSaved?: boolean;
  /** Training threads that compute each micro-batch in shards (absent: this thread alone). */
  readonly pool?: GradientPool;
}

export type LoopResult = DriveResult;

/** Micro-batches and optimizer steps per epoch for a split of `images` images. */
export function stepsPerEpoch(images: number, h: PretrainHyper): { micro: number; steps: number } {
  const micro = Math.floor(images / h.batch);
  return { micro, steps: Math.floor(micro / h.accum) };
}

/**
 * Runs from `ctx.start` to the end of the last epoch, or until `shouldStop`, on the one
 * training driver (driver.ts). Throws TRAIN001 naming the step when a loss is not finite
 * (nothing is applied or saved for that step).
 */
export async function runLoop(ctx: LoopContext, hooks: LoopHooks): Promise<LoopResult> {
  const { program, state, dataset, hyper, rng } = ctx;
  const { channels, imageSize, grid, numVisible } = program.graph.meta;
  const images = Math.min(dataset.splits.train, hyper.limit ?? Infinity);
  const { micro, steps } = stepsPerEpoch(images, hyper);
  if (steps === 0)
    throw new TrainError('TRAIN004', `${dataset.name} has ${images} training images, fewer than one optimizer step needs (batch ${hyper.batch} x accum ${hyper.accum})`);
  const schedule = scheduleOf(hyper);
  let last = performance.now();
  let lastLr = 0;

  // One item per optimizer step: the images of its A micro-batches. Their masking noise is drawn
  // when the step runs, micro-batch by micro-batch, so that the driver may fetch the next
  // step's images early while the generator's state at a checkpoint is still the step's own.
  async function* groups(epoch: number, skipUnits: number): AsyncGenerator<ImageBatch[]> {
    const batches = dataset.batches('train', {
      batchSize: hyper.batch,
      imageSize,
      channels,
      seed: hyper.seed,
      epoch,
      augment: PRETRAIN_PIPELINE[ctx.augment],
      dropLast: true,
      skipBatches: skipUnits,
      ...(hyper.limit !== undefined ? { limit: hyper.limit } : {}),
    });
    let group: ImageBatch[] = [];
    for await (const b of batches) {
      group.push({ images: b.images, size: b.size });
      if (group.length < hyper.accum) continue;
      yield group;
      group = [];
    }
  }

  return drive<ImageBatch[]>(
    { epochs: hyper.epochs, stepsPerEpoch: steps, unitsPerStep: hyper.accum, unitsPerEpoch: micro, start: ctx.start, checkpointEvery: hyper.checkpointEvery, startSaved: ctx.startSaved === true },
    {
      batches: groups,
      step: async (group, at) => {
        lastLr = learningRate(schedule, at.epochFraction);
        const micro: MicroBatch[] = group.map((b) => ({ ...b, noise: sampleNoise(ctx.strategy, b.size, grid, numVisible, rng) })); // noise [B, L]
        return (await optimizerStep(program, state, micro, lastLr, ctx.pool)).loss;
      },
      afterStep: (r) => {
        const now = performance.now();
        hooks.onStep({ step: r.step, epoch: r.epochFraction, loss: r.loss, lr: lastLr, imagesPerSecond: (hyper.batch * hyper.accum * 1000) / Math.max(1e-3, now - last) });
        last = now;
      },
      epochEnd: async (epochsDone, step) => {
        await hooks.onEpochEnd(epochsDone, step);
        last = performance.now();
      },
      checkpoint: hooks.checkpoint,
      shouldStop: hooks.shouldStop,
    },
  );
}
