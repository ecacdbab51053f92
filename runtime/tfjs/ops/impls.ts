/**
 * The ops that have more than one implementation, and the sets a target chooses between: stock
 * tfjs ops (every backend) or maec's fused wasm kernels. A WebGPU target adds its own set here.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { attention, attentionWithKernels } from './attention.ts';
import { gelu, geluWithKernels } from './gelu.ts';
import { layerNorm, layerNormWithKernels } from './layer-norm.ts';

export interface OpImpls {
  /** Which set this is, for reports: 'stock' or 'maec-wasm'. */
  readonly name: string;
  readonly gelu: (x: tf.Tensor) => tf.Tensor;
  readonly layerNorm: (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps: number) => tf.Tensor;
  readonly attention: (qkv: tf.Tensor, heads: number) => tf.Tensor;
}

/** Stock tfjs ops with maec's fused gradients: any backend. */
export const STOCK_OPS: OpImpls = Object.freeze({ name: 'stock', gelu, layerNorm, attention });

/** maec's fused wasm kernels (kernels/elementwise.c), for a wasm target with them installed. */
export const WASM_KERNEL_OPS: OpImpls = Object.freeze({ name: 'maec-wasm', gelu: geluWithKernels, layerNorm: layerNormWithKernels, attention: attentionWithKernels });
