import * as tf from '@tensorflow/tfjs-core';

/**
 * LayerNorm over the last axis with the biased variance, as torch.nn.LayerNorm, with a fused
 * gradient that keeps only the normalised input and 1/sigma on the tape:
 *   y = xhat * gamma + beta,  xhat = (x - mean) * r,  r = 1 / sqrt(var + eps)
 *   dbeta = sum dy,  dgamma = sum dy * xhat   (over every axis but the last)
 *   dx = r * (g - mean(g) - xhat * mean(g * xhat)),  g = dy * gamma   (means over the last axis)
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number): tf.Tensor {
  const d = x.shape[x.shape.length - 1]!;
  const fused = tf.customGrad((xs, g, b, save) => {
    const { xhat, r } = tf.tidy(() => {
      const { mean, variance } = tf.moments(xs as tf.Tensor, -1, true);
      const rstd = tf.rsqrt(tf.add(variance, eps));
      return { xhat: tf.mul(tf.sub(xs as tf.Tensor, mean), rstd), r: rstd };
    });
    (save as tf.GradSaveFunc)([xhat, r, g as tf.Tensor]);
    return {
      value: tf.tidy(() => tf.add(tf.mul(xhat, g as tf.Tensor), b as tf.Tensor)),
      gradFunc: (dy: tf.Tensor, [xh, rs, gm]: tf.Tensor[]) =>
        tf.tidy(() => {
          const dy2 = tf.reshape(dy, [-1, d]);
          const xh2 = tf.reshape(xh!, [-1, d]);
          const dBeta = tf.sum(dy2, 0);
          const dGamma = tf.sum(tf.mul(dy2, xh2), 0);
          const g2 = tf.mul(dy, gm!);
          const dx = tf.mul(rs!, tf.sub(tf.sub(g2, tf.mean(g2, -1, true)), tf.mul(xh!, tf.mean(tf.mul(g2, xh!), -1, true))));
          return [dx, dGamma, dBeta];
        }),
    };
  }) as (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  return fused(x, gamma, beta);
}
