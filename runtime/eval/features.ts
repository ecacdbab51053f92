import * as tf from '@tensorflow/tfjs-core';
import type { Graph } from '../../compiler/ir/types.ts';
import type { Dataset, Split } from '../data/index.ts';
import type { GradientPool } from '../parallel/pool.ts';
import { lower } from '../tfjs/program.ts';
import { fetchAhead } from '../train/driver.ts';
import type { Target } from '../tfjs/target.ts';

/** Labelled feature vectors of one split: features [N, D] row-major, labels [N]. */
export interface FeatureSet {
  readonly features: Float32Array;
  readonly labels: Int32Array;
  readonly dim: number;
}

export interface ExtractOptions {
  readonly batchSize: number;
  /** Use only the first `limit` images of the split. */
  readonly limit?: number;
  /** Use only these images of the split (ascending, e.g. a labelled subset); not with `limit`. */
  readonly indices?: ArrayLike<number>;
  /** Called after each batch with the images done so far. */
  readonly onBatch?: (done: number, total: number) => void;
  /** Threads that run the encoder on shards of each batch (started for `encoder`, params published). */
  readonly pool?: GradientPool;
}

/**
 * Which feature of the encoder's output a probe reads: `cls`, the cls token (the recipe), or
 * `mean`, the average of the patch tokens (what fine-tuning pools, before its fc_norm).
 */
export type Pooling = 'cls' | 'mean';
export const POOLINGS: readonly Pooling[] = Object.freeze(['cls', 'mean']);

/**
 * The pooled output of a frozen encoder (`buildGraph(spec, 'encoder')`, after the final norm)
 * for every image of a split, in order, without augmentation: the linear probe's input feature.
 */
export async function extractFeatures(dataset: Dataset, split: Split, encoder: Graph, target: Target, params: ReadonlyMap<string, tf.Tensor>, pooling: Pooling, options: ExtractOptions): Promise<FeatureSet> {
  const { imageSize: s, channels: c, encoderWidth: dim } = encoder.meta;
  const total = options.indices?.length ?? Math.min(dataset.splits[split], options.limit ?? Infinity);
  const features = new Float32Array(total * dim);
  const labels = new Int32Array(total);
  const program = lower(encoder, target);
  let done = 0;
  const stream = dataset.batches(split, { batchSize: options.batchSize, imageSize: s, channels: c, seed: 0, epoch: 0, augment: 'none', dropLast: false, shuffle: false, ...(options.limit !== undefined ? { limit: options.limit } : {}), ...(options.indices !== undefined ? { indices: options.indices } : {}) });
  for await (const batch of fetchAhead(stream)) {
    const shape = [batch.size, c, s, s];
    const sharded = options.pool ? (await options.pool.run({ imgs: { data: batch.images, shape } }, ['latent']))['latent']! : undefined;
    const pooled = tf.tidy(() => {
      const latent = sharded ? tf.tensor(sharded.data, [...sharded.shape]) : program.run(params, { imgs: tf.tensor(batch.images, shape) }, ['latent'])['latent']!; // [B, 1+L, D]
      if (pooling === 'mean') return tf.mean(tf.slice(latent, [0, 1, 0], [batch.size, -1, dim]), 1); // [B, D]
      return tf.reshape(tf.slice(latent, [0, 0, 0], [batch.size, 1, dim]), [batch.size, dim]); // [B, D]
    });
    features.set(await pooled.data(), done * dim);
    pooled.dispose();
    labels.set(batch.labels, done);
    done += batch.size;
    options.onBatch?.(done, total);
  }
  return { features: features.subarray(0, done * dim), labels: labels.subarray(0, done), dim };
}
