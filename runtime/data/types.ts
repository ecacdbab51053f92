/**
 * The data contract between datasets and the trainer: a Dataset describes itself (channels,
 * native size, classes, split sizes, normalisation) and streams normalised batches.
 */

/** Which part of a dataset to read. */
export type Split = 'train' | 'test';

/**
 * Per-image augmentation (the steps of each are in `AUGMENT_STEPS`, runtime/data/augment.ts).
 * - `none`: resize only (evaluation).
 * - `pretrain`: RandomResizedCrop(scale 0.2..1, ratio 3/4..4/3) + horizontal flip p = 0.5, the
 *   MAE pretraining recipe; the flip is left out for datasets where mirroring changes meaning
 *   (digits), see `Dataset.allowFlip`.
 * - `pretrain-fixed-crop`: `pretrain` with a fixed-size crop in place of RandomResizedCrop: a
 *   square of 7/8 of the shorter side (Resize(256) + RandomCrop(224)) at a uniform position.
 * - `pretrain+jitter`: `pretrain`, then colour jitter (brightness, contrast and, for colour
 *   images, saturation factors in [0.6, 1.4], in random order, values clamped to [0, 1]).
 * - `crop`: RandomResizedCrop only, never a flip.
 * - `flip`: resize + horizontal flip p = 0.5 (when the dataset allows it).
 * The pretraining modes are what the spec's `augment` chooses (runtime/train/augment.ts).
 */
export type Augment = 'none' | 'pretrain' | 'pretrain-fixed-crop' | 'pretrain+jitter' | 'crop' | 'flip';

/** The accepted `Augment` values, for parsers and error messages. */
export const AUGMENTS: readonly Augment[] = Object.freeze(['none', 'pretrain', 'pretrain-fixed-crop', 'pretrain+jitter', 'crop', 'flip']);

/** Per-channel mean and standard deviation of pixel values in [0, 1]. */
export interface ChannelStats {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** Options of `Dataset.batches`. */
export interface BatchOptions {
  /** Images per batch (B). */
  readonly batchSize: number;
  /** Output side length S; images are resized (bilinear) to S x S. */
  readonly imageSize: number;
  /** Output channels C: 1 or 3. Grey data is replicated into 3 channels; colour into 1 is an error. */
  readonly channels: number;
  /** Seeds shuffling and augmentation; with `epoch` it fixes the whole stream. */
  readonly seed: number;
  /** Epoch number; each epoch has its own order and augmentation draws. */
  readonly epoch: number;
  readonly augment: Augment;
  /** Drop the last batch when it has fewer than `batchSize` images. */
  readonly dropLast: boolean;
  /** Shuffle the order (default true for 'train', false for 'test'). */
  readonly shuffle?: boolean;
  /** Use only the first `limit` images of the split (before shuffling), e.g. for quick runs. */
  readonly limit?: number;
  /** Skip this many batches of the epoch without decoding them (resuming mid-epoch). */
  readonly skipBatches?: number;
  /**
   * Use only these images of the split (ascending indices, e.g. a labelled subset from
   * runtime/data/labels.ts), shuffled and augmented as the whole split would be; not with `limit`.
   */
  readonly indices?: ArrayLike<number>;
}

/** One batch. */
export interface Batch {
  /** [B, C, S, S] row-major, normalised with the dataset's stats. */
  readonly images: Float32Array;
  /** [B] class ids; -1 where the dataset has no labels. */
  readonly labels: Int32Array;
  /** [B] indices of the images within the split (stable across epochs). */
  readonly indices: Int32Array;
  /** B (the last batch may be smaller unless `dropLast`). */
  readonly size: number;
}

/** An image that could not be read, reported instead of crashing. */
export interface SkippedImage {
  readonly path: string;
  readonly reason: string;
}

/** A source of images, opened by `openDataset`. */
export interface Dataset {
  /** Short name, e.g. `mnist`, `fashion-mnist`, `folder:photos`, `synthetic`. */
  readonly name: string;
  /** Channels of the stored images: 1 (grey) or 3 (RGB). */
  readonly channels: 1 | 3;
  /** Native side length, or null when images differ in size (folders). */
  readonly imageSize: number | null;
  /** Number of classes, or null when the dataset has no labels. */
  readonly numClasses: number | null;
  /** Class names in label order, or null when unlabelled. */
  readonly classNames: readonly string[] | null;
  /** Number of images in each split (test may be 0). */
  readonly splits: Readonly<Record<Split, number>>;
  /** Normalisation applied to every batch, per stored channel. */
  readonly stats: ChannelStats;
  /** Whether a horizontal flip keeps an image's meaning (false for digits). */
  readonly allowFlip: boolean;
  /** Class id of every image of a split, in index order (-1 where unlabelled), without decoding any image. */
  labels(split: Split): Int32Array;
  /** Streams batches of one split. */
  batches(split: Split, options: BatchOptions): AsyncIterable<Batch>;
  /** Images skipped so far because they could not be read (folders only; otherwise empty). */
  skipped(): readonly SkippedImage[];
}
