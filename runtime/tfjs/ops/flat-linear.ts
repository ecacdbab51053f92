import * as tf from '@tensorflow/tfjs-core';

/**
 * The 'native' lowering policy's linear layer (x [..., in] · W^T + b, W [out, ...] flattening
 * to [out, in]) as one custom-gradient op. It runs the same kernels on the same operands as
 * ops/linear.ts's reshape + tf.fused.matMul + reshape, so results are bit for bit the same,
 * but none of its reshapes is recorded on the gradient tape: tfjs records each taped reshape,
 * clones (an Identity kernel) the tensor its gradient saves, and runs a reshape back in the
 * backward pass, about 28 kernel calls per layer against 12 here (bench/op-count.ts counts).
 *
 *   forward:  y = _FusedMatMul(x [1, M, in], W [1, out, in], b; transposeB)   [1, M, out]
 *   backward: dx = dy · W              [1, M, out] x [1, out, in]
 *             dW = dy^T · x            [1, out, M] x [1, M, in]
 *             db = sum(dy, [0, 1])     [out]
 * which are tfjs's own fused-matmul gradients for transposeB, in the same order.
 */
const flatLinear = tf.customGrad((xIn, wIn, b, save): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] } => {
  const x = xIn as tf.Tensor;
  const w = wIn as tf.Tensor;
  const out = w.shape[0]!;
  const inFeatures = w.size / out;
  const rows = x.size / inFeatures;
  const x3 = tf.reshape(x, [1, rows, inFeatures]);
  const w3 = tf.reshape(w, [1, out, inFeatures]);
  const y3 = tf.engine().runKernel(
    tf._FusedMatMul,
    { a: x3, b: w3, bias: b as tf.Tensor } as unknown as tf.NamedTensorMap,
    { transposeA: false, transposeB: true, activation: 'linear', leakyreluAlpha: 0.2 },
  ) as tf.Tensor; // [1, M, out]
  (save as tf.GradSaveFunc)([x3, w3]);
  const xShape = x.shape;
  const wShape = w.shape;
  return {
    value: tf.reshape(y3, [...xShape.slice(0, -1), out]),
    gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => {
      const dy3 = tf.reshape(dy, [1, rows, out]);
      return [
        tf.reshape(tf.matMul(dy3, ws!, false, false), xShape),
        tf.reshape(tf.matMul(dy3, xs!, true, false), wShape),
        tf.sum(dy3, [0, 1]),
      ];
    },
  };
}) as unknown as (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** A linear layer on [..., in] inputs for the 'native' policy; see flatLinear. */
export function linearFlat(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return flatLinear(x, w, b);
}
