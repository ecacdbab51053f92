import * as tf from '@tensorflow/tfjs-core';
import type { LoweringPolicy } from '../lowering-policy.ts';
import { webgpuKernelNames } from '../webgpu-kernels/names.ts';
import { linearFlat } from './flat-linear.ts';

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


/**
 * A linear layer on [..., in] inputs. W may be any shape [out, ...] that flattens to
 * [out, in] (the patch embedding's conv weight [D, C, p, p] reads patches in (c, r, s) order).
 */
export function linear(policy: LoweringPolicy, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  // 'native': one custom-gradient op with no taped reshapes (flat-linear.ts), the same numbers.
  if (policy.linear === 'native') return linearFlat(x, w, b);
  const out = w.shape[0]!;
  const inFeatures = w.size / out;
  const x2 = tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D; // [M, in]
  const w2 = tf.reshape(w, [out, inFeatures]) as tf.Tensor2D; // [out, in]
  const y2 = linearPlain2d(x2, w2, b as tf.Tensor1D); // [M, out]
  return tf.reshape(y2, [...x.shape.slice(0, -1), out]);
}

/** Column sums of [M, F] -> [F] as one WebGPU dispatch (tf.sum over axis 0 is a transpose and a reduction there). */
const columnSum = (t: tf.Tensor): tf.Tensor => tf.engine().runKernel(webgpuKernelNames.columnSum, { x: t }) as tf.Tensor;

/**
 * x · W^T + b on webgpu with maec's kernels: tfjs's matmul with the bias in its epilogue, and a
 * gradient of two matmuls and one column-sum dispatch for db (the same products tfjs's own
 * gradient computes, with the bias sum as one kernel).
 */
const linearWebGpu2d = tf.customGrad((x, w, b, save): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] } => {
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor]);
  return {
    value: tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, transposeB: true, bias: b as tf.Tensor1D }),
    gradFunc: (dy: tf.Tensor, [xs, ws]: tf.Tensor[]) => [tf.matMul(dy as tf.Tensor2D, ws as tf.Tensor2D), tf.matMul(dy as tf.Tensor2D, xs as tf.Tensor2D, true, false), columnSum(dy)],
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/**
 * gelu(x · W^T + b) on webgpu with maec's kernels (the MLP's fc1 and its activation): the
 * matmul without bias, then the bias add fused into GELU (one dispatch); the gradient is one
 * dispatch for the bias+GELU derivative, two matmuls and one column sum. The tape keeps x, W, b
 * and the matmul output.
 *   pre = x W^T,  y = gelu(pre + b),  dpre = dy * gelu'(pre + b)
 *   dx = dpre W,  dW = dpre^T x,  db = sum_rows dpre
 */
const linearGeluWebGpu2d = tf.customGrad((x, w, b, save): { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] } => {
  const pre = tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D, false, true);
  (save as tf.GradSaveFunc)([x as tf.Tensor, w as tf.Tensor, b as tf.Tensor, pre]);
  return {
    value: tf.engine().runKernel(webgpuKernelNames.biasGelu, { x: pre, b: b as tf.Tensor }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor, [xs, ws, bs, ps]: tf.Tensor[]) =>
      tf.tidy(() => {
        const dpre = tf.engine().runKernel(webgpuKernelNames.biasGeluGrad, { x: ps!, b: bs!, dy }) as tf.Tensor2D;
        return [tf.matMul(dpre, ws as tf.Tensor2D), tf.matMul(dpre, xs as tf.Tensor2D, true, false), columnSum(dpre)];
      }),
  };
}) as unknown as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

function on2d(f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const out = w.shape[0]!;
  const inFeatures = w.size / out;
  const y2 = f(tf.reshape(x, [-1, inFeatures]) as tf.Tensor2D, tf.reshape(w, [out, inFeatures]) as tf.Tensor2D, b as tf.Tensor1D);
  return tf.reshape(y2, [...x.shape.slice(0, -1), out]);
}

const allFloat = (...ts: tf.Tensor[]) => ts.every((t) => t.dtype === 'float32');

/** `linear` on webgpu with maec's kernels (float32; other dtypes take `linear` with the policy). */
export function linearWithWebGpuKernels(policy: LoweringPolicy, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return allFloat(x, w, b) ? on2d(linearWebGpu2d, x, w, b) : linear(policy, x, w, b);
}

/** gelu(linear(x)) on webgpu with maec's kernels, bias and GELU in one dispatch (float32 only). */
export function linearGeluWithWebGpuKernels(policy: LoweringPolicy, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor, gelu: (t: tf.Tensor) => tf.Tensor): tf.Tensor {
  return allFloat(x, w, b) ? on2d(linearGeluWebGpu2d, x, w, b) : gelu(linear(policy, x, w, b));
}
