import * as tf from '@tensorflow/tfjs-core';

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/**
 * Exact GELU, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), as torch.nn.GELU(), with a fused
 * gradient: the tape keeps x alone instead of every intermediate (the MLP's widest tensor
 * would otherwise be stored four times), and
 *   d/dx = Phi(x) + x * phi(x),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi).
 */
export const gelu = tf.customGrad((x, save) => {
  (save as tf.GradSaveFunc)([x as tf.Tensor]);
  const value = tf.tidy(() => tf.mul(tf.mul(x as tf.Tensor, 0.5), tf.add(tf.erf(tf.mul(x as tf.Tensor, Math.SQRT1_2)), 1)));
  return {
    value,
    gradFunc: (dy: tf.Tensor, [xs]: tf.Tensor[]) =>
      tf.tidy(() => {
        const cdf = tf.mul(tf.add(tf.erf(tf.mul(xs!, Math.SQRT1_2)), 1), 0.5);
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs!), -0.5)), INV_SQRT_2PI);
        return tf.mul(dy, tf.add(cdf, tf.mul(xs!, pdf)));
      }),
  };
}) as (x: tf.Tensor) => tf.Tensor;
