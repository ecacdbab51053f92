import * as tf from '@tensorflow/tfjs-core';

/** [N, T, H*hd] -> [N*H, T, hd] (rank-4 transpose). */
function splitHeads(x: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor3D {
  const x4 = tf.reshape(x, [n, t, heads, hd]);
  return tf.reshape(tf.transpose(x4, [0, 2, 1, 3]), [n * heads, t, hd]); // [N*H, T, hd]
}

/**
 * Multi-head self-attention core: qkv [N, T, 3D] -> [N, T, D]. q, k, v are the column blocks
 * [0, D), [D, 2D), [2D, 3D); head h uses columns h*hd .. (h+1)*hd - 1 of each; scores are
 * (q k^T) * hd^-0.5, softmax over keys.
 */
export function attention(qkv: tf.Tensor, heads: number): tf.Tensor {
  const [n, t, three] = qkv.shape as [number, number, number];
  const d = three / 3;
  const hd = d / heads;
  const [q, k, v] = tf.split(qkv, 3, 2); // each [N, T, D]
  const qh = splitHeads(q!, n, t, heads, hd);
  const kh = splitHeads(k!, n, t, heads, hd);
  const vh = splitHeads(v!, n, t, heads, hd);
  const scores = tf.mul(tf.matMul(qh, kh, false, true), hd ** -0.5); // [N*H, T, T]
  const weights = tf.softmax(scores);
  const out = tf.matMul(weights, vh); // [N*H, T, hd]
  const merged = tf.transpose(tf.reshape(out, [n, heads, t, hd]), [0, 2, 1, 3]); // [N, T, H, hd]
  return tf.reshape(merged, [n, t, d]);
}
