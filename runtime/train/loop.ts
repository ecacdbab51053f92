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
import { optimizerStep, type MicroBatch } from './step.ts';

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
  /** Use only the first N training images (quick runs and tests). */
  readonly limit?: number;
}

export type LoopResult = { readonly kind: 'finished'; readonly position: Position } | { readonly kind: 'stopped'; readonly position: Position };

/** Micro-batches and optimizer steps per epoch for a split of `images` images. */
export function stepsPerEpoch(images: number, h: PretrainHyper): { micro: number; steps: number } {
  const micro = Math.floor(images / h.batch);
  return { micro, steps: Math.floor(micro / h.accum) };
}

/**
 * Runs from `ctx.start` to the end of the last epoch, or until `shouldStop`. Throws TRAIN001
 * naming the step when a loss is not finite (nothing is applied or saved for that step).
 */
export async function runLoop(ctx: LoopContext, hooks: LoopHooks): Promise<LoopResult> {
  const { program, state, dataset, hyper, rng } = ctx;
  const { channels, imageSize, grid, numVisible } = program.graph.meta;
  const images = Math.min(dataset.splits.train, ctx.limit ?? Infinity);
  const { micro, steps } = stepsPerEpoch(images, hyper);
  if (steps === 0)
    throw new TrainError('TRAIN004', `${dataset.name} has ${images} training images, fewer than one optimizer step needs (batch ${hyper.batch} x accum ${hyper.accum})`);
  const schedule = scheduleOf(hyper);
  const perEpoch = steps * hyper.accum;
  let step = ctx.start.step;
  let last = performance.now();

  for (let epoch = ctx.start.epoch; epoch < hyper.epochs; epoch++) {
    let consumed = epoch === ctx.start.epoch ? ctx.start.batchInEpoch : 0;
    const group: MicroBatch[] = [];
    const batches = dataset.batches('train', {
      batchSize: hyper.batch,
      imageSize,
      channels,
      seed: hyper.seed,
      epoch,
      augment: PRETRAIN_PIPELINE[ctx.augment],
      dropLast: true,
      skipBatches: consumed,
      ...(ctx.limit !== undefined ? { limit: ctx.limit } : {}),
    });
    for await (const b of consumed < perEpoch ? batches : []) {
      group.push({ images: b.images, noise: sampleNoise(ctx.strategy, b.size, grid, numVisible, rng), size: b.size }); // noise [B, L]
      if (group.length < hyper.accum) continue;
      const lr = learningRate(schedule, epoch + consumed / micro);
      const outcome = optimizerStep(program, state, group, lr);
      step += 1;
      consumed += hyper.accum;
      if (!outcome.ok)
        throw new TrainError('TRAIN001', `loss is ${outcome.loss} at step ${step} (epoch ${epoch + 1}, batch ${consumed / hyper.accum} of ${steps}); stopped without saving, the last good checkpoint is kept`);
      const now = performance.now();
      hooks.onStep({ step, epoch: epoch + consumed / micro, loss: outcome.loss, lr, imagesPerSecond: (hyper.batch * hyper.accum * 1000) / Math.max(1e-3, now - last) });
      last = now;
      group.length = 0;
      // The data pipeline may resolve from microtasks alone; a macrotask turn lets signal
      // handlers (Ctrl-C) run between steps.
      await new Promise((resolve) => setImmediate(resolve));
      if (consumed >= perEpoch) break;
      const position = { step, epoch, batchInEpoch: consumed };
      if (hooks.shouldStop()) {
        await hooks.checkpoint(position);
        return { kind: 'stopped', position };
      }
      if (hyper.checkpointEvery > 0 && step % hyper.checkpointEvery === 0) await hooks.checkpoint(position);
    }
    const position = { step, epoch: epoch + 1, batchInEpoch: 0 };
    await hooks.onEpochEnd(epoch + 1, step);
    await hooks.checkpoint(position);
    last = performance.now();
    if (epoch + 1 < hyper.epochs && hooks.shouldStop()) return { kind: 'stopped', position };
  }
  return { kind: 'finished', position: { step, epoch: hyper.epochs, batchInEpoch: 0 } };
}
