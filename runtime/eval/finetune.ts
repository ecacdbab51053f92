import type { Augment } from '../data/index.ts';
import { RECIPE_REPROB } from '../data/erasing.ts';
import { RECIPE_RANDAUGMENT } from '../data/randaugment.ts';
import type { RandAugmentConfig } from '../data/types.ts';

/** The fine-tuning recipe (MAE-SPEC "Fine-tuning"), sized by the caller; finetune-run.ts runs it. */
export interface FinetuneConfig {
  readonly epochs: number;
  readonly batchSize: number;
  /** lr = blr * batch / 256. */
  readonly blr: number;
  readonly minLr: number;
  readonly warmupEpochs: number;
  readonly layerDecay: number;
  readonly weightDecay: number;
  readonly smoothing: number;
  /** Fine-tune only the last K blocks (+ fc_norm, head); null: every parameter. */
  readonly blocks: number | null;
  readonly seed: number;
  readonly augment: Augment;
  /** Use only the first images of each split (quick runs). */
  readonly trainLimit?: number;
  readonly testLimit?: number;
  /** Mixup's Beta concentration (runtime/eval/mix.ts); absent: off. */
  readonly mixup?: number;
  /** CutMix's Beta concentration; absent: off. */
  readonly cutmix?: number;
  /** RandAugment on training images (runtime/data/randaugment.ts); absent: off. */
  readonly randAugment?: RandAugmentConfig;
  /** Random erasing probability on training images (runtime/data/erasing.ts); absent: off. */
  readonly reprob?: number;
  /** Training threads computing shards of every batch (runtime/parallel); absent: 1. */
  readonly threads?: number;
}

/**
 * Defaults for the small 28x28 models on a CPU, the recipe's regularisers as they are: AdamW
 * default betas, wd 0.05, layer decay 0.75, label smoothing 0.1, drop path 0.1 (in the graph,
 * FINETUNE_CLASSIFIER), mixup 0.8 and CutMix 1.0 (one of the two per batch), RandAugment 2 ops
 * at magnitude 9 with noise std 0.5 (timm's rand-m9-mstd0.5-inc1; its geometric ranges are
 * fractions of the side or angles, so nothing needs rescaling for 28-32 px), random erasing
 * 0.25 (one box, per-pixel noise). Set each to 0 (`mixup: 0`, or leave `randAugment` and
 * `reprob` out) to turn it off.
 * Sized for the hardware instead of copied: blr 1e-2, ten times the recipe's 1e-3: the recipe's
 * 100 epochs at batch 1024 become a few epochs at batch 64 here, and one epoch on 20k
 * Fashion-MNIST images without mixing or RandAugment measured 75% top-1 at blr 1e-2 against
 * 60-66% at 2e-3-4e-3 and 49% at 4e-2 (docs/evaluation.md); warmup 1 of 10 epochs (recipe: 5 of
 * 100); min lr 1e-6. The crop step is `flip` (resize + flip where the data allows), not the
 * recipe's RandomResizedCrop, as before.
 */
export const FINETUNE_DEFAULTS: FinetuneConfig = Object.freeze({
  epochs: 10,
  batchSize: 64,
  blr: 1e-2,
  minLr: 1e-6,
  warmupEpochs: 1,
  layerDecay: 0.75,
  weightDecay: 0.05,
  smoothing: 0.1,
  blocks: null,
  seed: 0,
  augment: 'flip',
  mixup: 0.8,
  cutmix: 1.0,
  randAugment: RECIPE_RANDAUGMENT,
  reprob: RECIPE_REPROB,
});

/** The defaults with mixup, CutMix, RandAugment and random erasing off: the plain fine-tune of earlier maec. */
export const FINETUNE_PLAIN: FinetuneConfig = Object.freeze(
  (({ mixup: _m, cutmix: _c, randAugment: _r, reprob: _e, ...rest }) => rest)(FINETUNE_DEFAULTS),
);
