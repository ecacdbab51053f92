/**
 * The images and masks drawn after every epoch: a few held-out test images (train when the
 * data has no test split) in a seeded shuffled order, so that class-ordered data such as the
 * embedded MNIST shows several classes, unaugmented, with masking noise from their own seed, so the
 * figures of successive epochs compare like for like and drawing them never touches the
 * training stream. The masks follow the spec's strategy, so a block- or grid-masked run shows
 * the masks it trains with.
 */
import type { MaskStrategy } from '../../dsl/spec.ts';
import type { Dataset } from '../data/index.ts';
import { sampleNoise } from '../masking/noise.ts';
import { Rng } from '../rng.ts';

export interface FixedImages {
  /** [N, C, S, S], normalised. */
  readonly images: Float32Array;
  /** [N, L] masking noise of `strategy` (the K smallest of each row are kept). */
  readonly noise: Float32Array;
}

/** What fixedImages needs of the graph's meta: the image shape, the patch grid side and K. */
export interface FixedImagesMeta {
  readonly channels: number;
  readonly imageSize: number;
  readonly grid: number;
  readonly numVisible: number;
}

export async function fixedImages(dataset: Dataset, meta: FixedImagesMeta, strategy: MaskStrategy, seed: number, count = 8): Promise<FixedImages> {
  const split = dataset.splits.test > 0 ? 'test' : 'train';
  const n = Math.min(count, dataset.splits[split]);
  const options = { batchSize: n, imageSize: meta.imageSize, channels: meta.channels, seed, epoch: 0, augment: 'none', dropLast: false, shuffle: true } as const;
  for await (const b of dataset.batches(split, options)) {
    return { images: b.images, noise: sampleNoise(strategy, b.size, meta.grid, meta.numVisible, Rng.fromSeed(seed + 0x51ed)) };
  }
  throw new Error(`${dataset.name} has no images to draw reconstructions from`);
}
