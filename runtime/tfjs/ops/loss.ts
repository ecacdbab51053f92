import * as tf from '@tensorflow/tfjs-core';

/** Per patch (t - mean) / sqrt(var + eps), with the unbiased variance (divide by n - 1). */
export function normalizePatches(target: tf.Tensor, eps: number): tf.Tensor {
  const n = target.shape[target.shape.length - 1]!;
  const mean = tf.mean(target, -1, true);
  const centered = tf.sub(target, mean);
  const variance = tf.div(tf.sum(tf.square(centered), -1, true), n - 1);
  return tf.div(centered, tf.sqrt(tf.add(variance, eps)));
}

/** sum_l(mask * mean_over_patch((pred - target)^2)) / sum(mask): the loss on removed patches only. */
export function maskedMse(pred: tf.Tensor, target: tf.Tensor, mask: tf.Tensor): tf.Scalar {
  const perPatch = tf.mean(tf.squaredDifference(pred, target), -1); // [N, L]
  return tf.div(tf.sum(tf.mul(perPatch, mask)), tf.sum(mask)) as tf.Scalar;
}

/** mean_n(-sum_c labels[n, c] * logSoftmax(logits)[n, c]): logits, labels [N, C] -> scalar. */
export function crossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Scalar {
  const logp = tf.logSoftmax(logits as tf.Tensor2D); // [N, C]
  return tf.neg(tf.mean(tf.sum(tf.mul(labels, logp), 1))) as tf.Scalar;
}
