import * as tf from '@tensorflow/tfjs-core';
import type { LoweringPolicy } from '../lowering-policy.ts';

/**
 * x [M, in] · W^T + b with W [out, in], using only plain 2-D matmuls: the forward multiplies by
 * an explicit transpose of W, and the custom gradient transposes dy explicitly.
 *   dx = dy · W            [M, out] x [out, in]
 *   dW = dy^T · x          [out, M] x [M, in]
 *   db = sum_rows(dy)
 */
const linearPlain2d = tf.customGrad((x, w, b, save): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] } => {
  const x2 = x as tf.Tensor2D;
  const w2 = w as tf.Tensor2D;
  (save as tf.GradSaveFunc)([x2, w2]);
  const value = tf.fused.matMul({ a: x2, b: tf.transpose(w2), bias: b as tf.Tensor1D }); // [M, out]
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const dy2 = dy as tf.Tensor2D;
      return [tf.matMul(dy2, ws), tf.matMul(tf.transpose(dy2), xs), tf.sum(dy2, 0)];
    },
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

function linearNative(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.fused.matMul({ a: x, b: w, transposeB: true, bias: b }) as tf.Tensor2D;
}

/**
 * A linear layer on [..., in] inputs. W may be any shape [out, ...] that flattens to
 * [out, in] (the patch embedding's conv weight [D, C, p, p] reads patches in (c, r, s) order).
 */
export function linear(policy: LoweringPolicy, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const out = w.shape[0]!;
  const inFeatures = w.size / out;
  const x2 = tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D; // [M, in]
  const w2 = tf.reshape(w, [out, inFeatures]) as tf.Tensor2D; // [out, in]
  const y2 = (policy.linear === 'plain2d' ? linearPlain2d : linearNative)(x2, w2, b as tf.Tensor1D); // [M, out]
  return tf.reshape(y2, [...x.shape.slice(0, -1), out]);
}
