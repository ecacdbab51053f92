import * as tf from '@tensorflow/tfjs-core';
import type { Graph } from '../../compiler/ir/types.ts';
import type { Rng } from '../rng.ts';
import { drawDropPathKeeps } from './drop-path.ts';
import { evaluateOutput } from './forward.ts';
import { smoothedCrossEntropy } from './loss.ts';

/**
 * The smoothed cross-entropy of a classifier on one batch with fresh drop-path draws, and its
 * gradient for each parameter named in `tuned` (the rest are read but not differentiated).
 * imgs [B, C, H, W], labels [B] int32. The caller disposes the loss and the gradients.
 */
export function classifierLossAndGrads(
  graph: Graph,
  params: ReadonlyMap<string, tf.Tensor>,
  tuned: readonly string[],
  imgs: tf.Tensor,
  labels: tf.Tensor,
  smoothing: number,
  rng: Rng,
): { loss: tf.Scalar; grads: Map<string, tf.Tensor> } {
  const draws = drawDropPathKeeps(graph, imgs.shape[0]!, rng);
  const keep = new Map([...draws].map(([id, k]) => [id, tf.tensor1d(k)]));
  const xs = tuned.map((name) => params.get(name)!);
  const { value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) => {
    const bound = new Map(params);
    tuned.forEach((name, i) => bound.set(name, ts[i]!));
    return smoothedCrossEntropy(evaluateOutput(graph, bound, imgs, 'logits', keep), labels, smoothing);
  })(xs);
  tf.dispose([...keep.values()]);
  return { loss: value as tf.Scalar, grads: new Map(tuned.map((name, i) => [name, grads[i]!])) };
}
