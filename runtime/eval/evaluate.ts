import * as tf from '@tensorflow/tfjs-core';
import type { Dataset, Split } from '../data/index.ts';
import type { Program } from '../tfjs/program.ts';
import { confusionOf, type Confusion } from './confusion.ts';

/**
 * Top-1 predictions of a classifier graph on a split (no augmentation, in order), as a
 * confusion matrix. Drop path is the identity here.
 */
export async function evaluateClassifier(program: Program, params: ReadonlyMap<string, tf.Tensor>, dataset: Dataset, split: Split, numClasses: number, options: { batchSize: number; limit?: number }): Promise<Confusion> {
  const { imageSize: s, channels: c } = program.graph.meta;
  const labels: number[] = [];
  const predictions: number[] = [];
  const stream = dataset.batches(split, { batchSize: options.batchSize, imageSize: s, channels: c, seed: 0, epoch: 0, augment: 'none', dropLast: false, shuffle: false, ...(options.limit !== undefined ? { limit: options.limit } : {}) });
  for await (const batch of stream) {
    const pred = tf.tidy(() => tf.argMax(program.run(params, { imgs: tf.tensor(batch.images, [batch.size, c, s, s]) }, ['logits'])['logits']!, 1)); // [B]
    predictions.push(...(await pred.data()));
    pred.dispose();
    labels.push(...batch.labels);
  }
  return confusionOf(Int32Array.from(labels), Int32Array.from(predictions), numClasses);
}
