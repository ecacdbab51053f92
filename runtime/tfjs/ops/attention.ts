import * as tf from '@tensorflow/tfjs-core';

/** [N, T, H*hd] -> [N*H, T, hd] (rank-4 transpose). */
function splitHeads(x: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor3D {
  const x4 = tf.reshape(x, [n, t, heads, hd]);
  return tf.reshape(tf.transpose(x4, [0, 2, 1, 3]), [n * heads, t, hd]); // [N*H, T, hd]
}

/** [N*H, T, hd] -> [N, T, H*hd]. */
function mergeHeads(x: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor {
  const x4 = tf.transpose(tf.reshape(x, [n, heads, t, hd]), [0, 2, 1, 3]); // [N, T, H, hd]
  return tf.reshape(x4, [n, t, heads * hd]);
}

/**
 * Multi-head self-attention core: qkv [N, T, 3D] -> [N, T, D]. q, k, v are the column blocks
 * [0, D), [D, 2D), [2D, 3D); head h uses columns h*hd .. (h+1)*hd - 1 of each; scores are
 * (q k^T) * hd^-0.5, softmax over keys.
 *
 * The gradient is fused: the tape keeps q, k, v per head and the attention weights P, not
 * every reshape, transpose and intermediate of the forward pass. With dO the upstream
 * gradient per head:
 *   dV = P^T dO,  dP = dO V^T,  dS = P * (dP - rowsum(dP * P)),
 *   dQ = dS K * scale,  dK = dS^T Q * scale.
 */
export function attention(qkv: tf.Tensor, heads: number): tf.Tensor {
  const [n, t, three] = qkv.shape as [number, number, number];
  const d = three / 3;
  const hd = d / heads;
  const scale = hd ** -0.5;
  const fused = tf.customGrad((x, save) => {
    const { qh, kh, vh, p, out } = tf.tidy(() => {
      const [q, k, v] = tf.split(x as tf.Tensor, 3, 2); // each [N, T, D]
      const qh = splitHeads(q!, n, t, heads, hd);
      const kh = splitHeads(k!, n, t, heads, hd);
      const vh = splitHeads(v!, n, t, heads, hd);
      const p = tf.softmax(tf.mul(tf.matMul(qh, kh, false, true), scale)); // [N*H, T, T]
      const out = mergeHeads(tf.matMul(p, vh), n, t, heads, hd); // [N, T, D]
      return { qh, kh, vh, p, out };
    });
    (save as tf.GradSaveFunc)([qh, kh, vh, p]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, [qs, ks, vs, ps]: tf.Tensor[]) =>
        tf.tidy(() => {
          const dO = splitHeads(dy, n, t, heads, hd); // [N*H, T, hd]
          const dV = tf.matMul(ps!, dO, true, false); // [N*H, T, hd]
          const dP = tf.matMul(dO, vs!, false, true); // [N*H, T, T]
          const dS = tf.mul(ps!, tf.sub(dP, tf.sum(tf.mul(dP, ps!), -1, true)));
          const dQ = tf.mul(tf.matMul(dS, ks!), scale);
          const dK = tf.mul(tf.matMul(dS, qs!, true, false), scale);
          return tf.concat([mergeHeads(dQ, n, t, heads, hd), mergeHeads(dK, n, t, heads, hd), mergeHeads(dV, n, t, heads, hd)], 2);
        }),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
  return fused(qkv);
}
