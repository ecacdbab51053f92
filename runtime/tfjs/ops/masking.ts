import * as tf from '@tensorflow/tfjs-core';

/** Ascending argsort of each row of [N, L] (smallest value first), as int32. */
export function argsort(keys: tf.Tensor): tf.Tensor {
  const length = keys.shape[1]!;
  // topk sorts descending; negation is exact for floats and for int32 indices < 2^31.
  return tf.topk(tf.neg(keys), length, true).indices;
}

/** mask [N, L]: 1 where ids_restore >= keep (the patch was removed), 0 where it was kept. */
export function maskFromRestore(idsRestore: tf.Tensor, keep: number): tf.Tensor {
  return tf.cast(tf.greaterEqual(idsRestore, tf.scalar(keep, 'int32')), 'float32');
}

/** x * (1 - mask) + token * mask, mask [N, L] broadcast over the width of x [N, L, D]. */
export function maskReplace(x: tf.Tensor, mask: tf.Tensor, token: tf.Tensor): tf.Tensor {
  const m = tf.expandDims(mask, -1); // [N, L, 1]
  return tf.add(tf.mul(x, tf.sub(1, m)), tf.mul(token, m));
}
