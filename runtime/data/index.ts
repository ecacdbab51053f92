/** Datasets for maec: source strings, batches, augmentation, normalisation. */
export type { Augment, Batch, BatchOptions, ChannelStats, Dataset, SkippedImage, Split } from './types.ts';
export { AUGMENTS } from './types.ts';
export { DataError, type DataErrorCode } from './errors.ts';
export { parseSource, formatSource, DEFAULT_SOURCE, SOURCE_FORMS, type DataSource, type ParseResult } from './source.ts';
export { openDataset, type OpenOptions } from './open.ts';
export { checkCompatibility } from './compatibility.ts';
export { MNIST_STATS, FASHION_MNIST_STATS, IMAGENET_STATS, HALF_STATS, statsForChannels } from './stats.ts';
export {
  sampleResizedCrop,
  sampleFixedCrop,
  sampleJitter,
  applyJitter,
  augmentImage,
  AUGMENT_STEPS,
  MAE_CROP,
  FIXED_CROP_FRACTION,
  JITTER_STRENGTH,
  type CropRanges,
  type AugmentSteps,
  type Jitter,
  type JitterOp,
} from './augment.ts';
export { epochOrder, augmentRng, mixSeed } from './order.ts';
export { parseIdx, readIdxFile, readIdxPair, type IdxArray } from './idx.ts';
export { FASHION_MNIST_DIR, FASHION_MNIST_CLASSES } from './fashion-mnist.ts';
export { SYNTHETIC_DEFAULTS, SYNTHETIC_CLASSES, drawSynthetic, type SyntheticOptions } from './synthetic.ts';
export type { Pixels } from './store.ts';
export { labelSubset, labelledTrainImages, trainingImages, classQuota, describeLabels, parseLabelsFlag, type LabelChoice, type LabelRecord, type TrainingImages } from './labels.ts';
