import * as tf from '@tensorflow/tfjs-core';

/**
 * Cross-entropy with label smoothing, as timm's `LabelSmoothingCrossEntropy`:
 *   loss = mean_n[(1 - s) * (-log p[n, y_n]) + s * mean_c(-log p[n, c])]
 * logits [N, C], labels [N] int32 -> scalar. s = 0 is plain cross-entropy.
 */
export function smoothedCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, smoothing: number): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[1]!;
    const logp = tf.logSoftmax(logits as tf.Tensor2D); // [N, C]
    const onehot = tf.oneHot(labels as tf.Tensor1D, classes); // [N, C]
    const nll = tf.neg(tf.sum(tf.mul(logp, onehot), 1)); // [N]
    const smooth = tf.neg(tf.mean(logp, 1)); // [N]
    return tf.mean(tf.add(tf.mul(nll, 1 - smoothing), tf.mul(smooth, smoothing))) as tf.Scalar;
  });
}
