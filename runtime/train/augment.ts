/**
 * The data pipeline's augmentation for each of the spec's pretraining settings (Table 1e).
 * Every one but `none` flips where the data allows it; `crop` is the recipe.
 */
import type { PretrainAugment } from '../../dsl/spec.ts';
import type { Augment } from '../data/index.ts';

export const PRETRAIN_PIPELINE: Readonly<Record<PretrainAugment, Augment>> = Object.freeze({
  none: 'none',
  'crop-fixed': 'pretrain-fixed-crop',
  crop: 'pretrain',
  'crop+jitter': 'pretrain+jitter',
});
