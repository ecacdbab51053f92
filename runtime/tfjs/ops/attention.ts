import * as tf from '@tensorflow/tfjs-core';
import { fusedKernelNames } from '../kernels/index.ts';
import { headKernelNames } from '../kernels/heads.ts';
import { webgpuKernelNames } from '../webgpu-kernels/names.ts';
import { customGradOnce } from './custom-grad.ts';

/**
 * qkv [N, T, 3D] -> q, k, v, each [H*N, T, hd], with one rank-4 transpose and a split along the
 * leading axis (contiguous blocks: slicing the last axis instead costs as much as a matmul on
 * wasm). Rows are ordered (head, sample); mergeHeads undoes exactly that order.
 */
function splitQkv(qkv: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor3D[] {
  const x4 = tf.reshape(qkv, [n, t, 3 * heads, hd]); // (n, t, (s, h), d)
  const byHead = tf.transpose(x4, [2, 0, 1, 3]); // [3H, N, T, hd]
  return tf.split(tf.reshape(byHead, [3, heads * n, t, hd]), 3, 0).map((p) => tf.reshape(p, [heads * n, t, hd]) as tf.Tensor3D);
}

/** [H*N, T, hd] (rows ordered head, sample) -> [N, T, H*hd]. */
function mergeHeads(x: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor {
  const x4 = tf.transpose(tf.reshape(x, [heads, n, t, hd]), [1, 2, 0, 3]); // [N, T, H, hd]
  return tf.reshape(x4, [n, t, heads * hd]);
}

/** dq, dk, dv, each [H*N, T, hd] -> dqkv [N, T, 3D]: the inverse of splitQkv. */
function joinQkv(parts: readonly tf.Tensor[], n: number, t: number, heads: number, hd: number): tf.Tensor {
  const byHead = tf.reshape(tf.concat([...parts], 0), [3 * heads, n, t, hd]); // [3H, N, T, hd]
  return tf.reshape(tf.transpose(byHead, [1, 2, 0, 3]), [n, t, 3 * heads * hd]);
}

/** [N, T, D] -> [H*N, T, hd] (rows ordered head, sample): the inverse of mergeHeads. */
function splitHeads(x: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor {
  return tf.reshape(tf.transpose(tf.reshape(x, [n, t, heads, hd]), [2, 0, 1, 3]), [heads * n, t, hd]);
}

/** How the heads are cut out of qkv and put back: as tfjs ops, or as maec's wasm kernels. */
interface HeadLayout {
  /** qkv [N, T, 3D] -> q, k, v, each [H*N, T, hd] */
  splitQkv(qkv: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor3D[];
  /** [H*N, T, hd] -> [N, T, D] */
  merge(x: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor;
  /** [N, T, D] -> [H*N, T, hd]: the upstream gradient of merge */
  split(x: tf.Tensor, n: number, t: number, heads: number, hd: number): tf.Tensor;
  /** dq, dk, dv, each [H*N, T, hd] -> dqkv [N, T, 3D] */
  joinQkv(parts: readonly tf.Tensor[], n: number, t: number, heads: number, hd: number): tf.Tensor;
}

const tfjsLayout: HeadLayout = { splitQkv, merge: mergeHeads, split: splitHeads, joinQkv };

/**
 * The same copies as one kernel call each (runtime/tfjs/kernels/heads.ts), bit for bit the same
 * tensors (tests/kernels/heads-kernel.test.ts), on wasm with maec's kernels.
 */
const kernelLayout: HeadLayout = {
  splitQkv: (qkv, _n, _t, heads) => tf.engine().runKernel(headKernelNames.split, { x: qkv }, { heads, parts: 3 }) as unknown as tf.Tensor3D[],
  merge: (x, n, _t, heads) => tf.engine().runKernel(headKernelNames.merge, { x0: x }, { heads, samples: n }) as tf.Tensor,
  split: (x, _n, _t, heads) => (tf.engine().runKernel(headKernelNames.split, { x }, { heads, parts: 1 }) as unknown as tf.Tensor[])[0]!,
  joinQkv: (parts, n, _t, heads) => tf.engine().runKernel(headKernelNames.merge, { x0: parts[0]!, x1: parts[1]!, x2: parts[2]! }, { heads, samples: n }) as tf.Tensor,
};

interface SoftmaxImpl {
  value(s: tf.Tensor, scale: number): tf.Tensor;
  grad(p: tf.Tensor, dP: tf.Tensor, scale: number): tf.Tensor;
}

/** softmax(scale * s) over the last axis and its gradient, as tfjs ops. */
const tfjsSoftmax: SoftmaxImpl = {
  value: (s: tf.Tensor, scale: number): tf.Tensor => tf.softmax(tf.mul(s, scale)),
  /** dS = scale * P * (dP - rowsum(dP * P)): the gradient of the unscaled scores s. */
  grad: (p: tf.Tensor, dP: tf.Tensor, scale: number): tf.Tensor => tf.mul(tf.mul(p, tf.sub(dP, tf.sum(tf.mul(dP, p), -1, true))), scale),
};

/**
 * The gradient as one kernel call (kernels/elementwise.c), on wasm with maec's kernels. The
 * forward pass stays as above: tfjs-wasm's softmax (XNNPACK) beat a kernel of ours 2:1.
 */
const kernelSoftmax: SoftmaxImpl = {
  value: tfjsSoftmax.value,
  grad: (p: tf.Tensor, dP: tf.Tensor, scale: number): tf.Tensor => tf.engine().runKernel(fusedKernelNames.softmaxGrad, { p, dp: dP }, { scale }) as tf.Tensor,
};

/**
 * Multi-head self-attention core: qkv [N, T, 3D] -> [N, T, D]. q, k, v are the column blocks
 * [0, D), [D, 2D), [2D, 3D); head h uses columns h*hd .. (h+1)*hd - 1 of each; scores are
 * (q k^T) * hd^-0.5, softmax over keys.
 *
 * The gradient is fused: the tape keeps q, k, v per head and the attention weights P, not
 * every reshape, transpose and intermediate of the forward pass. With dO the upstream
 * gradient per head:
 *   dV = P^T dO,  dP = dO V^T,  dS = scale * P * (dP - rowsum(dP * P)),
 *   dQ = dS K,  dK = dS^T Q.
 */
function fusedAttention(softmax: SoftmaxImpl, layout: HeadLayout, heads: number): (qkv: tf.Tensor) => tf.Tensor {
  return tf.customGrad((x, save) => {
    const [n, t, three] = (x as tf.Tensor).shape as [number, number, number];
    const hd = three / 3 / heads;
    const scale = hd ** -0.5;
    const { qh, kh, vh, p, out } = tf.tidy(() => {
      const [qh, kh, vh] = layout.splitQkv(x as tf.Tensor, n, t, heads, hd) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D]; // each [H*N, T, hd]
      const p = softmax.value(tf.matMul(qh, kh, false, true), scale); // [H*N, T, T]
      const out = layout.merge(tf.matMul(p, vh), n, t, heads, hd); // [N, T, D]
      return { qh, kh, vh, p, out };
    });
    (save as tf.GradSaveFunc)([qh, kh, vh, p]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, [qs, ks, vs, ps]: tf.Tensor[]) =>
        tf.tidy(() => {
          const dO = layout.split(dy, n, t, heads, hd); // [H*N, T, hd]
          const dV = tf.matMul(ps!, dO, true, false); // [H*N, T, hd]
          const dP = tf.matMul(dO, vs!, false, true); // [H*N, T, T]
          const dS = softmax.grad(ps!, dP, scale); // [H*N, T, T]
          const dQ = tf.matMul(dS, ks!);
          const dK = tf.matMul(dS, qs!, true, false);
          return layout.joinQkv([dQ, dK, dV], n, t, heads, hd);
        }),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
}

/**
 * Attention as maec's WebGPU kernels (runtime/tfjs/webgpu-kernels/attention.ts): the forward
 * pass is one FlashAttention-style dispatch reading the packed qkv directly; the tape keeps
 * qkv and the output; the gradient is two dispatches (row logsumexp and rowsum(dO * O), then
 * all of dqkv with P recomputed from the logsumexp).
 */
function webgpuAttention(heads: number): (qkv: tf.Tensor) => tf.Tensor {
  const k = webgpuKernelNames;
  return tf.customGrad((x, save) => {
    const out = tf.engine().runKernel(k.attention, { qkv: x as tf.Tensor }, { heads }) as tf.Tensor;
    (save as tf.GradSaveFunc)([x as tf.Tensor, out]);
    return {
      value: out,
      gradFunc: (dy: tf.Tensor, [qkv, o]: tf.Tensor[]) =>
        tf.tidy(() => {
          const stats = tf.engine().runKernel(k.attentionStats, { qkv: qkv!, out: o!, dy }, { heads }) as tf.Tensor;
          return tf.engine().runKernel(k.attentionGrad, { qkv: qkv!, dy, stats }, { heads }) as tf.Tensor;
        }),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
}

const stockByHeads = customGradOnce((heads: number) => fusedAttention(tfjsSoftmax, tfjsLayout, heads));
const kernelByHeads = customGradOnce((heads: number) => fusedAttention(kernelSoftmax, kernelLayout, heads));
const webgpuByHeads = customGradOnce(webgpuAttention);

/** Attention from stock tfjs ops: any backend. */
export function attention(qkv: tf.Tensor, heads: number): tf.Tensor {
  return stockByHeads(heads)(qkv);
}

/** Attention whose softmax gradient and head layout run as maec's wasm kernels (float32; other dtypes take the stock ops). */
export function attentionWithKernels(qkv: tf.Tensor, heads: number): tf.Tensor {
  return (qkv.dtype === 'float32' ? kernelByHeads : stockByHeads)(heads)(qkv);
}

/** Attention through maec's WebGPU kernels (float32; other dtypes take the stock ops). */
export function attentionWithWebGpuKernels(qkv: tf.Tensor, heads: number): tf.Tensor {
  return (qkv.dtype === 'float32' ? webgpuByHeads : stockByHeads)(heads)(qkv);
}
