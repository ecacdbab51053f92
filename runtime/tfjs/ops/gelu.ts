import * as tf from '@tensorflow/tfjs-core';

/** Exact GELU, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), as torch.nn.GELU(). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
}
