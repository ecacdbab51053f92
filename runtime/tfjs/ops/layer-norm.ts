import * as tf from '@tensorflow/tfjs-core';

/** LayerNorm over the last axis with the biased variance, as torch.nn.LayerNorm. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const normalized = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(normalized, gamma), beta);
}
