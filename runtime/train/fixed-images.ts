/**
 * The images and masks drawn after every epoch: a few held-out test images (train when the
 * data has no test split) in a seeded shuffled order, so that class-ordered data such as the
 * embedded MNIST shows several classes, unaugmented, with masking noise from their own seed, so the
 * figures of successive epochs compare like for like and drawing them never touches the
 * training stream.
 */
import type { Dataset } from '../data/index.ts';
import { Rng } from '../rng.ts';

export interface FixedImages {
  /** [N, C, S, S], normalised. */
  readonly images: Float32Array;
  /** [N, L] uniform noise. */
  readonly noise: Float32Array;
}

export async function fixedImages(dataset: Dataset, meta: { channels: number; imageSize: number; numPatches: number }, seed: number, count = 8): Promise<FixedImages> {
  const split = dataset.splits.test > 0 ? 'test' : 'train';
  const n = Math.min(count, dataset.splits[split]);
  const options = { batchSize: n, imageSize: meta.imageSize, channels: meta.channels, seed, epoch: 0, augment: 'none', dropLast: false, shuffle: true } as const;
  for await (const b of dataset.batches(split, options)) {
    return { images: b.images, noise: Rng.fromSeed(seed + 0x51ed).uniformArray(b.size * meta.numPatches) };
  }
  throw new Error(`${dataset.name} has no images to draw reconstructions from`);
}
