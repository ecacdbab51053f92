import * as tf from '@tensorflow/tfjs-core';

/**
 * imgs [N, C, g*p, g*p] -> [N, L, p*p*C], patch l = i*g + j. Every transpose is rank 4.
 * - 'hwc' (the loss target): element (r*p + s)*C + c.
 * - 'chw' (the conv weight's order): element (c*p + r)*p + s.
 */
export function patchify(imgs: tf.Tensor, patch: number, order: 'hwc' | 'chw'): tf.Tensor {
  const [n, c, h] = imgs.shape as [number, number, number, number];
  const p = patch;
  const g = h / p;
  if (order === 'chw') {
    const rows = tf.reshape(imgs, [n * c * g, p, g, p]); // (n,c,i), r, j, s
    const blocks = tf.transpose(rows, [0, 2, 1, 3]); // (n,c,i), j, r, s
    const byChannel = tf.reshape(blocks, [n, c, g * g, p * p]);
    return tf.reshape(tf.transpose(byChannel, [0, 2, 1, 3]), [n, g * g, c * p * p]); // n, l, (c,r,s)
  }
  const nhwc = tf.transpose(imgs, [0, 2, 3, 1]); // [N, H, W, C]
  const rows = tf.reshape(nhwc, [n * g, p, g, p * c]); // (n,i), r, j, (s,c)
  return tf.reshape(tf.transpose(rows, [0, 2, 1, 3]), [n, g * g, p * p * c]); // n, l, (r,s,c)
}
