import * as tf from '@tensorflow/tfjs-core';

/** Global average pooling of tokens: x [N, T, D] -> [N, D]. */
export function meanTokens(x: tf.Tensor): tf.Tensor {
  return tf.mean(x, 1);
}

/**
 * Stochastic depth: x [N, ...] times keep [N] (1 = keep, 0 = drop this sample's branch), scaled
 * by 1 / (1 - rate) so that the expectation is unchanged (timm's `drop_path`). Without `keep`
 * (evaluation) it is the identity.
 */
export function dropPath(x: tf.Tensor, rate: number, keep: tf.Tensor | undefined): tf.Tensor {
  if (keep === undefined || rate === 0) return x;
  const shape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
  return tf.mul(x, tf.reshape(tf.div(keep, 1 - rate), shape)); // [N, 1, ..., 1] broadcast
}
