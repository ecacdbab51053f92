/**
 * The ops that have more than one implementation, and the sets a target chooses between: stock
 * tfjs ops (every backend), maec's fused wasm kernels, or maec's WebGPU kernels.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { LoweringPolicy } from '../lowering-policy.ts';
import { stockAdamW, wasmAdamW, webgpuAdamW, type AdamWUpdate } from './adamw.ts';
import { attention, attentionWithKernels, attentionWithWebGpuKernels } from './attention.ts';
import { gelu, geluWithKernels, geluWithWebGpuKernels } from './gelu.ts';
import { layerNorm, layerNormWithKernels, layerNormWithWebGpuKernels } from './layer-norm.ts';
import { linear, linearGeluWithWebGpuKernels, linearWithWebGpuKernels } from './linear.ts';
import { gatherTokens, gatherTokensWithWasmKernels, gatherTokensWithWebGpuKernels } from './tokens.ts';

export interface OpImpls {
  /** Which set this is, for reports: 'stock', 'maec-wasm' or 'maec-webgpu'. */
  readonly name: string;
  readonly gelu: (x: tf.Tensor) => tf.Tensor;
  readonly layerNorm: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number) => tf.Tensor;
  readonly attention: (qkv: tf.Tensor, heads: number) => tf.Tensor;
  /** out[n, k, :] = x[n, ids[n, k], :] (the masking shuffle and unshuffle), differentiable in x. */
  readonly gatherTokens: (policy: LoweringPolicy, x: tf.Tensor, ids: tf.Tensor) => tf.Tensor;
  /** A linear layer x · W^T + b on [..., in] (W [out, ...] flattening to [out, in]). */
  readonly linear: (policy: LoweringPolicy, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  /**
   * gelu(linear(x)) as one op, where a set fuses the bias into GELU; absent, the lowering runs
   * `linear` then `gelu` as two nodes.
   */
  readonly linearGelu?: (policy: LoweringPolicy, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => tf.Tensor;
  /** One AdamW step of one parameter (runtime/train/adamw.ts takes it as its update). */
  readonly adamw: AdamWUpdate;
}

/** Stock tfjs ops with maec's fused gradients: any backend. */
export const STOCK_OPS: OpImpls = Object.freeze({ name: 'stock', gelu, layerNorm, attention, gatherTokens, linear, adamw: stockAdamW });

/** maec's fused wasm kernels (kernels/elementwise.c, kernels/adamw.c, the masking gather of kernels/gather.ts), for a wasm target with them installed. */
export const WASM_KERNEL_OPS: OpImpls = Object.freeze({ name: 'maec-wasm', gelu: geluWithKernels, layerNorm: layerNormWithKernels, attention: attentionWithKernels, gatherTokens: gatherTokensWithWasmKernels, linear, adamw: wasmAdamW });

/**
 * maec's WGSL kernels (runtime/tfjs/webgpu-kernels), for a webgpu target with them installed:
 * GELU, LayerNorm, attention (FlashAttention-style), the masking gather, bias+GELU after the
 * MLP's first linear layer and linear layers' bias gradient, forward and backward, and AdamW.
 */
export const WEBGPU_KERNEL_OPS: OpImpls = Object.freeze({
  name: 'maec-webgpu',
  gelu: geluWithWebGpuKernels,
  layerNorm: layerNormWithWebGpuKernels,
  attention: attentionWithWebGpuKernels,
  gatherTokens: gatherTokensWithWebGpuKernels,
  linear: linearWithWebGpuKernels,
  linearGelu: (policy: LoweringPolicy, x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) => linearGeluWithWebGpuKernels(policy, x, w, b, geluWithWebGpuKernels),
  adamw: webgpuAdamW,
});
